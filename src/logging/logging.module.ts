import { maskedPath } from '../common/masked-path';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Global,
  Inject,
  Injectable,
  Module,
  RequestMethod,
  type LoggerService,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Logger as Pino } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { currentRequestContext, requestContextOf } from '../common/request-context';
import { ROUTES, TEST_IDP_PATHS } from '../common/routes';
import { appConfig } from '../config';
import { tracingImplementation } from '../common/tracing';

const QUIET_LEVELS = new Set(['warn', 'error', 'fatal', 'silent']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Honours a sane incoming x-request-id, else makes one; always echoes it back. */
export function requestId(req: IncomingMessage & { id?: unknown }, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/** Anything that could carry a credential or a person's number is removed before a line is written. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.token',
  '*.access_token',
  '*.assertion',
  '*.pid',
  '*.ssn',
  'err.token',
];

function routeOf(req: IncomingMessage): string | undefined {
  return (req as IncomingMessage & { route?: { path?: string } }).route?.path;
}

/** Probes, and the metadata and keys of the test IdP (which the service itself fetches): routine, so debug. */
const ROUTINE_PATHS = new Set(
  [
    ROUTES.liveness,
    ROUTES.readiness,
    `${ROUTES.testIdpMaskinporten}/${TEST_IDP_PATHS.maskinportenMetadata}`,
    `${ROUTES.testIdpMaskinporten}/${TEST_IDP_PATHS.jwks}`,
    `${ROUTES.testIdpIdporten}/${TEST_IDP_PATHS.idportenMetadata}`,
    `${ROUTES.testIdpIdporten}/${TEST_IDP_PATHS.jwks}`,
  ].map((path) => `/${path}`),
);

/**
 * The level of a request line: error for a 5xx, except the readiness probe's 503 (starting,
 * draining, or a dependency down, which its body names); debug for routine paths; info otherwise.
 */
export function requestLogLevel(req: IncomingMessage, res: ServerResponse, err?: Error): 'debug' | 'info' | 'error' {
  const routine = ROUTINE_PATHS.has((req.url ?? '').split('?', 1)[0]);
  if (routine && (res.statusCode < 500 || res.statusCode === 503)) return 'debug';
  if (err || res.statusCode >= 500) return 'error';
  return 'info';
}

/** Set by the problem filter on a refused or failed request. */
function refusalReasonOf(res: ServerResponse): string | undefined {
  return requestContextOf(res)?.refusalReason;
}

const HTTP_LOGGER = Symbol('HTTP_LOGGER');

/** JSON lines, one per request with method, route, status, duration and correlation id. */
function createHttpLogger(config: ConfigType<typeof appConfig>): HttpLogger {
  const tracing = tracingImplementation();
  return pinoHttp<IncomingMessage, ServerResponse, never>({
    level: config.logLevel,
    // With tracing on, a line written while a span is active carries its trace_id and span_id.
    mixin: tracing ? () => tracing.logFields() : undefined,
    genReqId: requestId,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Only fields we chose: headers and query strings can hold tokens.
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: maskedPath(req.url),
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // At the end of the request, when Express knows the matched route (not the middleware's wildcard).
    // A refusal carries its reason (set by the problem filter), never the token or the person.
    customSuccessObject: (req: IncomingMessage, res: ServerResponse, line: Record<string, unknown>) => ({
      ...line,
      route: routeOf(req),
      reason: refusalReasonOf(res),
    }),
    // pino-http invents an Error with a stack for every 5xx; the filter logs real ones with their correlation id.
    customErrorObject: (req: IncomingMessage, res: ServerResponse, _err: Error, line: Record<string, unknown>) => ({
      ...line,
      err: undefined,
      route: routeOf(req),
      reason: refusalReasonOf(res),
    }),
    customLogLevel: requestLogLevel,
    // Lines written during a request carry only its id (reqId), not the whole request.
    quietReqLogger: true,
    transport: process.stdout.isTTY && !config.isProduction ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
  });
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's LoggerService over pino: `new Logger('Context').log(...)` anywhere becomes a JSON line with
 * `context`, and inside a request the line also carries the request's id.
 */
@Injectable()
export class PinoLoggerService implements LoggerService {
  constructor(@Inject(HTTP_LOGGER) private readonly http: HttpLogger) {}

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes the context last: `(message, ...params, context)`. */
  private write(level: Level, message: unknown, rest: unknown[]): void {
    const logger = currentRequestContext()?.logger ?? this.http.logger;
    const fields: Record<string, unknown> = {};
    const params = rest.slice(0, -1);
    if (rest.length > 0) fields.context = rest.at(-1);
    if (message instanceof Error) {
      logger[level]({ ...fields, err: message }, ...(params as []));
    } else if (typeof message === 'object' && message !== null) {
      logger[level]({ ...fields, ...message }, ...(params as []));
    } else if (
      level === 'error' &&
      typeof message === 'string' &&
      params.length === 1 &&
      typeof params[0] === 'string' &&
      /\n\s*at /.test(params[0])
    ) {
      // Nest's own exception handlers call error(message, stack, context).
      const err = new Error(message);
      err.stack = params[0];
      logger.error({ ...fields, err });
    } else {
      logger[level](fields, String(message), ...(params as []));
    }
  }
}

/** Every request: pino-http writes its line when the response finishes; lines logged meanwhile carry its id. */
@Global()
@Module({
  providers: [{ provide: HTTP_LOGGER, inject: [appConfig.KEY], useFactory: createHttpLogger }, PinoLoggerService],
  exports: [PinoLoggerService],
})
export class LoggingModule implements NestModule {
  constructor(
    @Inject(HTTP_LOGGER) private readonly http: HttpLogger,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    // Request lines are written at info; above it the per-request middleware would only cost time.
    if (QUIET_LEVELS.has(this.config.logLevel)) return;
    const http = this.http;
    consumer
      .apply(http, (req: IncomingMessage & { log: Pino }, _res: ServerResponse, next: () => void) => {
        const context = currentRequestContext();
        if (context) context.logger = req.log;
        next();
      })
      .forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
  }
}
