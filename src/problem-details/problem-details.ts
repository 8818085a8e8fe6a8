import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request } from 'express';
import { DomainError, PROBLEM_CONTENT_TYPE } from '../common/errors';
import { allowedMethods } from '../common/route-table';
import { libraryError, type LibraryError } from './library-errors';
import { NO_STORE } from '../common/http-caching';

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

export function plain(status: number, detail: string, headers: Record<string, string> = {}): Rendered {
  return {
    problem: { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail },
    headers,
  };
}

/** Body, status and headers of the problem for `rendered` at `instance`; every problem goes out this way. */
export function problemResponse(rendered: Rendered, instance: string, correlationId?: string): ProblemResponse {
  const body: ProblemDetails = { ...rendered.problem, instance, ...(correlationId ? { correlationId } : {}) };
  return {
    status: body.status,
    headers: { ...rendered.headers, 'Content-Type': PROBLEM_CONTENT_TYPE, ...NO_STORE },
    body: JSON.stringify(body),
  };
}

/** A refused body, by the library's type: its own message is never shown. */
function fromLibrary(library: LibraryError): Rendered {
  if (library.type === 'entity.too.large') return plain(413, 'the request body is larger than 16 KB');
  if (library.type === 'entity.parse.failed') return plain(400, 'the request body is not valid JSON');
  if (library.type === 'encoding.unsupported' || library.type === 'charset.unsupported') {
    return plain(415, 'the request body encoding is not supported');
  }
  return plain(library.status, 'the request could not be read');
}

function fromHttpException(exception: HttpException, request: Request): Rendered {
  const library = libraryError(exception.cause);
  if (library) return fromLibrary(library);
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

/**
 * Any error as an RFC 9457 problem. Only DomainError details and fixed texts reach the client:
 * library messages, SQL and stacks stay in the log, linked by the correlation id.
 */
export function renderProblem(exception: unknown, request: Request): Rendered {
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
  if (exception instanceof HttpException) return fromHttpException(exception, request);
  const library = libraryError(exception);
  if (library) return fromLibrary(library);
  return plain(500, 'an unexpected error occurred; quote the correlationId when reporting it');
}
