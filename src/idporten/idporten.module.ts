import { Module } from '@nestjs/common';
import { RateLimitModule } from '../common/rate-limit.module';
import { ExchangeSharedModule } from '../exchange/token-audiences';
import { KeysModule } from '../keys/keys.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { TrustedIssuersModule } from '../trusted-issuers/trusted-issuers.module';
import { IdportenController } from './idporten.controller';
import { IdportenExchange } from './idporten-exchange';

@Module({
  imports: [RateLimitModule, TrustedIssuersModule, KeysModule, ExchangeSharedModule, ProfilesModule],
  controllers: [IdportenController],
  providers: [IdportenExchange],
})
export class IdportenModule {}
