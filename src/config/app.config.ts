import { resolve } from 'node:path';
import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';

export const appConfig = registerAs('app', () => {
  const env = readEnvironment();
  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    dataDir: resolve(env.DATA_DIR),
    shutdownGraceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
  };
});
