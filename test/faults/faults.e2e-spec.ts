// test-database: independent (upstream and audit-buffer faults; the restart test uses the local server in either pass)
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit-log';
import { RunningApp, startApp } from '../helpers/app';
import { missingServer, serverAnswers } from '../helpers/database';
import { eventually, exchange } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';
import { ProxiedApp, startAppBehindProxy } from '../helpers/proxied-database';

// One app for the upstream and audit-buffer faults: settings that do not meet (the upstream
// timeout and JWKS cooldown, the audit buffer's size and timers).
describe('upstream and audit-buffer faults', () => {
  let maskinporten: FakeIssuer;
  let running: RunningApp;
  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    // No audit flush during the tests (and none per issued token): a buffer of 10 fills and the rest is dropped.
    running = await startApp({
      env: {
        MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
        UPSTREAM_TIMEOUT_MS: '300',
        JWKS_COOLDOWN_SECONDS: '1',
        AUDIT_BUFFER_SIZE: '10',
        AUDIT_FLUSH_MS: '60000',
        AUDIT_WRITE_BEFORE_RESPONSE: 'false',
      },
    });
    await eventually(async () => (await fetch(`${running.url}/health/ready`)).status === 200);
  });
  after(async () => {
    await running.close();
    await maskinporten.close();
  });

  describe('an upstream slower than the timeout', () => {
    it('gives up after the timeout and keeps serving with the keys it has', async () => {
      // The upstream holds its answer far beyond the 300 ms timeout: a 401 that arrives while it
      // still holds it proves the service gave up instead of waiting (no clock in the assertion).
      maskinporten.mode = 'slow';
      maskinporten.slowMs = 60_000;
      running.clock.advance(2000);
      const unknownKid = await maskinporten.sign(maskinporten.maskinportenClaims(), { header: { kid: 'rotated-away' } });
      const jwksFetches = maskinporten.hits.jwks;
      try {
        await expectProblem(await exchange(running, 'maskinporten', unknownKid), 401);
        expect(maskinporten.hits.jwks).toBe(jwksFetches + 1);
        expect(maskinporten.answersHeld).toBe(1);
        expect((await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).status).toBe(200);
      } finally {
        maskinporten.mode = 'ok';
      }
    });
  });

  describe('a full audit buffer', () => {
    it('never holds a request back, and counts what it drops', async () => {
      const audit = running.app.get(AuditLog);
      const dataSource = running.app.get(DataSource);
      const events = async () => (await dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM authentication_events'))[0].n;
      // What the other test left in the buffer is written first: the buffer starts empty.
      await audit.flush();
      const [droppedBefore, rowsBefore] = [audit.dropped, await events()];
      const token = await maskinporten.maskinportenToken();
      const statuses = await Promise.all(Array.from({ length: 30 }, async () => (await exchange(running, 'maskinporten', token)).status));
      expect(statuses).toEqual(Array(30).fill(200));
      expect(audit.pending).toBe(10);
      expect(audit.dropped - droppedBefore).toBe(20);
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      expect(metrics).toContain(`authentication_audit_dropped_events_total ${droppedBefore + 20}`);
      await audit.flush();
      expect((await events()) - rowsBefore).toBe(10);
    });
  });
});

describe('the database restarted during load', () => {
  let available = false;
  let maskinporten: FakeIssuer;
  let idporten: FakeIssuer;
  let app: ProxiedApp;
  before(async () => {
    available = await serverAnswers();
    if (!available) return;
    maskinporten = await FakeIssuer.start('maskinporten');
    idporten = await FakeIssuer.start('idporten');
    app = await startAppBehindProxy({
      MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
      IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl,
      PROFILES_AUTO_PROVISION: 'false',
      AUDIT_FLUSH_MS: '200',
    });
  });
  after(async () => {
    if (!available) return;
    await app.close();
    await maskinporten.close();
    await idporten.close();
  });

  it('keeps cached paths working, answers 503 where the database is needed, and recovers without restart', async (t) => {
    if (!available) {
      t.skip(missingServer('no PostgreSQL server on 127.0.0.1:5432; database restart test not run'));
      return;
    }
    const { running } = app;
    const token = await maskinporten.maskinportenToken();
    let stop = false;
    let cut = false;
    const statuses: number[] = [];
    const duringCut: number[] = [];
    const load = (async () => {
      while (!stop) {
        const batch = await Promise.all(Array.from({ length: 8 }, async () => (await exchange(running, 'maskinporten', token)).status));
        statuses.push(...batch);
        if (cut) duringCut.push(...batch);
      }
    })();
    const answered = async (list: number[], count: number) => {
      while (list.length < count) await new Promise((r) => setTimeout(r, 20));
    };
    // Under load means answers, not a time: a busy machine needs longer to give them.
    await answered(statuses, 16);
    app.proxy.cut();
    cut = true;
    const uncached = await exchange(running, 'id-porten', await idporten.idportenToken({ pid: '01010112345' }));
    await expectProblem(uncached, 503);
    expect((await fetch(`${running.url}/health/ready`)).status).toBe(503);
    // Whole batches of cached exchanges answered while the database is away.
    await answered(duringCut, 16);
    cut = false;
    await app.proxy.restore();
    await eventually(async () => (await fetch(`${running.url}/health/ready`)).status === 200, 10_000);
    stop = true;
    await load;
    expect(duringCut.length).toBeGreaterThanOrEqual(16);
    expect(new Set(statuses)).toEqual(new Set([200]));
    // The audit rows buffered while the database was away are written once it is back; none dropped.
    const issuedRows = async () =>
      (
        await running.app
          .get(DataSource)
          .query<{ n: number }[]>("SELECT count(*)::int AS n FROM authentication_events WHERE outcome = 'issued'")
      )[0].n;
    await eventually(async () => (await issuedRows()) === statuses.length, 10_000);
    expect(running.app.get(AuditLog).dropped).toBe(0);
  });
});
