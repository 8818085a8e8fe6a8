import { Module } from '@nestjs/common';
import { RateLimitModule } from '../common/rate-limit.module';
import { ExchangeSharedModule } from '../exchange/token-audiences';
import { TrustedIssuersModule } from '../trusted-issuers/trusted-issuers.module';
import { StandardTokenExchange } from './standard-token-exchange';
import { TokenController } from './token.controller';

/** POST /token (RFC 8693): the standard form of the exchanges, handing each token to its provider's registered exchange. */
@Module({
  imports: [RateLimitModule, TrustedIssuersModule, ExchangeSharedModule],
  controllers: [TokenController],
  providers: [StandardTokenExchange],
})
export class TokenEndpointModule {}
