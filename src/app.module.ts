import { Module } from '@nestjs/common';
import { ClockModule } from './common/clock';
import { LoggingModule } from './common/logging.module';
import { ReadinessModule } from './common/readiness';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DiscoveryModule } from './discovery/discovery.module';
import { ExchangeModule } from './exchange/exchange.module';
import { HealthModule } from './health/health.module';
import { IdportenModule } from './idporten/idporten.module';
import { MaskinportenModule } from './maskinporten/maskinporten.module';

@Module({
  imports: [AppConfigModule, LoggingModule, ClockModule, ReadinessModule, DatabaseModule, HealthModule, DiscoveryModule, MaskinportenModule, IdportenModule, ExchangeModule],
})
export class AppModule {}
