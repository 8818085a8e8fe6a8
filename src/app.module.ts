import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { ClockModule } from './common/clock';
import { ExchangeEventsModule } from './common/exchange-events';
import { TokenGrantsModule } from './common/token-grants';
import { PersonTokensModule } from './common/person-tokens';
import { LoggingModule } from './common/logging.module';
import { ProblemDetailsModule } from './common/problem-details.module';
import { ReadinessModule } from './common/readiness';
import { Settings, SettingsModule } from './config';
import { DatabaseModule } from './database/database.module';
import { ENTITIES } from './entities';
import { DiscoveryModule } from './discovery/discovery.module';
import { ExchangeModule } from './exchange/exchange.module';
import { HealthModule } from './health/health.module';
import { IdportenModule } from './idporten/idporten.module';
import { IntrospectionModule } from './introspection/introspection.module';
import { LoginModule } from './login/login.module';
import { MaskinportenModule } from './maskinporten/maskinporten.module';
import { MetricsModule } from './metrics/metrics.module';
import { RefreshModule } from './refresh/refresh.module';
import { TestIdpModule } from './test-idp/test-idp.module';
import { TokenEndpointModule } from './token-endpoint/token-endpoint.module';

@Module({})
export class AppModule {
  /** The application the settings describe; the test IdP and introspection only when enabled. */
  static register(settings: Settings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.forRoot(settings),
        LoggingModule,
        ProblemDetailsModule,
        ClockModule,
        ReadinessModule,
        ExchangeEventsModule,
        TokenGrantsModule,
        PersonTokensModule,
        DatabaseModule.forRoot(ENTITIES),
        AuditModule,
        HealthModule,
        DiscoveryModule,
        MaskinportenModule,
        IdportenModule,
        ExchangeModule,
        TokenEndpointModule,
        ...(settings.login.enabled ? [LoginModule] : []),
        ...(settings.introspection.enabled ? [IntrospectionModule] : []),
        RefreshModule,
        MetricsModule,
        AdminModule,
        ...(settings.testIdp.enabled ? [TestIdpModule] : []),
      ],
    };
  }
}
