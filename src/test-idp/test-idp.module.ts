import { Module } from '@nestjs/common';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { KeysModule } from '../keys/keys.module';
import { TestIdpAdminGuard } from './shared/admin.guard';
import { CodeFlow } from './code-flow/code-flow';
import { CodeFlowController } from './code-flow/code-flow.controller';
import { IdportenLogin } from './idporten/idporten-login';
import { IdportenStandInController } from './idporten/idporten-stand-in.controller';
import { IssuerKeyStore } from './shared/issuer-key-store';
import { MaskinportenGrant } from './maskinporten/maskinporten-grant';
import { MaskinportenStandInController } from './maskinporten/maskinporten-stand-in.controller';
import { OidcClientRepository } from './code-flow/oidc-client.repository';
import { TestIdpLoginClient } from './code-flow/login-client';
import { LoginDemoController } from './code-flow/login-demo.controller';
import { ProvisioningController } from './provisioning/provisioning.controller';
import { ProvisioningService } from './provisioning/provisioning.service';
import { TestIdpRepository } from './shared/test-idp.repository';

/**
 * Local stand-ins for Maskinporten and ID-porten. Imported only when TEST_IDP_ENABLED; never in
 * production. One folder per thing it serves: maskinporten/ (its token endpoint), provisioning/ (test
 * Maskinporten's clients, scopes, systems), idporten/ (a person's tokens and the login page), code-flow/
 * (ID-porten's OpenID Connect side, and the demo of our login); shared/ holds the tables, the issuer
 * keys, the admin guard and the token shortcuts' common fields. Its tables are migrated by migrations/.
 */
@Module({
  imports: [RateLimitModule, KeysModule],
  controllers: [MaskinportenStandInController, ProvisioningController, IdportenStandInController, CodeFlowController, LoginDemoController],
  providers: [
    TestIdpRepository,
    IssuerKeyStore,
    MaskinportenGrant,
    IdportenLogin,
    ProvisioningService,
    TestIdpAdminGuard,
    OidcClientRepository,
    CodeFlow,
    TestIdpLoginClient,
  ],
})
export class TestIdpModule {}
