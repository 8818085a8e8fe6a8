import { join, resolve } from 'node:path';
import { OPENID_PATH, ROUTES, TEST_IDP_PATH, TEST_IDP_PATHS } from '../common/routes';
import type { Environment } from './environment';
import { localOrigin } from './local-url';
import { projectRoot } from './project-root';

/** The organisation list shipped for development: brg, digdir, ttd and a few more. */
export const SAMPLE_ORGANISATIONS_FILE = join(projectRoot(), 'src', 'organisations', 'sample-orgs.json');

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/**
 * Development only: the client this service is at test ID-porten, registered by the test IdP at
 * start (login-client in test-idp/). Never used with a real ID-porten: production requires
 * IDPORTEN_CLIENT_ID and IDPORTEN_CLIENT_SECRET and refuses the test IdP.
 */
export const TEST_IDP_LOGIN_CLIENT = {
  clientId: '0b7e8f4a-5c1d-4e2f-9a3b-6d8c7e5f4a21',
  clientSecret: 'development-only-secret-of-the-login-client-at-test-idporten',
} as const;

/** The cookie the platform's apps read the person's token from. */
export const PLATFORM_COOKIE = 'AltinnStudioRuntime';

/** The platform's service-owner scopes: in production the `org` claim is only for them, unless opened with `*`. */
export const SERVICE_OWNER_SCOPE_PREFIX = 'altinn:serviceowner';
/** The platform's own ID-porten rule: an `altinn:` scope. */
export const DEFAULT_IDPORTEN_SCOPE_PREFIXES = ['altinn:'];

/** `*` opens a scope rule: undefined. */
const unlessAny = (value: string) => (value.trim() === '*' ? undefined : value);

/** The ID-porten accepted-scope policy: the listed prefixes, none for `*`, and by default altinn: in production only. */
function scopePrefixes(value: string | undefined, production: boolean): string[] | undefined {
  if (value === undefined) return production ? DEFAULT_IDPORTEN_SCOPE_PREFIXES : undefined;
  return unlessAny(value) === undefined ? undefined : list(value);
}

/** Express `trust proxy`: false, true, a hop count, or addresses/subnets. */
function trustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** An OpenTelemetry `key=value,…` list (values percent-encoded, already validated) as an object. */
function keyValues(value: string | undefined): Record<string, string> {
  const pairs = list(value).map((pair) => {
    const at = pair.indexOf('=');
    return [pair.slice(0, at).trim(), decodeURIComponent(pair.slice(at + 1).trim())];
  });
  return Object.fromEntries(pairs) as Record<string, string>;
}

/** The name traces carry when neither OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES names the service. */
export const DEFAULT_TRACING_SERVICE_NAME = 'platform-authentication';
/** Where the OTLP/HTTP exporter sends when tracing is switched on without an endpoint (the spec's default). */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

/**
 * Tracing (the standard OTEL_ variables): on when an OTLP endpoint is given or OTEL_TRACES_EXPORTER=otlp,
 * unless OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none.
 */
function tracingSettings(env: Environment) {
  const resourceAttributes = keyValues(env.OTEL_RESOURCE_ATTRIBUTES);
  const wanted = env.OTEL_TRACES_EXPORTER === 'otlp' || Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_OTLP_ENDPOINT).replace(/\/+$/, '');
  return {
    enabled: wanted && !env.OTEL_SDK_DISABLED && env.OTEL_TRACES_EXPORTER !== 'none',
    /** The traces URL: the signal-specific variable as is, else the base endpoint + /v1/traces. */
    endpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${base}/v1/traces`,
    protocol: env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    /** Sent with every export (a collector's credentials): never logged. */
    headers: keyValues(env.OTEL_EXPORTER_OTLP_HEADERS),
    exportTimeoutMs: env.OTEL_EXPORTER_OTLP_TIMEOUT,
    serviceName: env.OTEL_SERVICE_NAME ?? resourceAttributes['service.name'] ?? DEFAULT_TRACING_SERVICE_NAME,
    resourceAttributes,
    sampler: env.OTEL_TRACES_SAMPLER,
    /** The ratio of the traceidratio samplers (1 when unset, as the spec says). */
    samplerRatio: env.OTEL_TRACES_SAMPLER_ARG === undefined ? 1 : Number(env.OTEL_TRACES_SAMPLER_ARG),
    batch: {
      scheduledDelayMs: env.OTEL_BSP_SCHEDULE_DELAY,
      maxQueueSize: env.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
    },
  };
}

/**
 * Every setting of the service, derived from the validated environment: the one place that holds
 * the defaults, including every default that differs between production and a laptop. Each
 * top-level key is the slice one capability receives (see index.ts).
 */
export function deriveSettings(env: Environment) {
  const production = env.NODE_ENV === 'production';
  // Development conveniences: each is on outside production and off in it (settings.spec.ts).
  const testIdpEnabled = env.TEST_IDP_ENABLED ?? !production;
  const dataDir = resolve(env.DATA_DIR);
  // One host name for everything this process calls itself by (local-url.ts).
  const origin = localOrigin(env);
  const testIdpBaseUrl = `${origin}/${TEST_IDP_PATH}`;
  const organisationsSource = env.ORGANISATIONS_SOURCE ?? (production ? undefined : SAMPLE_ORGANISATIONS_FILE);
  const issuer = env.ISSUER_URL ?? `${origin}/${OPENID_PATH}/`;
  // In development with the test IdP, login works with no configuration: the service is its client.
  const upstreamClient = env.IDPORTEN_CLIENT_ID
    ? { clientId: env.IDPORTEN_CLIENT_ID, clientSecret: env.IDPORTEN_CLIENT_SECRET ?? '' }
    : testIdpEnabled
      ? { ...TEST_IDP_LOGIN_CLIENT }
      : undefined;
  return {
    /** How main.ts listens and stops. */
    server: {
      port: env.PORT,
      /** How this process reaches itself, and the default of every URL it names (local-url.ts). */
      origin,
      host: env.HOST,
      shutdownGraceMs: env.SHUTDOWN_GRACE_SECONDS * 1000,
      shutdownDrainMs: env.SHUTDOWN_DRAIN_SECONDS * 1000,
    },
    app: {
      isProduction: production,
      logLevel: env.LOG_LEVEL,
    },
    database: {
      /** A PostgreSQL server; when absent the embedded PGlite database under `embeddedDir` is used. */
      url: env.DATABASE_URL,
      embeddedDir: join(dataDir, 'pgdata'),
      migrateOnStart: env.DB_MIGRATE_ON_START,
    },
    /** How the service faces clients: rate limits, proxies, browsers, scrapers. */
    http: {
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      /** Where the rate-limit counters are shared between replicas; unset: each replica counts on its own. */
      rateLimitRedisUrl: env.REDIS_URL,
      trustProxy: trustProxy(env.TRUST_PROXY),
      corsOrigins: list(env.CORS_ORIGINS),
      metricsToken: env.METRICS_TOKEN,
      /** The OpenAPI document and UI: on outside production, off in it unless asked for. */
      openApiEnabled: env.OPENAPI_ENABLED ?? !production,
      /**
       * CSP upgrade-insecure-requests and HSTS: only where clients reach us over https (production, or
       * an https issuer). On plain http they turn every page request into https under any host name
       * but localhost, which leaves the login page and /docs blank.
       */
      httpsOnly: production || (env.ISSUER_URL?.startsWith('https://') ?? false),
    },
    /** What our own tokens look like: issuer, lifetime, and how much clock skew we forgive. */
    token: {
      issuer,
      lifetimeSeconds: env.TOKEN_LIFETIME_SECONDS,
      /** `upstream`: an ID-porten exchange's token expires with the ID-porten token (never later than fixed). */
      idportenLifetime: env.IDPORTEN_TOKEN_LIFETIME,
      refreshMaxAgeSeconds: env.REFRESH_MAX_AGE_SECONDS,
      clockSkewSeconds: env.CLOCK_SKEW_SECONDS,
      discoveryMaxAgeSeconds: env.DISCOVERY_MAX_AGE_SECONDS,
      /** Audiences a client may ask our tokens to be bound to (`aud`); empty: none may be asked for. */
      audiences: list(env.TOKEN_AUDIENCES),
    },
    /** RFC 7662 introspection of our tokens: served only when callers have secrets. */
    introspection: {
      enabled: list(env.INTROSPECTION_TOKENS).length > 0,
      /** Bearer secrets of the endpoint's callers. */
      callerSecrets: list(env.INTROSPECTION_TOKENS),
    },
    keys: {
      /** Secret the private keys are encrypted with; generated into dataDir outside production. */
      encryptionKey: env.KEY_ENCRYPTION_KEY,
      allowGeneratedEncryptionKey: !production,
      dataDir,
      rotationMs: env.KEY_ROTATION_DAYS * 86_400_000,
      publishAheadMs: env.KEY_PUBLISH_AHEAD_HOURS * 3_600_000,
      reloadMs: env.KEY_RELOAD_SECONDS * 1000,
    },
    /** The upstream identity providers we trust and how we talk to them; the local stand-ins when served. */
    issuers: {
      maskinporten: {
        wellKnownUrls: env.MASKINPORTEN_WELL_KNOWN_URLS
          ? list(env.MASKINPORTEN_WELL_KNOWN_URLS)
          : testIdpEnabled
            ? [`${origin}/${ROUTES.testIdpMaskinporten}/${TEST_IDP_PATHS.maskinportenMetadata}`]
            : [],
        audience: env.MASKINPORTEN_AUDIENCE,
        /** No audience check at all (the platform's historical behaviour): explicit, and warned about at start. */
        acceptAnyAudience: env.MASKINPORTEN_ACCEPT_ANY_AUDIENCE,
      },
      idporten: {
        wellKnownUrls: env.IDPORTEN_WELL_KNOWN_URLS
          ? list(env.IDPORTEN_WELL_KNOWN_URLS)
          : testIdpEnabled
            ? [`${origin}/${ROUTES.testIdpIdporten}/${TEST_IDP_PATHS.idportenMetadata}`]
            : [],
        audience: env.IDPORTEN_AUDIENCE,
        requiredScope: env.IDPORTEN_REQUIRED_SCOPE,
        /** One of the token's scopes must start with one of these (else 403); undefined: any token. `altinn:` in production, any outside. */
        acceptedScopePrefixes: scopePrefixes(env.IDPORTEN_ACCEPTED_SCOPE_PREFIXES, production),
      },
      algorithms: list(env.TRUSTED_ALGORITHMS),
      clockSkewSeconds: env.CLOCK_SKEW_SECONDS,
      jwksCooldownMs: env.JWKS_COOLDOWN_SECONDS * 1000,
      jwksRefreshMs: env.JWKS_REFRESH_SECONDS * 1000,
      upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
      /** Production fetches discovery and keys over https only (http only to a loopback address). */
      httpsOnly: production,
    },
    maskinporten: {
      /** The `org` claim only for a scope starting with this; undefined: any scope. altinn:serviceowner in production, any outside. */
      orgClaimScope: unlessAny(env.MASKINPORTEN_ORG_CLAIM_SCOPE ?? (production ? SERVICE_OWNER_SCOPE_PREFIX : '*')),
      /** `?test=true` maps digdir to ttd: outside production, or in it when explicitly allowed. */
      allowTestOrgMapping: !production || env.ALLOW_TEST_ORG_MAPPING,
    },
    organisations: {
      source: organisationsSource && !/^https?:\/\//.test(organisationsSource) ? resolve(organisationsSource) : organisationsSource,
      refreshMs: env.ORGANISATIONS_REFRESH_MINUTES * 60_000,
      timeoutMs: env.UPSTREAM_TIMEOUT_MS,
    },
    profiles: {
      cacheTtlMs: env.PROFILE_CACHE_SECONDS * 1000,
      cacheSize: env.PROFILE_CACHE_SIZE,
      autoProvision: env.PROFILES_AUTO_PROVISION ?? !production,
      seedDevelopmentProfile: !production,
    },
    audit: {
      bufferSize: env.AUDIT_BUFFER_SIZE,
      flushMs: env.AUDIT_FLUSH_MS,
      batchSize: 500,
      /** An issued token leaves once its audit row is committed (at most a second's wait), so a killed replica loses none. */
      writeBeforeResponse: env.AUDIT_WRITE_BEFORE_RESPONSE,
    },
    /** OpenTelemetry traces: off unless the OTEL_ variables switch them on; main.ts starts them before the app. */
    tracing: tracingSettings(env),
    /** The OpenID Provider for people in browsers, brokering ID-porten (login/). */
    login: {
      /** On in development (with an upstream client), off in production until LOGIN_ENABLED=true. */
      enabled: env.LOGIN_ENABLED ?? (!production && upstreamClient !== undefined),
      /** Our client at ID-porten; the development client of test ID-porten when none is configured. */
      upstreamClient,
      /** Register `upstreamClient` at test ID-porten at start (development without IDPORTEN_CLIENT_ID). */
      registerAtTestIdp: testIdpEnabled && !env.IDPORTEN_CLIENT_ID,
      sessionIdleSeconds: env.LOGIN_SESSION_IDLE_SECONDS,
      sessionMaxSeconds: env.LOGIN_SESSION_MAX_SECONDS,
      platformCookieName: env.PLATFORM_COOKIE_NAME ?? PLATFORM_COOKIE,
      cookieDomain: env.LOGIN_COOKIE_DOMAIN,
      /** Cookies carry Secure when browsers reach us over https. */
      secureCookies: issuer.startsWith('https://'),
      /** Hosts `goto` and redirect URIs may name; loopback too outside production. */
      redirectHosts: list(env.LOGIN_REDIRECT_HOSTS).map((h) => h.toLowerCase()),
      allowLoopback: !production,
      /** Where a refused `goto` and a logout without a registered target land. */
      defaultPage: env.LOGIN_DEFAULT_PAGE ?? `${new URL(issuer).origin}/`,
      /** Redirect URIs of our clients: https only in production, loopback http allowed (RFC 8252). */
      httpsRedirectUrisOnly: production,
      refreshMaxAgeSeconds: env.REFRESH_MAX_AGE_SECONDS,
    },
    /** The local Maskinporten/ID-porten stand-ins: on by default outside production, never in it. */
    testIdp: {
      enabled: testIdpEnabled,
      adminToken: env.TEST_IDP_ADMIN_TOKEN,
      /** Where this process serves the stand-in issuers; used as their `iss`. */
      baseUrl: testIdpBaseUrl,
    },
  };
}

/** Every setting of the service; each top-level key is one capability's slice. */
export type Settings = ReturnType<typeof deriveSettings>;
