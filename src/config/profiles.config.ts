import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';

export const profilesConfig = registerAs('profiles', () => {
  const env = readEnvironment();
  return {
    cacheTtlMs: env.PROFILE_CACHE_SECONDS * 1000,
    cacheSize: env.PROFILE_CACHE_SIZE,
    autoProvision: env.PROFILES_AUTO_PROVISION ?? env.NODE_ENV !== 'production',
    seedDevelopmentProfile: env.NODE_ENV !== 'production',
  };
});
