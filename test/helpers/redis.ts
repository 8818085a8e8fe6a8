import { Redis } from 'ioredis';

/** The machine's Redis, which .ci/run starts when it is installed and stopped. */
export const LOCAL_REDIS = '127.0.0.1:6379';

/** A Redis URL on the local server with a database of the test's own, so tests never share counters. */
export const localRedisUrl = (database: number) => `redis://${LOCAL_REDIS}/${database}`;

/** True when Redis answers PING at the URL within a second. */
export async function redisAnswers(url = localRedisUrl(0)): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Why a Redis test cannot run here, or undefined when Redis answers. With CI=true a missing Redis
 * is a failure, not a skip: CI promises the shared rate limits were tested.
 */
export async function redisMissing(url = localRedisUrl(0)): Promise<string | undefined> {
  if (await redisAnswers(url)) return undefined;
  const reason = `no Redis answers on ${LOCAL_REDIS}`;
  if (process.env.CI === 'true') throw new Error(`${reason}, and CI=true: .ci/run should have started it`);
  return `${reason}; shared rate-limit test not run`;
}

/** Deletes the keys under `prefix` in the URL's database (what an earlier run of the same test left). */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
