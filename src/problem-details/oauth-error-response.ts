import { HttpException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { DomainError, OAuthError, type OAuthErrorCode } from '../common/errors';
import { libraryError, type LibraryError } from './library-errors';
import { TOKEN_NO_STORE } from '../common/http-caching';

/** An error as a token endpoint answers it (RFC 6749 §5.2). */
export interface OAuthErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: OAuthErrorCode; error_description: string };
}

const answer = (error: OAuthErrorCode, description: string, status = 400, headers: Record<string, string> = {}): OAuthErrorResponse => ({
  status,
  headers: { ...headers, ...TOKEN_NO_STORE },
  body: { error, error_description: description },
});

/** A refused body, by the library's type: its own message is never shown. */
function fromLibrary(library: LibraryError): OAuthErrorResponse {
  if (library.type === 'entity.too.large') return answer('invalid_request', 'the request body is larger than 16 KB', 413);
  return answer('invalid_request', 'the request could not be read');
}

/**
 * Any error in the RFC 6749 §5.2 form OAuth clients parse, with the code the error names
 * (DomainError.code): a client's mistake is 400 (an OAuthError may say 401, with its challenge), an
 * oversized body 413; 429 and 503 keep their status and Retry-After; anything unexpected is
 * `server_error` 500 (the filter logs it).
 */
export function oauthErrorResponse(exception: unknown): OAuthErrorResponse {
  if (exception instanceof OAuthError) return answer(exception.code, exception.detail, exception.status, exception.headers);
  if (exception instanceof DomainError) {
    if (exception.status < 500) return answer(exception.code, exception.detail);
    const retryAfter = exception.headers['Retry-After'];
    return answer(exception.code, exception.detail, exception.status, retryAfter === undefined ? {} : { 'Retry-After': retryAfter });
  }
  // ThrottlerGuard has set Retry-After on the response already.
  if (exception instanceof ThrottlerException) return answer('temporarily_unavailable', 'too many requests', 429);
  const library = libraryError(exception instanceof HttpException ? exception.cause : exception);
  if (library) return fromLibrary(library);
  const status = exception instanceof HttpException ? exception.getStatus() : undefined;
  if (status !== undefined && status >= 400 && status < 500) return answer('invalid_request', 'the request could not be read');
  return answer('server_error', 'an unexpected error occurred', 500);
}
