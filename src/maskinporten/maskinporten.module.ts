import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { TrustedIssuersModule } from '../trusted-issuers/trusted-issuers.module';
import { MaskinportenController } from './maskinporten.controller';
import { MaskinportenExchange } from './maskinporten-exchange';

@Module({
  imports: [TrustedIssuersModule, KeysModule, OrganisationsModule],
  controllers: [MaskinportenController],
  providers: [MaskinportenExchange],
})
export class MaskinportenModule {}
