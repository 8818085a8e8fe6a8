import { DynamicModule, Module } from '@nestjs/common';
import { TOKEN_GRANTS, TokenGrant } from './exchange/shared/token-grants';
import { LoginGrants } from './login/login-grants';
import { LoginModule } from './login/login.module';

/**
 * POST /token's grants besides RFC 8693, composed here at the root because the token endpoint
 * (exchange/) may not import the login, which itself imports the ID-porten exchange.
 */
@Module({})
export class TokenGrantsModule {
  /** The login's authorization_code and refresh_token grants when the login is served; none otherwise. */
  static register(loginEnabled: boolean): DynamicModule {
    if (!loginEnabled) return { module: TokenGrantsModule, providers: [{ provide: TOKEN_GRANTS, useValue: [] }], exports: [TOKEN_GRANTS] };
    return {
      module: TokenGrantsModule,
      imports: [LoginModule],
      providers: [
        { provide: TOKEN_GRANTS, useFactory: (login: LoginGrants): readonly TokenGrant[] => login.grants, inject: [LoginGrants] },
      ],
      exports: [TOKEN_GRANTS],
    };
  }
}
