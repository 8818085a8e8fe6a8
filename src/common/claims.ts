import type { JWTPayload } from 'jose';
import { InvalidTokenError } from './errors';

/** An optional string claim of an upstream token, bounded in length; anything else is an invalid token. */
export function optionalStringClaim(payload: JWTPayload, name: string, maxLength: number): string | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > maxLength)
    throw new InvalidTokenError(`the ${name} claim must be a string`, `invalid_${name}`);
  return value;
}
