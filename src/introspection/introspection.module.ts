import { Module } from '@nestjs/common';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { KeysModule } from '../keys/keys.module';
import { IntrospectionCallerGuard } from './introspection-caller.guard';
import { IntrospectionController } from './introspection.controller';
import { TokenIntrospection } from './token-introspection';

/** POST /introspect (RFC 7662); AppModule loads it only when INTROSPECTION_TOKENS is set. */
@Module({
  imports: [RateLimitModule, KeysModule],
  controllers: [IntrospectionController],
  providers: [TokenIntrospection, IntrospectionCallerGuard],
})
export class IntrospectionModule {}
