import { randomBytes } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { optionalStringClaim } from '../common/claims';
import { InvalidTokenError } from '../common/errors';
import type { Profile } from '../profiles/profile';

/** ID-porten `acr` values and the platform's authentication levels. */
export const ACR_LEVELS: Readonly<Record<string, number>> = {
  Level0: 0,
  'idporten-loa-low': 0,
  Level3: 3,
  'idporten-loa-substantial': 3,
  Level4: 4,
  'idporten-loa-high': 4,
};

export const Claim = {
  nameId: 'nameid',
  userId: 'urn:altinn:userid',
  userName: 'urn:altinn:username',
  partyId: 'urn:altinn:partyid',
  partyUuid: 'urn:altinn:party:uuid',
  authenticateMethod: 'urn:altinn:authenticatemethod',
  authLevel: 'urn:altinn:authlevel',
  amr: 'amr',
  pid: 'pid',
  locale: 'locale',
  nonce: 'nonce',
  sid: 'sid',
  acr: 'acr',
  authTime: 'auth_time',
} as const;

const PID = /^\d{11}$/;
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
  if (typeof acr !== 'string' || !Object.hasOwn(ACR_LEVELS, acr)) {
    throw new InvalidTokenError('the acr claim is missing or not a known level', 'invalid_acr');
  }
  return ACR_LEVELS[acr];
}

function firstAmr(amr: unknown): string | undefined {
  const first = Array.isArray(amr) ? (amr as unknown[])[0] : amr;
  if (first === undefined) return undefined;
  if (typeof first !== 'string' || first.length === 0 || first.length > 64) throw new InvalidTokenError('the amr claim is invalid', 'invalid_amr');
  return first;
}

/** Reads and checks the claims of an ID-porten token: pid of 11 digits and a known acr are required. */
export function readIdportenClaims(payload: JWTPayload): IdportenClaims {
  if (typeof payload.pid !== 'string' || !PID.test(payload.pid)) throw new InvalidTokenError('the pid claim must be 11 digits', 'invalid_pid');
  const authTime = payload.auth_time;
  if (authTime !== undefined && (typeof authTime !== 'number' || !Number.isFinite(authTime))) {
    throw new InvalidTokenError('the auth_time claim must be a number', 'invalid_auth_time');
  }
  return {
    pid: payload.pid,
    acr: payload.acr as string,
    authLevel: acrToAuthLevel(payload.acr),
    amr: firstAmr(payload.amr),
    locale: optionalStringClaim(payload, Claim.locale, MAX_CLAIM_LENGTH),
    nonce: optionalStringClaim(payload, Claim.nonce, MAX_CLAIM_LENGTH),
    scope: optionalStringClaim(payload, 'scope', MAX_CLAIM_LENGTH),
    authTime: authTime,
  };
}

export function hasScope(scope: string | undefined, required: string): boolean {
  return (scope ?? '').split(/\s+/).includes(required);
}

/**
 * The claims of our token (the signer adds iss/iat/nbf/exp/jti): the seed's output with the
 * person's ids. A new `sid`; the input's aud, iss, at_hash, sub and sid are never copied.
 */
export function platformClaims(input: IdportenClaims, profile: Profile): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    [Claim.nameId]: String(profile.userId),
    [Claim.userId]: String(profile.userId),
    [Claim.userName]: profile.userName,
    [Claim.partyId]: profile.partyId,
    [Claim.partyUuid]: profile.partyUuid,
  };
  if (input.amr !== undefined) claims[Claim.authenticateMethod] = input.amr;
  claims[Claim.authLevel] = input.authLevel;
  if (input.amr !== undefined) claims[Claim.amr] = input.amr;
  claims[Claim.pid] = input.pid;
  if (input.locale !== undefined) claims[Claim.locale] = input.locale;
  if (input.nonce !== undefined) claims[Claim.nonce] = input.nonce;
  claims[Claim.sid] = randomBytes(32).toString('base64url');
  claims[Claim.acr] = input.acr;
  if (input.authTime !== undefined) claims[Claim.authTime] = input.authTime;
  return claims;
}

/** The seed's output example, for the API documentation. */
export const SEED_OUTPUT_EXAMPLE = {
  nameid: '20000011',
  'urn:altinn:userid': '20000011',
  'urn:altinn:username': '',
  'urn:altinn:partyid': 50002119,
  'urn:altinn:authenticatemethod': 'Minid-PIN',
  'urn:altinn:authlevel': 3,
  amr: 'Minid-PIN',
  pid: '191080XXXXX',
  locale: 'nb',
  nonce: '1585045781364132',
  sid: 'BYSqEpVGRrh6rElmnzzTjcU0roC95rxNCC2kAsB2hmY',
  acr: 'Level3',
  auth_time: 1585045793,
  exp: 1585047785,
  iat: 1585045985,
  nbf: 1585045985,
};
