import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, OAuthError } from '../common/errors';
import { ROUTES } from '../common/routes';
import { requestContextOf } from '../common/request-context';
import { oauthErrorResponse } from './oauth-error-response';
import { problemResponse, renderProblem } from './problem-details';
import { setNoStore } from '../common/http-caching';

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
    code: error instanceof DomainError ? undefined : (e.code ?? driverError?.code),
    stack: error.stack,
  };
  if (error instanceof DomainError) fields.reason = error.reason;
  if (error instanceof AggregateError) fields.errors = error.errors.slice(0, 3).map((inner) => loggable(inner, MAX_CAUSE_DEPTH));
  const cause = error.cause ?? (driverError === error ? undefined : driverError);
  if (cause !== undefined && depth < MAX_CAUSE_DEPTH) fields.cause = loggable(cause, depth + 1);
  return fields;
}

/**
 * True where errors are RFC 6749 JSON (OAuth clients parse those): POST /token, by the matched route
 * or, for errors raised before routing (a body the parser refused), by the path; and any OAuthError,
 * which only token endpoints (the test IdP's included) raise.
 */
function answersOAuth(exception: unknown, request: Request): boolean {
  if (exception instanceof OAuthError) return true;
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

/**
 * Renders every error the app raises, in one of two wire formats: RFC 6749 JSON on token
 * endpoints, RFC 9457 problem+json everywhere else. Every 5xx is logged once, here, with its cause.
 * Registered as APP_FILTER by ProblemDetailsModule.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<Request & { id?: string }>();
    const response = ctx.getResponse<Response>();
    // The request line names why (expired, untrusted_issuer ...): a slug, never the token or the person.
    if (exception instanceof DomainError) {
      const context = requestContextOf(response);
      if (context) context.refusalReason = exception.reason;
    }
    const correlationId = request.id !== undefined ? String(request.id) : undefined;
    if (isHealthReport(exception)) {
      // Probes and operators read terminus' own JSON, which names each failing indicator.
      setNoStore(response);
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    const answer = answersOAuth(exception, request)
      ? oauthErrorResponse(exception)
      : problemResponse(renderProblem(exception, request), request.path ?? '/', correlationId);
    if (answer.status >= 500) {
      const what = exception instanceof DomainError ? `${answer.status} ${exception.reason}` : 'unhandled error';
      // Under `error`, not `err`: pino's err serializer would fold the causes into one message and drop their codes.
      this.logger.error({ error: loggable(exception), correlationId }, what);
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
    if (typeof answer.body === 'string') response.send(answer.body);
    else response.json(answer.body);
  }
}
