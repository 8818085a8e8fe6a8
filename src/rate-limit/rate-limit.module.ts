import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { httpConfig } from '../config';

/**
 * Per-client-IP request limits for the exchange and test IdP endpoints (controllers opt in with
 * ThrottlerGuard): RATE_LIMIT_PER_MINUTE, 0 turns them off. Counters live in this process.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [httpConfig.KEY],
      useFactory: (config: ConfigType<typeof httpConfig>) => ({
        throttlers: [{ ttl: 60_000, limit: Math.max(config.rateLimitPerMinute, 1) }],
        skipIf: () => config.rateLimitPerMinute === 0,
      }),
    }),
  ],
  exports: [ThrottlerModule],
})
export class RateLimitModule {}
