import { registerAs } from '@nestjs/config';
import { readEnvironment } from './environment';
import { testIdpEnabled } from './test-idp.config';

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/** The upstream identity providers we trust and how we talk to them. */
export const issuersConfig = registerAs('issuers', () => {
  const env = readEnvironment();
  const standIns = testIdpEnabled();
  const local = `http://127.0.0.1:${env.PORT}/test-idp`;
  return {
    maskinporten: {
      wellKnownUrls: env.MASKINPORTEN_WELL_KNOWN_URLS
        ? list(env.MASKINPORTEN_WELL_KNOWN_URLS)
        : standIns
          ? [`${local}/maskinporten/.well-known/oauth-authorization-server`]
          : [],
      audience: env.MASKINPORTEN_AUDIENCE,
    },
    idporten: {
      wellKnownUrls: env.IDPORTEN_WELL_KNOWN_URLS
        ? list(env.IDPORTEN_WELL_KNOWN_URLS)
        : standIns
          ? [`${local}/idporten/.well-known/openid-configuration`]
          : [],
      audience: env.IDPORTEN_AUDIENCE,
      requiredScope: env.IDPORTEN_REQUIRED_SCOPE,
    },
    algorithms: list(env.TRUSTED_ALGORITHMS),
    clockSkewSeconds: env.CLOCK_SKEW_SECONDS,
    jwksCooldownMs: env.JWKS_COOLDOWN_SECONDS * 1000,
    jwksRefreshMs: env.JWKS_REFRESH_SECONDS * 1000,
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
  };
});
