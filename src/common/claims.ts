import type { JWTPayload } from 'jose';
import { InvalidTokenError } from './errors';

/**
 * Characters no upstream string claim may hold: C0 controls (NUL included), DEL and C1 controls,
 * and the Unicode bidirectional marks, embeddings, overrides and isolates that make text read
 * other than it is stored.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this rule's purpose
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function hasControlCharacter(value: string): boolean {
  CONTROL_CHARACTERS.lastIndex = 0;
  return CONTROL_CHARACTERS.test(value);
}

/** The text with every such character replaced by U+FFFD, for a place that must store it anyway (audit). */
export function replaceControlCharacters(value: string): string {
  return value.replace(CONTROL_CHARACTERS, '\ufffd');
}

/** The reason a claim with a control character is refused under, in audit and metrics. */
export const CONTROL_CHARACTER_REASON = 'control_character_in_claim';

/** Refuses an upstream string (a claim, or a string anywhere inside one) that holds a control character. */
export function checkClaimText(name: string, value: string): string {
  if (hasControlCharacter(value))
    throw new InvalidTokenError(`the ${name} claim holds a control or bidirectional formatting character`, CONTROL_CHARACTER_REASON);
  return value;
}

/** Checks every string and member name inside a claim's JSON value (authorization_details, say). */
export function checkClaimTexts(name: string, value: unknown): void {
  if (typeof value === 'string') checkClaimText(name, value);
  else if (typeof value === 'object' && value !== null)
    for (const [key, member] of Object.entries(value)) {
      checkClaimText(name, key);
      checkClaimTexts(name, member);
    }
}

/** An optional string claim of an upstream token, bounded in length, without control characters; anything else is an invalid token. */
export function optionalStringClaim(payload: JWTPayload, name: string, maxLength: number): string | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > maxLength)
    throw new InvalidTokenError(`the ${name} claim must be a string`, `invalid_${name}`);
  return checkClaimText(name, value);
}
