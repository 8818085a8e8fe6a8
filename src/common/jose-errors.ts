import { errors } from 'jose';
import { InvalidTokenError } from './errors';

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Structure every token we verify must have, checked before any decoding: a signed compact JWS
 * (three base64url segments, JWE refused). jose's base64url decoder skips characters it does not
 * know, so they are refused here.
 */
export function checkCompactJws(token: string): void {
  const segments = token.split('.');
  if (segments.length === 5) throw new InvalidTokenError('encrypted tokens (JWE) are not accepted', 'malformed');
  if (segments.length !== 3 || segments.some((s) => !BASE64URL.test(s)) || segments[0] === '' || segments[1] === '') {
    throw new InvalidTokenError('the token is not a signed JWT (three base64url segments)', 'malformed');
  }
  if (segments[2] === '') throw new InvalidTokenError('the token has no signature', 'unsigned');
}

/** A jose verification error as the client sees it: what was wrong, never the library's words. */
export function invalidTokenFromJose(error: unknown): InvalidTokenError | undefined {
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('the token has expired', 'expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claim = error.claim;
    if (claim === 'nbf') return new InvalidTokenError('the token is not valid yet (nbf)', 'not_yet_valid');
    if (claim === 'aud') return new InvalidTokenError("the token's audience is not accepted", 'wrong_audience');
    if (claim === 'iss') return new InvalidTokenError("the token's issuer is not trusted", 'untrusted_issuer');
    if (error.reason === 'missing') return new InvalidTokenError(`the token has no ${claim} claim`, `missing_${claim}`);
    return new InvalidTokenError(`the token's ${claim} claim is invalid`, `invalid_${claim}`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new InvalidTokenError('the token signature is invalid', 'bad_signature');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new InvalidTokenError("no key of the issuer matches the token's kid", 'unknown_key');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidTokenError("the token's algorithm is not accepted", 'alg_not_allowed');
  if (error instanceof errors.JOSENotSupported) return new InvalidTokenError('the token uses an unsupported feature', 'unsupported');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return new InvalidTokenError('the token is malformed', 'malformed');
  return undefined;
}
