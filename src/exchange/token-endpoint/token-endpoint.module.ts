import { DynamicModule, Module } from '@nestjs/common';
import { RateLimitModule } from '../../rate-limit/rate-limit.module';
import { IdportenModule } from '../idporten/idporten.module';
import { MaskinportenModule } from '../maskinporten/maskinporten.module';
import { TrustedIssuersModule } from '../../trusted-issuers/trusted-issuers.module';
import { StandardTokenExchange } from './standard-token-exchange';
import { TokenController } from './token.controller';

/** POST /token (RFC 8693): the standard form of the exchanges, handing each token to its provider's exchange. */
@Module({})
export class TokenEndpointModule {
  /** `grants` exports TOKEN_GRANTS: the grants served besides RFC 8693 (the composition root decides which). */
  static register(grants: DynamicModule): DynamicModule {
    return {
      module: TokenEndpointModule,
      imports: [RateLimitModule, TrustedIssuersModule, MaskinportenModule, IdportenModule, grants],
      controllers: [TokenController],
      providers: [StandardTokenExchange],
    };
  }
}
