import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';

/** What our own tokens look like: issuer, lifetime, and how much clock skew we forgive. */
export const tokenConfig = registerAs('token', () => {
  const env = readEnvironment();
  return {
    issuer: env.ISSUER_URL ?? `http://localhost:${env.PORT}/authentication/api/v1/openid/`,
    lifetimeSeconds: env.TOKEN_LIFETIME_SECONDS,
    /** `upstream`: an ID-porten exchange's token expires with the ID-porten token (never later than fixed). */
    idportenLifetime: env.IDPORTEN_TOKEN_LIFETIME,
    refreshMaxAgeSeconds: env.REFRESH_MAX_AGE_SECONDS,
    clockSkewSeconds: env.CLOCK_SKEW_SECONDS,
    discoveryMaxAgeSeconds: env.DISCOVERY_MAX_AGE_SECONDS,
  };
});
