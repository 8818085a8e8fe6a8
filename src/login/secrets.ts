import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh secret value: 256 random bits, base64url (codes, refresh tokens, cookies, state, nonce, PKCE verifiers). */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** What the database stores of a secret: its SHA-256, hex. A 256-bit random secret needs no slower hash. */
export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/** PKCE S256 (RFC 7636 §4.2). */
export const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/** Compares a given secret with a stored hash in constant time. */
export function matchesHash(given: string, storedHex: string | null): boolean {
  if (storedHex === null) return false;
  const a = createHash('sha256').update(given).digest();
  const b = Buffer.from(storedHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
