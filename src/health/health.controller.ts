import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ReadinessRegistry } from '../common/readiness';
import { ROUTES } from '../common/routes';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  /** The process is up and its event loop turns; never touches a dependency. */
  @Get(ROUTES.liveness)
  @ApiOperation({ summary: 'Liveness: the process is up; never touches a dependency' })
  @HealthCheck()
  live() {
    return this.health.check([() => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) })]);
  }

  /** Every dependency a request needs is there: database, signing key, each upstream issuer's keys. */
  @Get(ROUTES.readiness)
  @ApiOperation({ summary: 'Readiness: database, signing key, every upstream issuer; 503 names what is down' })
  @HealthCheck()
  ready() {
    const checks = this.readiness.entries().map(([name, check]) => async () => {
      const session = this.indicators.check(name);
      const result = await check();
      return result.up ? session.up(result.details ?? {}) : session.down(result.details ?? {});
    });
    const draining = () =>
      this.readiness.isDraining()
        ? this.indicators.check('shutdown').down({ message: 'shutting down' })
        : this.indicators.check('shutdown').up();
    return this.health.check([draining, ...checks]);
  }
}
