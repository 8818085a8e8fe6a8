import { DynamicModule, Module } from '@nestjs/common';
import { AdminModule } from './admin/admin.module';
import { AuditModule } from './audit/audit.module';
import { CoreModule } from './core.module';
import { LoggingModule } from './logging/logging.module';
import { ProblemDetailsModule } from './problem-details/problem-details.module';
import { Settings, SettingsModule } from './config';
import { DatabaseModule } from './database/database.module';
import { databaseSchema } from './entities';
import { DiscoveryModule } from './discovery/discovery.module';
import { ExchangeModule } from './exchange/exchange.module';
import { HealthModule } from './health/health.module';
import { IntrospectionModule } from './introspection/introspection.module';
import { LoginModule } from './login/login.module';
import { MetricsModule } from './metrics/metrics.module';
import { RefreshModule } from './refresh/refresh.module';
import { TestIdpModule } from './test-idp/test-idp.module';
import { TokenGrantsModule } from './token-grants.module';

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
        CoreModule,
        DatabaseModule.forRoot(databaseSchema(settings.testIdp.enabled)),
        AuditModule,
        HealthModule,
        DiscoveryModule,
        ExchangeModule.register(TokenGrantsModule.register(settings.login.enabled)),
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
