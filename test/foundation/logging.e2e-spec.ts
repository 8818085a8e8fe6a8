// test-database: independent (spawned services with an environment of their own)
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { freePort } from '../helpers/app';
import { newDataDir } from '../helpers/database';
import { FakeIssuer } from '../helpers/fake-issuer';
import { spawnService, waitFor } from '../helpers/spawn';

/**
 * One service with a developer's defaults (the test IdP on, which the Maskinporten exchange trusts,
 * so the service calls itself) and a fake ID-porten, at debug: the requests below are sent, the
 * service stopped, and the tests read what it wrote.
 */
describe('the service log', () => {
  const pid = '05107012345';
  let idporten: FakeIssuer;
  let port: number;
  let dataDir: string;
  let output: string;
  let lines: Record<string, unknown>[];
  /** The tokens sent and received, for the no-leak check. */
  let token: string;
  let expired: string;
  let issued: string;
  const statuses: Record<string, number> = {};
  const instances: string[] = [];

  before(async () => {
    idporten = await FakeIssuer.start('idporten');
    port = await freePort();
    dataDir = newDataDir('auth-logs-');
    const { child, exited } = spawnService({
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl,
    });
    await waitFor(`http://127.0.0.1:${port}/health/ready`, undefined, exited);
    token = await idporten.idportenToken({ pid });
    const response = await fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/id-porten`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'log-test-1' },
    });
    issued = await response.text();
    statuses.issued = response.status;
    expired = await idporten.idportenToken({ pid, exp: idporten.now() - 3600 });
    const refused = await fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/id-porten?pid=${pid}`, {
      headers: { authorization: `Bearer ${expired}`, 'x-request-id': 'log-test-2' },
    });
    statuses.refused = refused.status;
    await fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/id-porten`, { headers: { authorization: 'Bearer nope' } });
    // One Maskinporten exchange makes the service fetch its own test IdP's metadata and keys.
    await fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/maskinporten`, { headers: { authorization: 'Bearer nope' } });
    // A token or a pid in the path: masked in the log line's path and in the problem's instance.
    for (const [id, segment] of [
      ['log-test-3', token],
      ['log-test-4', pid],
      ['log-test-5', encodeURIComponent(`x${pid}.json`)],
    ]) {
      const inPath = await fetch(`http://127.0.0.1:${port}/authentication/api/v1/exchange/${segment}/x`, {
        headers: { 'x-request-id': id },
      });
      statuses[id] = inPath.status;
      instances.push(((await inPath.json()) as { instance: string }).instance);
    }
    child.kill('SIGTERM');
    const { stdout, stderr } = await exited;
    output = stdout + stderr;
    lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  });
  after(() => idporten?.close());

  it('writes one JSON line per request with method, route, status, duration and correlation id, never a token or a pid', () => {
    expect(statuses).toMatchObject({ issued: 200, refused: 401, 'log-test-3': 404, 'log-test-4': 404, 'log-test-5': 404 });
    expect(instances).toEqual(Array(3).fill('/authentication/api/v1/exchange/[masked]/x'));
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
    for (const id of ['log-test-3', 'log-test-4', 'log-test-5'])
      expect(lines.find((l) => l.reqId === id && l.res)).toMatchObject({ req: { path: '/authentication/api/v1/exchange/[masked]/x' } });
    // A line the service writes while handling a request carries that request's id.
    expect(lines.find((l) => l.msg === 'profile provisioned')).toMatchObject({
      level: 30,
      context: 'ProfileService',
      reqId: 'log-test-1',
      ssn: '051070*****',
    });
  });

  it('says once at start where the service, its database, the docs, the login page and the demo are', () => {
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

  it("writes Nest's module and route lines, the probes and the service's calls to its test IdP at debug, never higher", () => {
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
