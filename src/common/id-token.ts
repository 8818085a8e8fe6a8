import { createHash } from 'node:crypto';

/**
 * OpenID Connect Core §3.1.3.6 `at_hash`: the left half of the access token's hash, base64url. The
 * hash is the one of the ID token's `alg`; both our ID tokens (login/) and test ID-porten's are RS256,
 * so SHA-256 and its left 16 bytes.
 */
export function atHash(accessToken: string): string {
  // An ID token bound to no access token would carry a hash that any empty token matches.
  if (typeof accessToken !== 'string' || accessToken.length === 0)
    throw new TypeError('at_hash needs the access token, a non-empty string');
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}
