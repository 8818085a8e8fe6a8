import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { AnnouncementsModule } from '../announcements/announcements.module';
import { AuditModule } from '../audit/audit.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { ROUTES } from '../common/routes';
import { KeysModule } from '../keys/keys.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { TrustedIssuersModule } from '../trusted-issuers/trusted-issuers.module';
import { ExchangeTimingMiddleware } from './exchange-timing.middleware';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';

@Module({
  imports: [AnnouncementsModule, AuditModule, KeysModule, OrganisationsModule, RateLimitModule, TrustedIssuersModule],
  controllers: [MetricsController],
  providers: [Metrics, ExchangeTimingMiddleware],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(ExchangeTimingMiddleware)
      .forRoutes({ path: `${ROUTES.exchange}/*path`, method: RequestMethod.GET }, { path: ROUTES.token, method: RequestMethod.POST });
  }
}
