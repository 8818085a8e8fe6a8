import { resolve } from 'node:path';
import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';

export const keysConfig = registerAs('keys', () => {
  const env = readEnvironment();
  return {
    /** Secret the private keys are encrypted with; generated into dataDir outside production. */
    encryptionKey: env.KEY_ENCRYPTION_KEY,
    allowGeneratedEncryptionKey: env.NODE_ENV !== 'production',
    dataDir: resolve(env.DATA_DIR),
    rotationMs: env.KEY_ROTATION_DAYS * 86_400_000,
    publishAheadMs: env.KEY_PUBLISH_AHEAD_HOURS * 3_600_000,
    reloadMs: env.KEY_RELOAD_SECONDS * 1000,
  };
});
