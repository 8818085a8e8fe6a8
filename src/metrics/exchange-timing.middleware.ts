import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestContextOf } from '../common/request-context';
import { EXCHANGE_PROVIDERS } from '../common/routes';
import { Metrics } from './metrics';

/** The provider label of each exchange URL's last segment (`id-porten` → `idporten`). */
const PROVIDER_OF_PATH: Record<string, string> = Object.fromEntries(
  Object.entries(EXCHANGE_PROVIDERS).map(([provider, segment]) => [segment, provider]),
);

/** Times every exchange, whatever its outcome, from the first middleware to the last byte. */
@Injectable()
export class ExchangeTimingMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    const segment = request.path.slice(request.path.lastIndexOf('/') + 1);
    response.once('finish', () => {
      // POST /token learns its provider from the subject token and notes it in the request's context.
      const provider = requestContextOf(response)?.provider ?? PROVIDER_OF_PATH[segment] ?? 'unknown';
      this.metrics.exchangeDuration.observe({ provider }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  }
}
