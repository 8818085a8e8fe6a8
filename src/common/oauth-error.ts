import { HttpException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { DomainError, InsufficientScopeError, InvalidTargetError, InvalidTokenError, ServiceUnavailableError } from './errors';

/** RFC 6749 §5.2 (and RFC 8693 §2.2.2) error codes a token endpoint answers with. */
type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unsupported_grant_type'
  | 'temporarily_unavailable'
  | 'server_error';

/**
 * A token endpoint error, answered as `{"error", "error_description"}` (400 unless said otherwise)
 * at a token endpoint, and as problem+json anywhere else. Its code is also the reason audit and
 * metrics record.
 */
export class OAuthError extends DomainError {
  readonly kind = 'oauth-error';
  readonly title = 'OAuth error';

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description, { reason: error });
  }
}

/** An error as a token endpoint answers it. */
interface OAuthAnswer {
  status: number;
  headers: Record<string, string>;
  body: { error: OAuthErrorCode; error_description: string };
}

const answer = (error: OAuthErrorCode, description: string, status = 400, headers: Record<string, string> = {}): OAuthAnswer => ({
  status,
  headers: { ...headers, 'Cache-Control': 'no-store', Pragma: 'no-cache' },
  body: { error, error_description: description },
});

/** body-parser's and Express' errors carry a status and a type; their messages are never shown. */
function libraryError(exception: unknown): { status?: unknown; type?: unknown } | undefined {
  const candidate = exception instanceof HttpException ? exception.cause : exception;
  return typeof candidate === 'object' && candidate !== null ? candidate : undefined;
}

/**
 * Any error in the RFC 6749 §5.2 form OAuth clients parse: 400 with `invalid_grant` for a refused
 * subject token, `invalid_target` for an audience we do not serve, `invalid_request` for the rest
 * of the client's mistakes; 429 and 503 keep their status and Retry-After; anything unexpected is
 * `server_error` 500 (the caller logs it).
 */
export function renderOAuthError(exception: unknown): OAuthAnswer {
  if (exception instanceof OAuthError) return answer(exception.error, exception.description, exception.status);
  if (exception instanceof InvalidTargetError) return answer('invalid_target', exception.detail);
  if (exception instanceof InvalidTokenError || exception instanceof InsufficientScopeError)
    return answer('invalid_grant', exception.detail);
  if (exception instanceof ServiceUnavailableError)
    return answer('temporarily_unavailable', exception.detail, 503, { 'Retry-After': exception.headers['Retry-After'] });
  if (exception instanceof DomainError && exception.status < 500) return answer('invalid_request', exception.detail);
  // ThrottlerGuard has set Retry-After on the response already.
  if (exception instanceof ThrottlerException) return answer('temporarily_unavailable', 'too many requests', 429);
  const library = libraryError(exception);
  if (library?.type === 'entity.too.large') return answer('invalid_request', 'the request body is larger than 16 KB');
  const status = exception instanceof HttpException ? exception.getStatus() : library?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) return answer('invalid_request', 'the request could not be read');
  return answer('server_error', 'an unexpected error occurred', 500);
}
