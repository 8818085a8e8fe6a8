// test-database: independent (spawned services with an environment of their own)
import { join } from 'node:path';
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
      LOG_LEVEL: 'debug',
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
    const expired = await idporten.idportenToken({ pid, exp: idporten.now() - 3600 });
    const refused = await fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/id-porten?pid=${pid}`, {
      headers: { authorization: `Bearer ${expired}`, 'x-request-id': 'log-test-2' },
    });
    expect(refused.status).toBe(401);
    await fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/id-porten`, { headers: { authorization: 'Bearer nope' } });
    child.kill('SIGTERM');
    const { stdout, stderr } = await exited;
    const output = stdout + stderr;
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const exchangeLine = lines.find((l) => l.reqId === 'log-test-1' && l.res);
    expect(exchangeLine).toMatchObject({
      level: 30,
      req: { id: 'log-test-1', method: 'GET', path: '/authentication/api/v1/exchange/id-porten' },
      route: '/authentication/api/v1/exchange/id-porten',
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    expect(exchangeLine?.reason).toBeUndefined();
    // A refusal's line says why, in the same word the audit row and the metric use.
    expect(lines.find((l) => l.reqId === 'log-test-2' && l.res)).toMatchObject({ level: 30, res: { statusCode: 401 }, reason: 'expired' });
    for (const secret of [
      token,
      token.split('.')[1],
      token.split('.')[2],
      expired.split('.')[2],
      issued.split('.')[2],
      pid,
      'Bearer nope',
    ]) {
      expect([secret.slice(0, 20), output.includes(secret)]).toEqual([secret.slice(0, 20), false]);
    }
    expect(output).toContain('051070*****');
    // A line the service writes while handling a request carries that request's id.
    expect(lines.find((l) => l.msg === 'profile provisioned')).toMatchObject({
      level: 30,
      context: 'ProfileService',
      reqId: 'log-test-1',
      ssn: '051070*****',
    });
  });
});

describe('start-up logs', () => {
  let lines: Record<string, unknown>[];
  let port: number;
  let dataDir: string;
  before(async () => {
    port = await freePort();
    dataDir = newDataDir('auth-start-logs-');
    // The defaults a developer starts with: the test IdP on, which the exchanges trust, so the service calls itself.
    const { child, exited } = spawnService({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
    await waitFor(`http://127.0.0.1:${port}/health/ready`, undefined, exited);
    // One exchange makes the service fetch its own test IdP's metadata and keys.
    await fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/maskinporten`, { headers: { authorization: 'Bearer nope' } });
    child.kill('SIGTERM');
    lines = (await exited).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  });

  it('say once where the service, its database, the docs, the login page and the demo are', () => {
    const origin = `http://127.0.0.1:${port}`;
    const summaries = lines.filter((l) => l.context === 'Startup');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      level: 30,
      url: origin,
      database: `embedded, in ${join(dataDir, 'pgdata')}`,
      docs: `${origin}/docs`,
      login: `${origin}/test-idp/idporten/login`,
      demo: 'npm run demo',
    });
    expect(summaries[0].msg).toBe(
      `ready at ${origin} | database: embedded, in ${join(dataDir, 'pgdata')} | API docs: ${origin}/docs | test login page: ${origin}/test-idp/idporten/login | try the whole flow: npm run demo`,
    );
  });

  it("write Nest's module and route lines, the probes and the service's calls to its test IdP at debug, never higher", () => {
    const framework = lines.filter((l) => ['InstanceLoader', 'RoutesResolver', 'RouterExplorer'].includes(l.context as string));
    expect(framework.length).toBeGreaterThan(10);
    expect(framework.filter((l) => l.level !== 20)).toEqual([]);
    const path = (l: Record<string, unknown>) => (l.req as { path?: string } | undefined)?.path ?? '';
    const probes = lines.filter((l) => path(l) === '/health/ready');
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.filter((l) => l.level !== 20)).toEqual([]);
    const ownCalls = lines.filter((l) => path(l).startsWith('/test-idp/'));
    expect(ownCalls.length).toBeGreaterThan(0);
    expect(ownCalls.filter((l) => l.level !== 20)).toEqual([]);
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
  });
});
