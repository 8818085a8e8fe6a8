// test-database: independent (a spawned service with an environment of its own)
import { Agent, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { freePort } from '../helpers/app';
import { newDataDir } from '../helpers/database';
import { FakeIssuer } from '../helpers/fake-issuer';
import { spawnService, waitFor } from '../helpers/spawn';

type Outcome = { status: number } | { error: string };

/** One exchange over a fresh connection: a refused connection was never in flight; a reset one was lost. */
function exchangeOnce(port: number, token: string, agent: Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/authentication/api/v1/exchange/maskinporten',
        headers: { authorization: `Bearer ${token}` },
        agent,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

describe('SIGTERM during load', () => {
  let maskinporten: FakeIssuer;
  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
  });
  after(() => maskinporten.close());

  it('answers every request sent before readiness turned 503, then exits 0', async () => {
    const port = await freePort();
    const { child, exited } = spawnService({
      PORT: String(port),
      DATA_DIR: newDataDir('auth-sigterm-'),
      LOG_LEVEL: 'silent',
      TEST_IDP_ENABLED: 'false',
      RATE_LIMIT_PER_MINUTE: '0',
      MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
      // Readiness says 503 for 5 s before the listener closes: long enough for this test's poller to
      // notice on a loaded machine, as a load balancer would, and stop sending (it takes well under a
      // second with six busy loops beside the suite on 2 cores).
      SHUTDOWN_DRAIN_SECONDS: '5',
      SHUTDOWN_GRACE_SECONDS: '120',
    });
    await waitFor(`http://127.0.0.1:${port}/health/ready`, undefined, exited);
    const token = await maskinporten.maskinportenToken({ exp: maskinporten.now() + 600 });
    const agent = new Agent({ keepAlive: false, maxSockets: 32 });
    // The poller's connection of its own, opened just before SIGTERM: its probes never wait for one of
    // the workers' sockets, nor for a connection to be accepted.
    const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    const readiness = () =>
      new Promise<number>((resolve) => {
        request({ host: '127.0.0.1', port, path: '/health/ready', agent: probeAgent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
          .on('error', () => resolve(0))
          .end();
      });
    const outcomes: Outcome[] = [];
    let stop = false;
    const workers = Array.from({ length: 32 }, async () => {
      while (!stop) outcomes.push(await exchangeOnce(port, token, agent));
    });
    // Under load means a number of answers, not a time: a busy machine needs longer to reach it.
    while (outcomes.length <= 100) await new Promise((r) => setTimeout(r, 50));
    // Opens the poller's connection. Its answer is not the point: a busy database may make it 503 too.
    await readiness();
    child.kill('SIGTERM');
    const atSigterm = outcomes.length;
    // Like a load balancer: stop sending new requests once readiness says so.
    let ready = 200;
    while (ready === 200) {
      await new Promise((r) => setTimeout(r, 20));
      ready = await readiness();
    }
    stop = true;
    probeAgent.destroy();
    await Promise.all(workers);
    const { code } = await exited;
    const answered = outcomes.filter((o): o is { status: number } => 'status' in o);
    const lost = outcomes.filter((o) => 'error' in o);
    // The 32 exchanges in flight when SIGTERM arrived, and those sent until readiness said 503, were answered.
    expect(outcomes.length).toBeGreaterThanOrEqual(atSigterm + 32);
    expect(new Set(answered.map((o) => o.status))).toEqual(new Set([200]));
    expect(lost).toEqual([]);
    // What stopped the load was readiness saying 503, not a listener that had closed already.
    expect(ready).toBe(503);
    expect(code).toBe(0);
  });
});
