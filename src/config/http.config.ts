import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';

/** How the service faces clients: rate limits, proxies, browsers, scrapers. */
export const httpConfig = registerAs('http', () => {
  const env = readEnvironment();
  const trustProxy = env.TRUST_PROXY;
  return {
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    /** Express `trust proxy`: false, true, a hop count, or addresses/subnets. */
    trustProxy: trustProxy === undefined || trustProxy === 'false' ? false : trustProxy === 'true' ? true : /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy,
    corsOrigins: env.CORS_ORIGINS ? env.CORS_ORIGINS.split(',').map((o) => o.trim()) : [],
    metricsToken: env.METRICS_TOKEN,
    /** The OpenAPI document and UI: on outside production, off in it unless asked for. */
    openApiEnabled: env.OPENAPI_ENABLED ?? env.NODE_ENV !== 'production',
  };
});
