import { Module } from '@nestjs/common';
import { RateLimitModule } from '../../rate-limit/rate-limit.module';
import { ExchangeSharedModule } from '../shared/exchange-shared.module';
import { KeysModule } from '../../keys/keys.module';
import { ProfilesModule } from '../../profiles/profiles.module';
import { TrustedIssuersModule } from '../../trusted-issuers/trusted-issuers.module';
import { IdportenController } from './idporten.controller';
import { IdportenExchange } from './idporten-exchange';

/** GET /exchange/id-porten, and the exchange POST /token hands ID-porten tokens to. */
@Module({
  imports: [RateLimitModule, TrustedIssuersModule, KeysModule, ExchangeSharedModule, ProfilesModule],
  controllers: [IdportenController],
  providers: [IdportenExchange],
  exports: [IdportenExchange],
})
export class IdportenModule {}
