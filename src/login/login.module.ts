import { Module } from '@nestjs/common';
import { IdportenModule } from '../exchange/idporten/idporten.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { KeysModule } from '../keys/keys.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { TrustedIssuersModule } from '../trusted-issuers/trusted-issuers.module';
import { AuthorizationCodeRepository } from './authorization-code.repository';
import { ClientAuthentication } from './client-authentication';
import { LoginController } from './login.controller';
import { LoginFlow } from './login-flow';
import { LoginGrants } from './login-grants';
import { LoginSessionRepository } from './login-session.repository';
import { LoginTransactionRepository } from './login-transaction.repository';
import { OidcClientRepository } from './oidc-client.repository';
import { PersonSubjectRepository } from './person-subject.repository';
import { RefreshTokenRepository } from './refresh-token.repository';
import { RpLogout } from './rp-logout';
import { SessionTokens } from './session-tokens';
import { UpstreamIdporten } from './upstream-idporten';
import { Userinfo } from './userinfo';

/**
 * The OpenID Provider for people in browsers, brokering ID-porten; its tokens are the ID-porten
 * exchange's. Imported when login is enabled; POST /token serves its grants (src/token-grants.module.ts).
 */
@Module({
  imports: [RateLimitModule, TrustedIssuersModule, KeysModule, ProfilesModule, IdportenModule],
  controllers: [LoginController],
  providers: [
    OidcClientRepository,
    LoginTransactionRepository,
    LoginSessionRepository,
    AuthorizationCodeRepository,
    RefreshTokenRepository,
    PersonSubjectRepository,
    ClientAuthentication,
    UpstreamIdporten,
    SessionTokens,
    LoginFlow,
    LoginGrants,
    RpLogout,
    Userinfo,
  ],
  exports: [LoginGrants],
})
export class LoginModule {}
