import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { httpConfig } from '../config';
import { RateLimitStorage } from './rate-limit-storage';

/** The counters' store, as a provider of its own so that its connection starts and stops with the app. */
@Module({ providers: [RateLimitStorage], exports: [RateLimitStorage] })
export class RateLimitStorageModule {}

/**
 * Per-client-IP request limits for the exchange and test IdP endpoints (controllers opt in with
 * ThrottlerGuard): RATE_LIMIT_PER_MINUTE, 0 turns them off. Counters live in Redis with REDIS_URL
 * (shared by the replicas), else in this process (rate-limit-storage.ts).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [httpConfig.KEY, RateLimitStorage],
      useFactory: (config: ConfigType<typeof httpConfig>, storage: RateLimitStorage) => ({
        throttlers: [{ ttl: 60_000, limit: Math.max(config.rateLimitPerMinute, 1) }],
        skipIf: () => config.rateLimitPerMinute === 0,
        storage,
      }),
    }),
    RateLimitStorageModule,
  ],
  exports: [ThrottlerModule, RateLimitStorageModule],
})
export class RateLimitModule {}
