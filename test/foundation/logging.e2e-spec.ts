import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { freePort } from '../helpers/app';
import { newDataDir } from '../helpers/database';
import { FakeIssuer } from '../helpers/fake-issuer';
import { spawnService, waitFor } from '../helpers/spawn';

describe('request logs', () => {
  let idporten: FakeIssuer;
  before(async () => {
    idporten = await FakeIssuer.start('idporten');
  });
  after(() => idporten.close());

  it('write one JSON line per request with method, route, status, duration and correlation id, never a token or a pid', async () => {
    const port = await freePort();
    const { child, exited } = spawnService({
      PORT: String(port),
      DATA_DIR: newDataDir('auth-logs-'),
      LOG_LEVEL: 'info',
      TEST_IDP_ENABLED: 'false',
      IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl,
    });
    await waitFor(`http://127.0.0.1:${port}/health/ready`, undefined, exited);
    const pid = '05107012345';
    const token = await idporten.idportenToken({ pid });
    const response = await fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/id-porten`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'log-test-1' },
    });
    const issued = await response.text();
    expect(response.status).toBe(200);
    await fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/id-porten?pid=${pid}`, { headers: { authorization: 'Bearer nope' } });
    child.kill('SIGTERM');
    const { stdout, stderr } = await exited;
    const output = stdout + stderr;
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const exchangeLine = lines.find((l) => l.reqId === 'log-test-1' && l.res);
    expect(exchangeLine).toMatchObject({
      level: 30,
      req: { id: 'log-test-1', method: 'GET', path: '/authentication/api/v1/exchange/id-porten' },
      route: '/authentication/api/v1/exchange/id-porten',
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    for (const secret of [token, token.split('.')[1], token.split('.')[2], issued.split('.')[2], pid, 'Bearer nope']) {
      expect([secret.slice(0, 20), output.includes(secret)]).toEqual([secret.slice(0, 20), false]);
    }
    expect(output).toContain('051070*****');
  });
});
