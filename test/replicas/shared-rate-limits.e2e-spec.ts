import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Redis } from 'ioredis';
import { RATE_LIMIT_KEY_PREFIX } from '../../src/rate-limit/rate-limit-storage';
import { freePort, RunningApp, startApp } from '../helpers/app';
import { eventually, exchange } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';
import { deleteKeys, localRedisUrl, redisMissing } from '../helpers/redis';
import { TcpProxy } from '../helpers/tcp-proxy';

const LIMIT = 3;
/** A Redis database of this file's own. */
const DATABASE = 12;

const metricsOf = async (app: RunningApp) => (await fetch(`${app.url}/metrics`)).text();

describe('rate limits counted in Redis (REDIS_URL)', () => {
  let noRedis: string | undefined;
  let maskinporten: FakeIssuer;
  /** Between the replicas and Redis, so that a test can take Redis away and bring it back. */
  let redis: TcpProxy;
  let a: RunningApp;
  let b: RunningApp;
  /** A replica whose Redis never answers. */
  let lonely: RunningApp;

  before(async () => {
    noRedis = await redisMissing(localRedisUrl(DATABASE));
    maskinporten = await FakeIssuer.start('maskinporten');
    const env = { MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl, RATE_LIMIT_PER_MINUTE: String(LIMIT) };
    lonely = await startApp({ env: { ...env, REDIS_URL: `redis://127.0.0.1:${await freePort()}/0` } });
    if (noRedis) return;
    await deleteKeys(localRedisUrl(DATABASE), `{${RATE_LIMIT_KEY_PREFIX}`);
    redis = await TcpProxy.start('127.0.0.1', 6379);
    const shared = { ...env, REDIS_URL: `redis://127.0.0.1:${redis.port}/${DATABASE}` };
    // Two replicas, each with its own embedded database: only Redis is shared.
    [a, b] = await Promise.all([startApp({ env: shared }), startApp({ env: shared })]);
  });
  after(async () => {
    await Promise.all([a?.close(), b?.close(), lonely?.close()]);
    await redis?.close();
    await maskinporten?.close();
  });

  it('counts a client across two replicas: the limit reached on one answers 429 on the other', async (t) => {
    if (noRedis) return t.skip(noRedis);
    const token = await maskinporten.maskinportenToken();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) statuses.push((await exchange(a, 'maskinporten', token)).status);
    expect(statuses).toEqual(Array(LIMIT).fill(200));
    const limited = await exchange(b, 'maskinporten', token);
    await expectProblem(limited, 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The counters are Redis's, under this service's prefix.
    const client = new Redis(localRedisUrl(DATABASE));
    try {
      expect((await client.keys(`{${RATE_LIMIT_KEY_PREFIX}*`)).length).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
    expect(await metricsOf(b)).toContain('authentication_rate_limit_store_up{store="redis"} 1');
  });

  it('fails open while Redis is away (never a 5xx, readiness up, counted), and limits again once it is back', async (t) => {
    if (noRedis) return t.skip(noRedis);
    const token = await maskinporten.maskinportenToken();
    await eventually(async () => (await exchange(a, 'maskinporten', token)).status === 429, 10_000);
    await redis.refuse();
    // The client already over its limit gets through: the limits cannot be checked, so they are not enforced.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await exchange(a, 'maskinporten', token)).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect((await fetch(`${a.url}/health/ready`)).status).toBe(200);
    const metrics = await metricsOf(a);
    expect(Number(/^authentication_rate_limit_fail_open_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(4);
    expect(metrics).toContain('authentication_rate_limit_store_up{store="redis"} 0');
    await redis.restore();
    // ioredis reconnects on its own (a few hundred ms); the client's block in Redis applies again.
    await eventually(async () => (await exchange(a, 'maskinporten', token)).status === 429, 15_000);
    expect(await metricsOf(a)).toContain('authentication_rate_limit_store_up{store="redis"} 1');
  });

  it('starts and serves when Redis never answered, every request let through and counted', async () => {
    const token = await maskinporten.maskinportenToken();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push((await exchange(lonely, 'maskinporten', token)).status);
    expect(statuses).toEqual(Array(LIMIT + 2).fill(200));
    expect((await fetch(`${lonely.url}/health/ready`)).status).toBe(200);
    const metrics = await metricsOf(lonely);
    expect(metrics).toContain(`authentication_rate_limit_fail_open_total ${LIMIT + 2}`);
    expect(metrics).toContain('authentication_rate_limit_store_up{store="redis"} 0');
  });

  it('counts per replica without REDIS_URL, as documented', async () => {
    const separate = await Promise.all([
      startApp({ env: { MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl, RATE_LIMIT_PER_MINUTE: String(LIMIT) } }),
      startApp({ env: { MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl, RATE_LIMIT_PER_MINUTE: String(LIMIT) } }),
    ]);
    try {
      const token = await maskinporten.maskinportenToken();
      for (let i = 0; i < LIMIT; i++) expect((await exchange(separate[0], 'maskinporten', token)).status).toBe(200);
      await expectProblem(await exchange(separate[0], 'maskinporten', token), 429);
      expect((await exchange(separate[1], 'maskinporten', token)).status).toBe(200);
      expect(await metricsOf(separate[1])).toContain('authentication_rate_limit_store_up{store="process"} 1');
    } finally {
      await Promise.all(separate.map((app) => app.close()));
    }
  });
});
