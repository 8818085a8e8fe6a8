/**
 * What a caller of the token shortcuts may choose: extra or replaced claims, and the lifetime.
 *
 * Everything may be overridden (to test how a verifier treats a wrong `aud`, a future `nbf`, a
 * missing `consumer`, a bad `pid`) except two claims:
 * - `iss` stays this stand-in's issuer: the token must verify against the discovery document it
 *   names. A token from an issuer nobody trusts is tested with a key nobody trusts, not ours.
 * - `exp` follows `expires_in` (0 or negative: already expired), so that one value decides it.
 * A claim set to `null` is removed.
 */
export const FIXED_CLAIMS = ['iss', 'exp'] as const;

/** `expires_in` bounds: a day either way. */
export const MIN_EXPIRES_IN_S = -86_400;
export const MAX_EXPIRES_IN_S = 86_400;
export const MAX_CLAIM_OVERRIDES = 50;

export function fixedClaimsIn(claims: Record<string, unknown>): string[] {
  return FIXED_CLAIMS.filter((name) => Object.prototype.hasOwnProperty.call(claims, name));
}

/** The base claims with the overrides applied: a value replaces, `null` removes. */
export function withOverrides(base: Record<string, unknown>, overrides: Record<string, unknown> | undefined): Record<string, unknown> {
  const claims: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if ((FIXED_CLAIMS as readonly string[]).includes(name)) continue;
    if (value === null) delete claims[name];
    else claims[name] = value;
  }
  return claims;
}
