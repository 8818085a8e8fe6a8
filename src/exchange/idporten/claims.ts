import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { ACR_LEVELS, isAcr } from '../../common/acr';
import { optionalStringClaim } from '../../common/claims';
import { InvalidTokenError } from '../../common/errors';
import { isPid } from '../../common/identifiers';
import type { PersonTokenClaims } from '../../common/issued-claims';
import type { Profile } from '../../profiles/profile';

const MAX_CLAIM_LENGTH = 1024;

export interface IdportenClaims {
  pid: string;
  acr: string;
  authLevel: number;
  /** The first authentication method, when the token names one. */
  amr?: string;
  locale?: string;
  nonce?: string;
  authTime?: number;
  scope?: string;
}

export function acrToAuthLevel(acr: unknown): number {
  if (!isAcr(acr)) {
    throw new InvalidTokenError('the acr claim is missing or not a known level', 'invalid_acr');
  }
  return ACR_LEVELS[acr];
}

function firstAmr(amr: unknown): string | undefined {
  const first = Array.isArray(amr) ? (amr as unknown[])[0] : amr;
  if (first === undefined) return undefined;
  if (typeof first !== 'string' || first.length === 0 || first.length > 64)
    throw new InvalidTokenError('the amr claim is invalid', 'invalid_amr');
  return first;
}

/** Reads and checks the claims of an ID-porten token: pid of 11 digits and a known acr are required. */
export function readIdportenClaims(payload: JWTPayload): IdportenClaims {
  if (!isPid(payload.pid)) throw new InvalidTokenError('the pid claim must be 11 digits', 'invalid_pid');
  const authTime = payload.auth_time;
  if (authTime !== undefined && (typeof authTime !== 'number' || !Number.isFinite(authTime))) {
    throw new InvalidTokenError('the auth_time claim must be a number', 'invalid_auth_time');
  }
  return {
    pid: payload.pid,
    acr: payload.acr as string,
    authLevel: acrToAuthLevel(payload.acr),
    amr: firstAmr(payload.amr),
    locale: optionalStringClaim(payload, 'locale', MAX_CLAIM_LENGTH),
    nonce: optionalStringClaim(payload, 'nonce', MAX_CLAIM_LENGTH),
    scope: optionalStringClaim(payload, 'scope', MAX_CLAIM_LENGTH),
    authTime: authTime,
  };
}

export function hasScope(scope: string | undefined, required: string): boolean {
  return (scope ?? '').split(/\s+/).includes(required);
}

/** The accepted-scope policy: one of the token's scopes starts with one of the prefixes (undefined: any token). */
export function scopeMatchesPrefixes(scope: string | undefined, prefixes: readonly string[] | undefined): boolean {
  if (prefixes === undefined) return true;
  const scopes = (scope ?? '').split(/\s+/).filter(Boolean);
  return scopes.some((s) => prefixes.some((prefix) => s.startsWith(prefix)));
}

/**
 * The claims of our token (the signer adds iss/iat/nbf/exp/jti): the seed's output with the
 * person's ids. A new `sid`; the input's aud, iss, at_hash, sub and sid are never copied.
 */
/** The platform's name for an unknown authentication method: a token without amr still names one, as the platform requires. */
export const AUTHENTICATE_METHOD_NOT_DEFINED = 'NotDefined';

export function platformClaims(input: IdportenClaims, profile: Profile): PersonTokenClaims {
  const claims: PersonTokenClaims = {
    nameid: String(profile.userId),
    'urn:altinn:userid': String(profile.userId),
    'urn:altinn:username': profile.userName,
    'urn:altinn:partyid': profile.partyId,
    'urn:altinn:party:uuid': profile.partyUuid,
    'urn:altinn:authenticatemethod': input.amr ?? AUTHENTICATE_METHOD_NOT_DEFINED,
    'urn:altinn:authlevel': input.authLevel,
    amr: input.amr,
    pid: input.pid,
    locale: input.locale,
    nonce: input.nonce,
    sid: randomBytes(32).toString('base64url'),
    acr: input.acr,
    auth_time: input.authTime,
  };
  for (const name of Object.keys(claims) as (keyof PersonTokenClaims)[]) if (claims[name] === undefined) delete claims[name];
  return claims;
}
