import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { maskedPath } from './masked-path';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { DomainError } from './errors';
import { REFUSAL_REASON } from './logging.module';
import { renderOAuthError } from './oauth-error';
import { allowedMethods } from './route-table';
import { ROUTES } from './routes';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  correlationId?: string;
  [extension: string]: unknown;
}

/** What an error says to the client, before the request's `instance` and correlation id are added. */
export interface Rendered {
  problem: { type: string; title: string; status: number; detail: string; [extension: string]: unknown };
  headers: Record<string, string>;
}

/** A problem ready to send: the filter writes it through Express, the raw-socket path (431) by hand. */
export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const PROBLEM_TYPE_PREFIX = 'urn:problem-type:authentication:';

/** Errors raised by body-parser / http-errors carry these; their messages are library text we never echo. */
interface HttpLibraryError {
  status?: number;
  statusCode?: number;
  type?: string;
}

export function plain(status: number, detail: string, headers: Record<string, string> = {}): Rendered {
  return {
    problem: { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail },
    headers,
  };
}

/** Body, status and headers of the problem for `rendered` at `instance`; every problem goes out this way. */
export function problemResponse(rendered: Rendered, instance: string, correlationId?: string): ProblemResponse {
  const body: ProblemDetails = { ...rendered.problem, instance: maskedPath(instance), ...(correlationId ? { correlationId } : {}) };
  return {
    status: body.status,
    headers: { ...rendered.headers, 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store' },
    body: JSON.stringify(body),
  };
}

const MAX_CAUSE_DEPTH = 4;

/**
 * The parts of an error safe to log, its causes included (a 503's cause names the refused
 * connection): database errors carry the query's parameters and a `detail` that can quote a pid,
 * so only name, message, code, reason and stack are kept.
 */
export function loggable(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const e = error as Error & { code?: unknown; reason?: unknown; driverError?: unknown };
  const driverError = e.driverError as { code?: unknown } | undefined;
  const fields: Record<string, unknown> = {
    name: error.name,
    message: error.message,
    code: e.code ?? driverError?.code,
    stack: error.stack,
  };
  if (error instanceof DomainError) fields.reason = error.reason;
  if (error instanceof AggregateError) fields.errors = error.errors.slice(0, 3).map((inner) => loggable(inner, MAX_CAUSE_DEPTH));
  const cause = error.cause ?? (driverError === error ? undefined : driverError);
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) fields.cause = loggable(cause, depth + 1);
  return fields;
}

/**
 * True for POST /token, whose errors are RFC 6749 JSON (OAuth clients parse those): by the matched
 * route, or by the path for errors raised before routing (a body the parser refused).
 */
function isTokenEndpoint(request: Request): boolean {
  if (request.method !== 'POST') return false;
  const route = (request.route as { path?: unknown } | undefined)?.path;
  const path = typeof route === 'string' ? route : (request.path ?? '').toLowerCase().replace(/\/+$/, '');
  return path === `/${ROUTES.token}`;
}

/** Terminus' 503 (failing or shutting down): its body is the health report, not an error description. */
function isHealthReport(exception: unknown): exception is HttpException {
  if (!(exception instanceof HttpException) || exception.getStatus() !== 503) return false;
  const body = exception.getResponse() as { status?: unknown };
  return typeof body === 'object' && (body.status === 'error' || body.status === 'shutting_down');
}

/** body-parser and Express errors, by their type: their own messages are never shown. */
function renderLibraryError(error: unknown): Rendered | undefined {
  const library = error as HttpLibraryError | undefined;
  const status = library?.status ?? library?.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (library?.type === 'entity.too.large') return plain(413, 'the request body is larger than 16 KB');
  if (library?.type === 'entity.parse.failed') return plain(400, 'the request body is not valid JSON');
  if (library?.type === 'encoding.unsupported' || library?.type === 'charset.unsupported') {
    return plain(415, 'the request body encoding is not supported');
  }
  return plain(status, 'the request could not be read');
}

/**
 * Renders every error as RFC 9457 problem+json. Only DomainError details and fixed texts reach the
 * client: library messages, SQL and stacks stay in the log, linked by the correlation id. Every
 * 5xx is logged once, here, with its cause. Registered as APP_FILTER by ProblemDetailsModule.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<Request & { id?: string }>();
    const response = ctx.getResponse<Response>();
    // The request line names why (expired, untrusted_issuer ...): a slug, never the token or the person.
    if (exception instanceof DomainError) response.locals[REFUSAL_REASON] = exception.reason;
    const correlationId = request.id !== undefined ? String(request.id) : undefined;
    if (isTokenEndpoint(request)) {
      this.answerOAuth(exception, response, correlationId);
      return;
    }
    const rendered = this.render(exception, request);
    if (isHealthReport(exception)) {
      // Probes and operators read terminus' own JSON, which names each failing indicator.
      response.status(exception.getStatus()).setHeader('Cache-Control', 'no-store').json(exception.getResponse());
      return;
    }
    if (rendered.problem.status >= 500) {
      const what = exception instanceof DomainError ? `${rendered.problem.status} ${exception.reason}` : 'unhandled error';
      // Under `error`, not `err`: pino's err serializer would fold the causes into one message and drop their codes.
      this.logger.error({ error: loggable(exception), correlationId }, what);
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    const problem = problemResponse(rendered, request.path ?? '/', correlationId);
    response.status(problem.status);
    for (const [name, value] of Object.entries(problem.headers)) response.setHeader(name, value);
    response.send(problem.body);
  }

  /** The token endpoint's RFC 6749 form, with the same 5xx logging. */
  private answerOAuth(exception: unknown, response: Response, correlationId: string | undefined): void {
    const answer = renderOAuthError(exception);
    if (answer.status >= 500) {
      const what = exception instanceof DomainError ? `${answer.status} ${exception.reason}` : 'unhandled error';
      this.logger.error({ error: loggable(exception), correlationId }, what);
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
    response.json(answer.body);
  }

  private render(exception: unknown, request: Request): Rendered {
    if (exception instanceof DomainError) {
      return {
        problem: {
          type: PROBLEM_TYPE_PREFIX + exception.kind,
          title: exception.title,
          status: exception.status,
          detail: exception.detail,
          ...exception.extensions,
        },
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) return this.renderHttpException(exception, request);
    const fromLibrary = renderLibraryError(exception);
    if (fromLibrary) return fromLibrary;
    return plain(500, 'an unexpected error occurred; quote the correlationId when reporting it');
  }

  private renderHttpException(exception: HttpException, request: Request): Rendered {
    const fromLibrary = renderLibraryError(exception.cause);
    if (fromLibrary) return fromLibrary;
    const status = exception.getStatus();
    if (status === 404) {
      const allowed = allowedMethods(request);
      if (allowed.length > 0) {
        return plain(405, `${request.method} is not allowed here`, { Allow: allowed.join(', ') });
      }
      return plain(404, 'no resource at this path');
    }
    if (status === 413) return plain(413, 'the request body is too large');
    if (status === 429) return plain(429, 'too many requests');
    if (status >= 500) return plain(status, 'an unexpected error occurred');
    return plain(status, STATUS_CODES[status]?.toLowerCase() ?? 'request refused');
  }
}
