import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AmbiguousAuthorizationError, InvalidRequestError, InvalidTokenError } from './errors';

export const MAX_TOKEN_BYTES = 8 * 1024;

/** What a request offers for authorization: its headers with every repeated value kept apart, and its raw lines. */
export type AuthorizedRequest = Pick<IncomingMessage, 'headersDistinct' | 'rawHeaders'>;

/**
 * How many header lines Node parses per request (`server.maxHeadersCount`, set to this in
 * app.setup.ts); it silently drops every line after them, from `rawHeaders` as from `headers`.
 */
export const MAX_HEADER_LINES = 2000;

/**
 * The one `Authorization` header of a request, or undefined when there is none. Node keeps only
 * the first of repeated `Authorization` headers in `headers`, so the raw header lines are counted,
 * and more than one is an invalid_request (400). A request that reached MAX_HEADER_LINES may have
 * had a second one dropped after the limit, so it is refused the same way.
 */
export function authorizationHeader(request: AuthorizedRequest): string | undefined {
  const raw = request.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 13 && raw[i].toLowerCase() === 'authorization') count += 1;
  if (count > 1 || raw.length / 2 >= MAX_HEADER_LINES) throw new AmbiguousAuthorizationError();
  const values = request.headersDistinct.authorization;
  if (count === 0 || values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw new AmbiguousAuthorizationError();
  return values[0];
}

/**
 * The token of the request's `Authorization: Bearer <token>` header: exactly one such header,
 * scheme case-insensitive, exactly one token, at most 8 KB. Anything else is an RFC 6750
 * invalid_request.
 */
export function bearerToken(request: AuthorizedRequest): string {
  return parseBearerHeader(authorizationHeader(request));
}

/** The token of one `Authorization` value (already known to be the only one; see authorizationHeader). */
export function parseBearerHeader(header: string | undefined): string {
  if (header === undefined || header === '')
    throw new InvalidRequestError('the Authorization header with a Bearer token is missing', 'missing_token');
  if (header.length > MAX_TOKEN_BYTES + 7) throw new InvalidRequestError('the token is larger than 8 KB', 'token_too_large');
  const match = /^bearer[ ]+(\S+)[ ]*$/i.exec(header);
  if (!match) {
    const scheme = header.trim().split(/\s+/)[0] ?? '';
    if (scheme.toLowerCase() !== 'bearer') throw new InvalidRequestError('the Authorization scheme must be Bearer', 'wrong_scheme');
    throw new InvalidRequestError('the Authorization header must hold exactly one Bearer token', 'malformed_header');
  }
  return match[1];
}

/**
 * Operator secrets presented as a Bearer token (admin, metrics, introspection callers): compared
 * in constant time, as SHA-256 digests so that neither a secret's length nor which one matched
 * shows in the timing. Without a configured secret every request passes, as on a laptop.
 */
export class SecretBearer {
  private readonly expected: Buffer[];

  constructor(secrets: string | readonly string[] | undefined) {
    const list = secrets === undefined ? [] : typeof secrets === 'string' ? [secrets] : secrets;
    this.expected = list.filter((s) => s.length > 0).map(digest);
  }

  check(request: AuthorizedRequest, what: string, reason: string): void {
    this.checkHeader(authorizationHeader(request), what, reason);
  }

  /** The same for one `Authorization` value (a form field standing in for the header, say). */
  checkHeader(header: string | undefined, what: string, reason: string): void {
    if (this.expected.length === 0) return;
    const given = digest(parseBearerHeader(header));
    let matched = false;
    for (const expected of this.expected) matched = timingSafeEqual(given, expected) || matched;
    if (!matched) throw new InvalidTokenError(`the ${what} is wrong`, reason);
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
