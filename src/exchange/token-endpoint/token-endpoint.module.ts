import { Module } from '@nestjs/common';
import { RateLimitModule } from '../../rate-limit/rate-limit.module';
import { IdportenModule } from '../idporten/idporten.module';
import { MaskinportenModule } from '../maskinporten/maskinporten.module';
import { TrustedIssuersModule } from '../../trusted-issuers/trusted-issuers.module';
import { StandardTokenExchange } from './standard-token-exchange';
import { TokenController } from './token.controller';

/** POST /token (RFC 8693): the standard form of the exchanges, handing each token to its provider's exchange. */
@Module({
  imports: [RateLimitModule, TrustedIssuersModule, MaskinportenModule, IdportenModule],
  controllers: [TokenController],
  providers: [StandardTokenExchange],
})
export class TokenEndpointModule {}
