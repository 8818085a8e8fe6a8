import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import { appConfig } from '../config';

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

/** JSON lines, one per request with method, route, status, duration and correlation id. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: ConfigType<typeof appConfig>) => ({
        // Request lines are written at info; above it the per-request middleware would only cost time.
        forRoutes: QUIET_LEVELS.has(config.logLevel) ? [] : undefined,
        pinoHttp: {
          level: config.logLevel,
          genReqId: requestId,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          // Only fields we chose: headers and query strings can hold tokens.
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              path: req.url.split('?')[0],
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          // At the end of the request, when Express knows the matched route (not the middleware's wildcard).
          customSuccessObject: (req: IncomingMessage, _res: ServerResponse, line: Record<string, unknown>) => ({ ...line, route: routeOf(req) }),
          // pino-http invents an Error with a stack for every 5xx; the filter logs real ones with their correlation id.
          customErrorObject: (req: IncomingMessage, _res: ServerResponse, _err: Error, line: Record<string, unknown>) => ({ ...line, err: undefined, route: routeOf(req) }),
          customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
            err || res.statusCode >= 500 ? 'error' : 'info',
          quietReqLogger: true,
          transport:
            process.stdout.isTTY && !config.isProduction
              ? { target: 'pino-pretty', options: { singleLine: true } }
              : undefined,
        },
      }),
    }),
  ],
})
export class LoggingModule {}
