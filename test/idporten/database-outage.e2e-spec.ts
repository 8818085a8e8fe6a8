// test-database: independent (uses the local PostgreSQL server in either pass)
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { serverAnswers } from '../helpers/database';
import { eventually, exchange } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';
import { ProxiedApp, startAppBehindProxy } from '../helpers/proxied-database';

describe('ID-porten exchange while the database is away', () => {
  let available = false;
  let idporten: FakeIssuer;
  let app: ProxiedApp;

  before(async () => {
    available = await serverAnswers();
    if (!available) return;
    idporten = await FakeIssuer.start('idporten');
    app = await startAppBehindProxy({ IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl, PROFILES_AUTO_PROVISION: 'false' });
  });
  after(async () => {
    if (!available) return;
    await app.close();
    await idporten.close();
  });

  it('answers 503 with Retry-After for an uncached person, keeps serving a cached one, and recovers', async (t) => {
    if (!available) {
      t.skip('no PostgreSQL server on 127.0.0.1:5432; outage test not run');
      return;
    }
    const cached = await idporten.idportenToken();
    expect((await exchange(app.running, 'id-porten', cached)).status).toBe(200);
    app.proxy.cut();
    const uncached = await idporten.idportenToken({ pid: '01010112345' });
    const response = await exchange(app.running, 'id-porten', uncached);
    await expectProblem(response, 503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect((await exchange(app.running, 'id-porten', await idporten.idportenToken())).status).toBe(200);
    await app.proxy.restore();
    await eventually(async () => (await exchange(app.running, 'id-porten', uncached)).status === 401, 10_000);
  });
});
