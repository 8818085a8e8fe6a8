import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';
import { ConfigurationError } from './configuration-error';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  return value;
};
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** Variables whose values never appear in a message. */
const SECRET_VARIABLES = new Set(['KEY_ENCRYPTION_KEY', 'TEST_IDP_ADMIN_TOKEN', 'METRICS_TOKEN']);

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/**
 * Every environment variable the service reads, with its rule and default.
 * Defaults that only make sense on a laptop are applied in the namespaces, which know NODE_ENV.
 */
export class Environment {
  @IsIn(NODE_ENVS, { message: `must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: NodeEnv = 'development';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 65535' })
  @Min(1, { message: 'must be an integer between 1 and 65535' })
  @Max(65535, { message: 'must be an integer between 1 and 65535' })
  PORT = 3000;

  @IsString()
  @MinLength(1, { message: 'must be a host name or address' })
  HOST = '0.0.0.0';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL = 'info';

  @IsString()
  @MinLength(1, { message: 'must be a directory path' })
  DATA_DIR = './data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string = undefined;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  DB_MIGRATE_ON_START = true;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 300' })
  @Min(0, { message: 'must be an integer between 0 and 300' })
  @Max(300, { message: 'must be an integer between 0 and 300' })
  SHUTDOWN_GRACE_SECONDS = 10;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 120' })
  @Min(0, { message: 'must be an integer between 0 and 120' })
  @Max(120, { message: 'must be an integer between 0 and 120' })
  SHUTDOWN_DRAIN_SECONDS = 0;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?\/$/, {
    message: 'must be an http(s) URL ending with "/"',
  })
  ISSUER_URL?: string = undefined;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 60 and 86400' })
  @Min(60, { message: 'must be an integer between 60 and 86400' })
  @Max(86400, { message: 'must be an integer between 60 and 86400' })
  TOKEN_LIFETIME_SECONDS = 1800;

  @IsIn(['fixed', 'upstream'], { message: 'must be fixed or upstream' })
  IDPORTEN_TOKEN_LIFETIME: 'fixed' | 'upstream' = 'fixed';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 60 and 604800' })
  @Min(60, { message: 'must be an integer between 60 and 604800' })
  @Max(604800, { message: 'must be an integer between 60 and 604800' })
  REFRESH_MAX_AGE_SECONDS = 28800;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 300' })
  @Min(0, { message: 'must be an integer between 0 and 300' })
  @Max(300, { message: 'must be an integer between 0 and 300' })
  CLOCK_SKEW_SECONDS = 10;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters of secret material' })
  KEY_ENCRYPTION_KEY?: string = undefined;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 365' })
  @Min(1, { message: 'must be an integer between 1 and 365' })
  @Max(365, { message: 'must be an integer between 1 and 365' })
  KEY_ROTATION_DAYS = 30;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 720' })
  @Min(0, { message: 'must be an integer between 0 and 720' })
  @Max(720, { message: 'must be an integer between 0 and 720' })
  KEY_PUBLISH_AHEAD_HOURS = 24;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 3600' })
  @Min(1, { message: 'must be an integer between 1 and 3600' })
  @Max(3600, { message: 'must be an integer between 1 and 3600' })
  KEY_RELOAD_SECONDS = 60;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 86400' })
  @Min(0, { message: 'must be an integer between 0 and 86400' })
  @Max(86400, { message: 'must be an integer between 0 and 86400' })
  DISCOVERY_MAX_AGE_SECONDS = 300;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  MASKINPORTEN_WELL_KNOWN_URLS?: string = undefined;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(512)
  MASKINPORTEN_AUDIENCE?: string = undefined;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(512)
  MASKINPORTEN_ORG_CLAIM_SCOPE?: string = undefined;

  @Transform(toBool)
  @IsBoolean({ message: 'must be true or false' })
  ALLOW_TEST_ORG_MAPPING = false;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  IDPORTEN_WELL_KNOWN_URLS?: string = undefined;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(512)
  IDPORTEN_AUDIENCE?: string = undefined;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(512)
  IDPORTEN_REQUIRED_SCOPE?: string = undefined;

  @Matches(/^(RS256|RS384|RS512|PS256|PS384|PS512)(,(RS256|RS384|RS512|PS256|PS384|PS512))*$/, {
    message: 'must be a comma-separated list of RS256, RS384, RS512, PS256, PS384, PS512',
  })
  TRUSTED_ALGORITHMS = 'RS256';

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 3600' })
  @Min(1, { message: 'must be an integer between 1 and 3600' })
  @Max(3600, { message: 'must be an integer between 1 and 3600' })
  JWKS_COOLDOWN_SECONDS = 30;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 10 and 86400' })
  @Min(10, { message: 'must be an integer between 10 and 86400' })
  @Max(86400, { message: 'must be an integer between 10 and 86400' })
  JWKS_REFRESH_SECONDS = 300;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 100 and 60000' })
  @Min(100, { message: 'must be an integer between 100 and 60000' })
  @Max(60000, { message: 'must be an integer between 100 and 60000' })
  UPSTREAM_TIMEOUT_MS = 3000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  ORGANISATIONS_SOURCE?: string = undefined;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 10080' })
  @Min(1, { message: 'must be an integer between 1 and 10080' })
  @Max(10080, { message: 'must be an integer between 1 and 10080' })
  ORGANISATIONS_REFRESH_MINUTES = 60;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 3600' })
  @Min(0, { message: 'must be an integer between 0 and 3600' })
  @Max(3600, { message: 'must be an integer between 0 and 3600' })
  PROFILE_CACHE_SECONDS = 60;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 1 and 10000000' })
  @Min(1, { message: 'must be an integer between 1 and 10000000' })
  @Max(10_000_000, { message: 'must be an integer between 1 and 10000000' })
  PROFILE_CACHE_SIZE = 100_000;

  @Transform(toBool)
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  PROFILES_AUTO_PROVISION?: boolean = undefined;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 10 and 1000000' })
  @Min(10, { message: 'must be an integer between 10 and 1000000' })
  @Max(1_000_000, { message: 'must be an integer between 10 and 1000000' })
  AUDIT_BUFFER_SIZE = 10_000;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 50 and 60000' })
  @Min(50, { message: 'must be an integer between 50 and 60000' })
  @Max(60000, { message: 'must be an integer between 50 and 60000' })
  AUDIT_FLUSH_MS = 1000;

  @Transform(toBool)
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  TEST_IDP_ENABLED?: boolean = undefined;

  @Transform(toInt)
  @IsInt({ message: 'must be an integer between 0 and 1000000 (0 turns rate limiting off)' })
  @Min(0, { message: 'must be an integer between 0 and 1000000 (0 turns rate limiting off)' })
  @Max(1_000_000, { message: 'must be an integer between 0 and 1000000 (0 turns rate limiting off)' })
  RATE_LIMIT_PER_MINUTE = 600;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^(true|false|\d{1,2}|[\w.:/, -]+)$/, { message: 'must be true, false, a number of proxy hops, or a list of addresses/subnets' })
  TRUST_PROXY?: string = undefined;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s,]+(,\s*https?:\/\/[^\s,]+)*$/, { message: 'must be a comma-separated list of http(s) origins' })
  CORS_ORIGINS?: string = undefined;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_TOKEN?: string = undefined;

  @Transform(toBool)
  @IsOptional()
  @IsBoolean({ message: 'must be true or false' })
  OPENAPI_ENABLED?: boolean = undefined;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  TEST_IDP_ADMIN_TOKEN?: string = undefined;
}

function describe(name: string, value: unknown): string {
  if (value === undefined) return 'nothing';
  if (SECRET_VARIABLES.has(name)) return '"***"';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (name === 'DATABASE_URL') text = text.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

function firstMessage(error: ValidationError): string {
  const messages = Object.values(error.constraints ?? {});
  return messages[0] ?? 'is invalid';
}

/** Rules that depend on more than one variable, or on production. */
function crossChecks(env: Environment): string[] {
  const problems: string[] = [];
  if (env.NODE_ENV !== 'production') return problems;
  const need = (name: keyof Environment, rule: string) =>
    problems.push(`${name} ${rule} in production (got ${describe(name, env[name])})`);
  if (!env.ISSUER_URL) need('ISSUER_URL', 'must be set');
  else if (!env.ISSUER_URL.startsWith('https://')) need('ISSUER_URL', 'must be an https URL');
  if (!env.KEY_ENCRYPTION_KEY) need('KEY_ENCRYPTION_KEY', 'must be set');
  if (!env.MASKINPORTEN_WELL_KNOWN_URLS) need('MASKINPORTEN_WELL_KNOWN_URLS', 'must be set');
  if (!env.IDPORTEN_WELL_KNOWN_URLS) need('IDPORTEN_WELL_KNOWN_URLS', 'must be set');
  if (env.TEST_IDP_ENABLED) need('TEST_IDP_ENABLED', 'must be false');
  if (env.PROFILES_AUTO_PROVISION) need('PROFILES_AUTO_PROVISION', 'must be false');
  return problems;
}

/**
 * Validates the raw environment and returns it typed. Throws a ConfigurationError that
 * names each bad variable, its rule and the value it got (secrets masked).
 */
export function parseEnvironment(raw: Record<string, string | undefined>): Environment {
  const known = Object.keys(new Environment());
  const input: Record<string, string> = {};
  for (const name of known) {
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

/** The environment of this process, validated. Namespaces call it; nothing else reads process.env. */
export function readEnvironment(): Environment {
  return parseEnvironment(process.env);
}
