import { Module } from '@nestjs/common';
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

/** The OpenID Provider for people in browsers, brokering ID-porten. Imported when login is enabled. */
@Module({
  imports: [RateLimitModule, TrustedIssuersModule, KeysModule, ProfilesModule],
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
})
export class LoginModule {}
