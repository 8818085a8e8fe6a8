import { timingSafeEqual } from 'node:crypto';
import { InvalidRequestError, InvalidTokenError } from './errors';

export const MAX_TOKEN_BYTES = 8 * 1024;

/**
 * The token of an `Authorization: Bearer <token>` header: scheme case-insensitive, exactly one
 * token, at most 8 KB. Anything else is an RFC 6750 invalid_request.
 */
export function bearerToken(header: string | string[] | undefined): string {
  if (header === undefined || header === '') throw new InvalidRequestError('the Authorization header with a Bearer token is missing', 'missing_token');
  if (Array.isArray(header)) throw new InvalidRequestError('send exactly one Authorization header', 'malformed_header');
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
 * An operator secret presented as a Bearer token (admin, metrics): compared in constant time.
 * Without a configured secret every request passes, as on a laptop.
 */
export class SecretBearer {
  private readonly expected?: Buffer;

  constructor(secret: string | undefined) {
    this.expected = secret ? Buffer.from(secret) : undefined;
  }

  check(header: string | string[] | undefined, what: string, reason: string): void {
    if (!this.expected) return;
    const given = Buffer.from(bearerToken(header));
    if (given.length !== this.expected.length || !timingSafeEqual(given, this.expected)) throw new InvalidTokenError(`the ${what} is wrong`, reason);
  }
}
