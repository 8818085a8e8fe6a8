import { DynamicModule, Module } from '@nestjs/common';
import { IdportenModule } from './idporten/idporten.module';
import { MaskinportenModule } from './maskinporten/maskinporten.module';
import { TokenEndpointModule } from './token-endpoint/token-endpoint.module';
import { UnknownProviderModule } from './unknown-provider.module';

/**
 * The exchange, whole: an upstream token in, ours out. Each provider's folder holds its exchange
 * service, its claims mapping and its GET endpoint (`/exchange/maskinporten`, `/exchange/id-porten`);
 * `token-endpoint/` is POST /token (RFC 8693), which hands each token to the same services;
 * `shared/` holds what they all use (audiences, the response form, the injection token of POST
 * /token's other grants). Any other provider is a 400.
 */
@Module({})
export class ExchangeModule {
  /** `tokenGrants` exports TOKEN_GRANTS, the grants POST /token serves besides RFC 8693 (src/token-grants.module.ts). */
  static register(tokenGrants: DynamicModule): DynamicModule {
    return {
      module: ExchangeModule,
      imports: [MaskinportenModule, IdportenModule, TokenEndpointModule.register(tokenGrants), UnknownProviderModule],
    };
  }
}
