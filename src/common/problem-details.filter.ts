import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { DomainError } from './errors';
import { allowedMethods } from './route-table';

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

interface Rendered {
  problem: { type: string; title: string; status: number; detail: string; [extension: string]: unknown };
  headers: Record<string, string>;
}

const PROBLEM_TYPE_PREFIX = 'urn:problem-type:authentication:';

/** Errors raised by body-parser / http-errors carry these; their messages are library text we never echo. */
interface HttpLibraryError {
  status?: number;
  statusCode?: number;
  type?: string;
}

function plain(status: number, detail: string, headers: Record<string, string> = {}): Rendered {
  return {
    problem: { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail },
    headers,
  };
}

/**
 * The parts of an error safe to log: database errors carry the query's parameters and a `detail`
 * that can quote a pid, so only name, message, code and stack are kept.
 */
function loggable(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const code = (error as { code?: unknown; driverError?: { code?: unknown } }).code ?? (error as { driverError?: { code?: unknown } }).driverError?.code;
  return { name: error.name, message: error.message, code, stack: error.stack };
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
 * client: library messages, SQL and stacks stay in the log, linked by the correlation id.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<Request & { id?: string }>();
    const response = ctx.getResponse<Response>();
    const rendered = this.render(exception, request);
    const correlationId = request.id !== undefined ? String(request.id) : undefined;
    if (isHealthReport(exception)) {
      // Probes and operators read terminus' own JSON, which names each failing indicator.
      response.status(exception.getStatus()).setHeader('Cache-Control', 'no-store').json(exception.getResponse());
      return;
    }
    if (rendered.problem.status >= 500 && !(exception instanceof DomainError)) {
      this.logger.error({ err: loggable(exception), correlationId }, 'unhandled error');
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    const body: ProblemDetails = {
      ...rendered.problem,
      instance: request.path ?? '/',
      ...(correlationId ? { correlationId } : {}),
    };
    response.status(body.status);
    for (const [name, value] of Object.entries(rendered.headers)) response.setHeader(name, value);
    response.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    response.setHeader('Cache-Control', 'no-store');
    response.send(JSON.stringify(body));
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
