import { Module } from '@nestjs/common';
import { RateLimitModule } from '../common/rate-limit.module';
import { ExchangeSharedModule } from '../exchange/token-audiences';
import { KeysModule } from '../keys/keys.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { TrustedIssuersModule } from '../trusted-issuers/trusted-issuers.module';
import { MaskinportenController } from './maskinporten.controller';
import { MaskinportenExchange } from './maskinporten-exchange';

@Module({
  imports: [RateLimitModule, TrustedIssuersModule, KeysModule, ExchangeSharedModule, OrganisationsModule],
  controllers: [MaskinportenController],
  providers: [MaskinportenExchange],
})
export class MaskinportenModule {}
