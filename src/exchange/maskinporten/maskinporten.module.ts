import { Module } from '@nestjs/common';
import { RateLimitModule } from '../../rate-limit/rate-limit.module';
import { ExchangeSharedModule } from '../shared/exchange-shared.module';
import { KeysModule } from '../../keys/keys.module';
import { OrganisationsModule } from '../../organisations/organisations.module';
import { TrustedIssuersModule } from '../../trusted-issuers/trusted-issuers.module';
import { MaskinportenController } from './maskinporten.controller';
import { MaskinportenExchange } from './maskinporten-exchange';

/** GET /exchange/maskinporten, and the exchange POST /token hands Maskinporten tokens to. */
@Module({
  imports: [RateLimitModule, TrustedIssuersModule, KeysModule, ExchangeSharedModule, OrganisationsModule],
  controllers: [MaskinportenController],
  providers: [MaskinportenExchange],
  exports: [MaskinportenExchange],
})
export class MaskinportenModule {}
