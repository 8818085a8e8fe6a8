import { Module } from '@nestjs/common';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { KeysModule } from '../keys/keys.module';
import { TestIdpAdminGuard } from './admin.guard';
import { CodeFlow } from './code-flow';
import { IdportenLogin } from './idporten-login';
import { IdportenStandInController } from './idporten-stand-in.controller';
import { IssuerKeyStore } from './issuer-key-store';
import { MaskinportenGrant } from './maskinporten-grant';
import { MaskinportenStandInController } from './maskinporten-stand-in.controller';
import { OidcClientRepository } from './oidc-client.repository';
import { TestIdpLoginClient } from './login-client';
import { LoginDemoController } from './login-demo.controller';
import { ProvisioningService } from './provisioning.service';
import { TestIdpRepository } from './test-idp.repository';

/** Local stand-ins for Maskinporten and ID-porten. Imported only when TEST_IDP_ENABLED; never in production. */
@Module({
  imports: [RateLimitModule, KeysModule],
  controllers: [MaskinportenStandInController, IdportenStandInController, LoginDemoController],
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
