import { isIP, isIPv4 } from 'node:net';
import { plainToInstance } from 'class-transformer';
import { Matches, validateSync, ValidationError } from 'class-validator';
import { TEST_IDP_PATH } from '../common/routes';
import { ConfigurationError } from './configuration-error';
import { Flag, IntegerBetween, OneOf, OptionalMatching, OptionalText, OptionalUrlList, Text } from './environment-rules';
import { isTrustworthyUpstreamUrl } from './upstream-url';
import { splitList } from './url-list';

/** Variables whose values never appear in a message. */
const SECRET_VARIABLES = new Set([
  'KEY_ENCRYPTION_KEY',
  'TEST_IDP_ADMIN_TOKEN',
  'METRICS_TOKEN',
  'INTROSPECTION_TOKENS',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'IDPORTEN_CLIENT_SECRET',
]);
const ALGORITHM = '(RS256|RS384|RS512|PS256|PS384|PS512)';
const SECRET_16 = [16, 'must be at least 16 characters'] as [number, string];
/** `key=value` pairs, comma-separated, values percent-encoded (the OpenTelemetry list format). */
const KEY_VALUE_LIST =
  /^\s*[^\s=,]{1,255}\s*=\s*([^,%\s]|%[0-9A-Fa-f]{2}){0,4096}\s*(,\s*[^\s=,]{1,255}\s*=\s*([^,%\s]|%[0-9A-Fa-f]{2}){0,4096}\s*)*$/;
const HTTP_URL = /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/;

export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TracesSampler = (typeof TRACES_SAMPLERS)[number];
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/**
 * Every environment variable the service reads, with its rule and its plain default. Defaults that
 * depend on NODE_ENV stay undefined here; `deriveSettings` (settings.ts) holds them.
 */
export class Environment {
  @OneOf(NODE_ENVS) NODE_ENV: NodeEnv = 'development';
  @IntegerBetween(1, 65535) PORT = 3000;
  @Text('must be a host name or address') HOST = '0.0.0.0';
  @OneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
  @Text('must be a directory path') DATA_DIR = './data';
  @OptionalMatching(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL') DATABASE_URL?: string = undefined;
  @Flag() DB_MIGRATE_ON_START = true;
  @IntegerBetween(0, 300) SHUTDOWN_GRACE_SECONDS = 10;
  @IntegerBetween(0, 120) SHUTDOWN_DRAIN_SECONDS = 0;
  @OptionalMatching(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?\/$/, 'must be an http(s) URL ending with "/"') ISSUER_URL?: string = undefined;
  @IntegerBetween(60, 86400) TOKEN_LIFETIME_SECONDS = 1800;
  @OneOf(['fixed', 'upstream'], 'must be fixed or upstream') IDPORTEN_TOKEN_LIFETIME: 'fixed' | 'upstream' = 'fixed';
  @IntegerBetween(60, 604800) REFRESH_MAX_AGE_SECONDS = 28800;
  @IntegerBetween(0, 300) CLOCK_SKEW_SECONDS = 10;
  @OptionalText({ min: [32, 'must be at least 32 characters of secret material'] }) KEY_ENCRYPTION_KEY?: string = undefined;
  @IntegerBetween(1, 365) KEY_ROTATION_DAYS = 30;
  @IntegerBetween(0, 720) KEY_PUBLISH_AHEAD_HOURS = 24;
  @IntegerBetween(1, 3600) KEY_RELOAD_SECONDS = 60;
  @IntegerBetween(0, 86400) DISCOVERY_MAX_AGE_SECONDS = 300;
  @OptionalMatching(/^[^\s,]{1,512}(\s*,\s*[^\s,]{1,512})*$/, 'must be a comma-separated list of audiences (names or URIs, no spaces)')
  TOKEN_AUDIENCES?: string = undefined;
  @OptionalMatching(/^[^\s,]{32,512}(\s*,\s*[^\s,]{32,512})*$/, 'must be a comma-separated list of secrets of 32 to 512 characters each')
  INTROSPECTION_TOKENS?: string = undefined;
  @OptionalUrlList() MASKINPORTEN_WELL_KNOWN_URLS?: string = undefined;
  @OptionalText({ max: 512 }) MASKINPORTEN_AUDIENCE?: string = undefined;
  @Flag() MASKINPORTEN_ACCEPT_ANY_AUDIENCE = false;
  @OptionalMatching(/^(\*|[^\s*]{1,512})$/, 'must be a scope prefix such as altinn:serviceowner, or * for any scope')
  MASKINPORTEN_ORG_CLAIM_SCOPE?: string = undefined;
  @Flag() ALLOW_TEST_ORG_MAPPING = false;
  @OptionalUrlList() IDPORTEN_WELL_KNOWN_URLS?: string = undefined;
  @OptionalText({ max: 512 }) IDPORTEN_AUDIENCE?: string = undefined;
  @OptionalText({ max: 512 }) IDPORTEN_REQUIRED_SCOPE?: string = undefined;
  @OptionalMatching(
    /^\s*(\*|[^\s,*]{1,256}(\s*,\s*[^\s,*]{1,256}){0,31})\s*$/,
    'must be a comma-separated list of scope prefixes (such as altinn:), or * for any scope',
  )
  IDPORTEN_ACCEPTED_SCOPE_PREFIXES?: string = undefined;
  @Matches(new RegExp(`^${ALGORITHM}(,${ALGORITHM})*$`), {
    message: 'must be a comma-separated list of RS256, RS384, RS512, PS256, PS384, PS512',
  })
  TRUSTED_ALGORITHMS = 'RS256';
  @IntegerBetween(1, 3600) JWKS_COOLDOWN_SECONDS = 30;
  @IntegerBetween(10, 86400) JWKS_REFRESH_SECONDS = 300;
  @IntegerBetween(100, 60000) UPSTREAM_TIMEOUT_MS = 3000;
  @OptionalText() ORGANISATIONS_SOURCE?: string = undefined;
  @IntegerBetween(1, 10080) ORGANISATIONS_REFRESH_MINUTES = 60;
  @IntegerBetween(0, 3600) PROFILE_CACHE_SECONDS = 60;
  @IntegerBetween(1, 10_000_000) PROFILE_CACHE_SIZE = 100_000;
  @Flag({ optional: true }) PROFILES_AUTO_PROVISION?: boolean = undefined;
  @IntegerBetween(10, 1_000_000) AUDIT_BUFFER_SIZE = 10_000;
  @IntegerBetween(50, 60000) AUDIT_FLUSH_MS = 1000;
  @Flag() AUDIT_WRITE_BEFORE_RESPONSE = true;
  @Flag({ optional: true }) TEST_IDP_ENABLED?: boolean = undefined;
  @IntegerBetween(0, 1_000_000, ' (0 turns rate limiting off)') RATE_LIMIT_PER_MINUTE = 600;
  @OptionalMatching(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL') REDIS_URL?: string = undefined;
  @OptionalMatching(/^(true|false|\d{1,2}|[\w.:/, -]+)$/, 'must be true, false, a number of proxy hops, or a list of addresses/subnets')
  TRUST_PROXY?: string = undefined;
  @OptionalMatching(/^https?:\/\/[^\s,]+(,\s*https?:\/\/[^\s,]+)*$/, 'must be a comma-separated list of http(s) origins')
  CORS_ORIGINS?: string = undefined;
  @OptionalText({ min: SECRET_16 }) METRICS_TOKEN?: string = undefined;
  @Flag({ optional: true }) OPENAPI_ENABLED?: boolean = undefined;
  @OptionalText({ min: SECRET_16 }) TEST_IDP_ADMIN_TOKEN?: string = undefined;
  // OpenTelemetry tracing: the standard variables (opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables).
  @Flag() OTEL_SDK_DISABLED = false;
  @OptionalMatching(/^(otlp|none)$/, 'must be otlp or none') OTEL_TRACES_EXPORTER?: 'otlp' | 'none' = undefined;
  @OptionalMatching(HTTP_URL, 'must be an http(s) URL without credentials, query or fragment') OTEL_EXPORTER_OTLP_ENDPOINT?: string =
    undefined;
  @OptionalMatching(HTTP_URL, 'must be an http(s) URL without credentials, query or fragment')
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string = undefined;
  @OptionalMatching(/^(http\/protobuf|http\/json)$/, 'must be http/protobuf or http/json (grpc is not supported)')
  OTEL_EXPORTER_OTLP_PROTOCOL?: OtlpProtocol = undefined;
  @OptionalMatching(KEY_VALUE_LIST, 'must be a comma-separated list of key=value pairs (values percent-encoded)')
  OTEL_EXPORTER_OTLP_HEADERS?: string = undefined;
  @IntegerBetween(100, 120_000) OTEL_EXPORTER_OTLP_TIMEOUT = 10_000;
  @OptionalMatching(/^[^\s,=]{1,255}$/, 'must be a name of at most 255 characters without spaces, commas or =')
  OTEL_SERVICE_NAME?: string = undefined;
  @OptionalMatching(KEY_VALUE_LIST, 'must be a comma-separated list of key=value pairs (values percent-encoded)')
  OTEL_RESOURCE_ATTRIBUTES?: string = undefined;
  @OneOf(TRACES_SAMPLERS) OTEL_TRACES_SAMPLER: TracesSampler = 'parentbased_always_on';
  @OptionalMatching(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, 'must be a sampling ratio from 0 to 1') OTEL_TRACES_SAMPLER_ARG?: string = undefined;
  @IntegerBetween(1, 600_000) OTEL_BSP_SCHEDULE_DELAY = 5000;
  @IntegerBetween(1, 1_000_000) OTEL_BSP_MAX_QUEUE_SIZE = 2048;
  @IntegerBetween(1, 1_000_000) OTEL_BSP_MAX_EXPORT_BATCH_SIZE = 512;
  @Flag({ optional: true }) LOGIN_ENABLED?: boolean = undefined;
  @OptionalText({ max: 256 }) IDPORTEN_CLIENT_ID?: string = undefined;
  @OptionalText({ min: SECRET_16, max: 512 }) IDPORTEN_CLIENT_SECRET?: string = undefined;
  @IntegerBetween(60, 86400) LOGIN_SESSION_IDLE_SECONDS = 1800;
  @IntegerBetween(300, 604800) LOGIN_SESSION_MAX_SECONDS = 28800;
  @OptionalMatching(/^[A-Za-z0-9_-]{1,64}$/, 'must be a cookie name of letters, digits, _ and -') PLATFORM_COOKIE_NAME?: string = undefined;
  @OptionalMatching(
    /^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i,
    'must be a domain name such as .platform.example',
  )
  LOGIN_COOKIE_DOMAIN?: string = undefined;
  @OptionalMatching(/^[a-z0-9.-]{1,253}(\s*,\s*[a-z0-9.-]{1,253})*$/i, 'must be a comma-separated list of host names')
  LOGIN_REDIRECT_HOSTS?: string = undefined;
  @OptionalMatching(/^https?:\/\/[^\s]+$/, 'must be an absolute http(s) URL') LOGIN_DEFAULT_PAGE?: string = undefined;
}

function describe(name: string, value: unknown): string {
  if (value === undefined) return 'nothing';
  if (SECRET_VARIABLES.has(name)) return '"***"';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (name === 'DATABASE_URL' || name === 'REDIS_URL') text = text.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

function firstMessage(error: ValidationError): string {
  const messages = Object.values(error.constraints ?? {});
  return messages[0] ?? 'is invalid';
}

const MAX_TRUSTED_HOPS = 3;
const MIN_IPV4_PREFIX = 8;
const MIN_IPV6_PREFIX = 32;

/** The prefix length of a dotted netmask (`255.0.0.0` → 8), or undefined when it is not one. */
function netmaskPrefix(mask: string): number | undefined {
  if (!isIPv4(mask)) return undefined;
  const bits = mask
    .split('.')
    .map((octet) => Number(octet).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
}

/**
 * One TRUST_PROXY entry as production allows it: a hop count of at most 3, `loopback`, an address,
 * or a subnet no wider than /8 (IPv4) or /32 (IPv6). `true`, Express's `linklocal` and
 * `uniquelocal` (which hold IPv6 ranges of /10 and /7) and wider subnets are refused.
 */
function isBoundedTrustedProxy(entry: string): boolean {
  if (/^\d+$/.test(entry)) return Number(entry) <= MAX_TRUSTED_HOPS;
  if (entry.toLowerCase() === 'loopback') return true;
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length > 0) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  const length = /^\d{1,3}$/.test(prefix) ? Number(prefix) : family === 4 ? netmaskPrefix(prefix) : undefined;
  if (length === undefined) return false;
  return family === 4 ? length >= MIN_IPV4_PREFIX && length <= 32 : length >= MIN_IPV6_PREFIX && length <= 128;
}

/** Rules that depend on more than one variable, or on production. */
function crossChecks(env: Environment): string[] {
  const problems: string[] = [];
  if (env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE > env.OTEL_BSP_MAX_QUEUE_SIZE) {
    problems.push(
      `OTEL_BSP_MAX_EXPORT_BATCH_SIZE must not exceed OTEL_BSP_MAX_QUEUE_SIZE (got ${env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE} > ${env.OTEL_BSP_MAX_QUEUE_SIZE})`,
    );
  }
  if (env.MASKINPORTEN_AUDIENCE && env.MASKINPORTEN_ACCEPT_ANY_AUDIENCE) {
    problems.push('MASKINPORTEN_ACCEPT_ANY_AUDIENCE must be false when MASKINPORTEN_AUDIENCE is set (got true)');
  }
  if (env.NODE_ENV !== 'production') return problems;
  const need = (name: keyof Environment, rule: string) => problems.push(`${name} ${rule} in production (got ${describe(name, env[name])})`);
  if (!env.ISSUER_URL) need('ISSUER_URL', 'must be set');
  else if (!env.ISSUER_URL.startsWith('https://')) need('ISSUER_URL', 'must be an https URL');
  if (!env.KEY_ENCRYPTION_KEY) need('KEY_ENCRYPTION_KEY', 'must be set');
  for (const name of ['MASKINPORTEN_WELL_KNOWN_URLS', 'IDPORTEN_WELL_KNOWN_URLS'] as const) {
    const urls = splitList(env[name]);
    if (urls.length === 0) need(name, 'must be set');
    // Plain http lets anyone on the path inject keys; a loopback sidecar is the one exception.
    else if (urls.some((url) => !isTrustworthyUpstreamUrl(url))) need(name, 'must hold only https URLs (http only to a loopback address)');
  }
  // Trusting too many hops (or too wide a range of addresses) lets a client choose its own
  // X-Forwarded-For, hence its rate-limit key.
  if (!splitList(env.TRUST_PROXY).every(isBoundedTrustedProxy)) {
    need(
      'TRUST_PROXY',
      `must not trust every proxy (give at most ${MAX_TRUSTED_HOPS} hops, or addresses and subnets no wider than /${MIN_IPV4_PREFIX} for IPv4 and /${MIN_IPV6_PREFIX} for IPv6)`,
    );
  }
  if (env.TEST_IDP_ENABLED) need('TEST_IDP_ENABLED', 'must be false');
  if (env.LOGIN_ENABLED) {
    if (!env.IDPORTEN_CLIENT_ID) need('IDPORTEN_CLIENT_ID', 'must be set when LOGIN_ENABLED is true');
    if (!env.IDPORTEN_CLIENT_SECRET) need('IDPORTEN_CLIENT_SECRET', 'must be set when LOGIN_ENABLED is true');
    // The stand-in signs whatever a form says: never the upstream of real people.
    if (splitList(env.IDPORTEN_WELL_KNOWN_URLS).some((url) => url.includes(`/${TEST_IDP_PATH}/`)))
      need('IDPORTEN_WELL_KNOWN_URLS', 'must not name the test IdP when LOGIN_ENABLED is true');
    if (env.LOGIN_DEFAULT_PAGE && !env.LOGIN_DEFAULT_PAGE.startsWith('https://')) need('LOGIN_DEFAULT_PAGE', 'must be an https URL');
  }
  if (env.PROFILES_AUTO_PROVISION) need('PROFILES_AUTO_PROVISION', 'must be false');
  // Each provider's tokens must be bound to this service: by audience, or (ID-porten) by scope.
  if (!env.MASKINPORTEN_AUDIENCE && !env.MASKINPORTEN_ACCEPT_ANY_AUDIENCE) {
    need('MASKINPORTEN_AUDIENCE', 'must be set (or MASKINPORTEN_ACCEPT_ANY_AUDIENCE=true for any audience)');
  }
  if (!env.IDPORTEN_AUDIENCE && !env.IDPORTEN_REQUIRED_SCOPE && env.IDPORTEN_ACCEPTED_SCOPE_PREFIXES?.trim() === '*') {
    need('IDPORTEN_ACCEPTED_SCOPE_PREFIXES', 'may be * only with IDPORTEN_AUDIENCE or IDPORTEN_REQUIRED_SCOPE set');
  }
  return problems;
}

/**
 * Validates a set of variables and returns them typed. Throws a ConfigurationError that names each
 * bad variable, its rule and the value it got (secrets masked). Variables it does not know are ignored.
 */
export function parseEnvironment(raw: Record<string, string | undefined>): Environment {
  const input: Record<string, string> = {};
  for (const name of Object.keys(new Environment())) {
    const value = raw[name];
    if (value !== undefined) input[name] = value;
  }
  const env = plainToInstance(Environment, input);
  const errors = validateSync(env, { forbidUnknownValues: false });
  const problems = errors.map((e) => `${e.property} ${firstMessage(e)} (got ${describe(e.property, input[e.property])})`);
  if (problems.length === 0) problems.push(...crossChecks(env));
  if (problems.length > 0) throw new ConfigurationError(problems);
  return env;
}

/**
 * This process's environment, validated: called once, by an entry point (main.ts, a CLI), which
 * has loaded `.env` into it first (process-environment.ts). Nothing else reads process.env.
 */
export const readEnvironment = (): Environment => parseEnvironment(process.env);
