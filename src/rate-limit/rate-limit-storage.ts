import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Redis } from 'ioredis';
import { httpConfig } from '../config';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Every counter this service keeps in a shared Redis carries this prefix, so the database can hold
 * other things (the storage wraps it in a hash tag: `{platform-authentication:rate-limit:...}:hits`).
 */
export const RATE_LIMIT_KEY_PREFIX = 'platform-authentication:rate-limit:';

/** How long a request waits for Redis before it is let through uncounted. */
const REDIS_COMMAND_TIMEOUT_MS = 500;
/** How long start-up waits for the first connection (not fatal: the limits fail open meanwhile). */
const REDIS_FIRST_CONNECT_MS = 2_000;

/**
 * Where the rate-limit counters live. With REDIS_URL, in Redis, shared by every replica, through
 * the maintained storage of `@nest-lab/throttler-storage-redis`; without it, in this process.
 * Redis being down never fails a request: the limits fail open, with one warning per outage and
 * the `authentication_rate_limit_fail_open_total` metric, and readiness stays up.
 */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage, OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimits');
  private readonly local?: ThrottlerStorageService;
  private readonly redis?: Redis;
  private readonly shared?: ThrottlerStorageRedisService;
  private failing = false;
  /** Requests let through uncounted because Redis did not answer, since start. */
  failedOpen = 0;

  constructor(@Inject(httpConfig.KEY) private readonly config: ConfigType<typeof httpConfig>) {
    const url = config.rateLimitRedisUrl;
    if (!url || config.rateLimitPerMinute === 0) {
      this.local = new ThrottlerStorageService();
      return;
    }
    this.redis = new Redis(url, {
      lazyConnect: true,
      // A command while disconnected fails at once instead of queueing: the request goes on uncounted.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: REDIS_FIRST_CONNECT_MS,
      // Keep trying to reconnect, at most every 5 s.
      retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
    });
    // ioredis prints unhandled error events itself; the first failed request warns instead.
    this.redis.on('error', () => undefined);
    this.redis.on('ready', () => this.recovered());
    this.shared = new ThrottlerStorageRedisService(this.redis);
  }

  /** Where the counters are: 'redis' (shared by the replicas) or 'process'. */
  get store(): 'redis' | 'process' {
    return this.redis ? 'redis' : 'process';
  }

  /** Whether Redis answers now (always true for counters in this process). */
  get reachable(): boolean {
    return !this.redis || this.redis.status === 'ready';
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, REDIS_FIRST_CONNECT_MS)));
    const connected = this.redis.connect().catch((error: unknown) => this.failed(error));
    await Promise.race([connected, late]);
    clearTimeout(timer);
  }

  onApplicationShutdown(): void {
    this.local?.onApplicationShutdown();
    this.redis?.disconnect(false);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    if (!this.shared) return (this.local as ThrottlerStorageService).increment(key, ttl, limit, blockDuration, throttlerName);
    try {
      return await this.shared.increment(`${RATE_LIMIT_KEY_PREFIX}${key}`, ttl, limit, blockDuration, throttlerName);
    } catch (error) {
      this.failed(error);
      this.failedOpen += 1;
      return { totalHits: 0, timeToExpire: Math.ceil(ttl / 1000), isBlocked: false, timeToBlockExpire: 0 };
    }
  }

  private failed(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`rate limits fail open: Redis does not answer (${reason}); requests are not counted until it does`);
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.log('rate limits are counted in Redis again');
  }
}
