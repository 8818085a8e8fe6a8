import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiProblems, BEARER_SCHEME } from '../common/openapi';
import { ROUTES } from '../common/routes';
import { httpConfig } from '../config';
import { SecretBearer } from '../common/bearer-token';
import { Metrics } from './metrics';
import { setNoStore } from '../common/http-caching';

/** Prometheus scrape endpoint; needs `Bearer METRICS_TOKEN` when one is set. */
@ApiTags('metrics')
@Controller(ROUTES.metrics)
export class MetricsController {
  private readonly token: SecretBearer;

  constructor(
    private readonly metrics: Metrics,
    @Inject(httpConfig.KEY) config: ConfigType<typeof httpConfig>,
  ) {
    this.token = new SecretBearer(config.metricsToken);
  }

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (Bearer METRICS_TOKEN when set)' })
  @ApiBearerAuth(BEARER_SCHEME)
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text format' })
  @ApiProblems(400, 401)
  async scrape(@Req() request: Request, @Res() response: Response): Promise<void> {
    this.token.check(request, 'metrics token', 'wrong_metrics_token');
    const body = await this.metrics.registry.metrics();
    response.status(200).setHeader('Content-Type', this.metrics.registry.contentType);
    setNoStore(response);
    response.send(body);
  }
}
