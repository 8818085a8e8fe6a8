import type { JWTPayload } from 'jose';
import { optionalStringClaim } from '../common/claims';
import { InvalidTokenError } from '../common/errors';

/** Claim names and values of Maskinporten tokens and of the tokens we issue for them. */
export const CONSUMER_AUTHORITY = 'iso6523-actorid-upis';
export const NORWEGIAN_ORG_NUMBER_SCHEME = '0192';
export const AUTHENTICATE_METHOD = 'maskinporten';
export const AUTHENTICATION_LEVEL = 3;
export const TEST_SOURCE_ORG = 'digdir';
export const TEST_ORG = 'ttd';

export const Claim = {
  scope: 'scope',
  tokenType: 'token_type',
  clientId: 'client_id',
  clientOrgNo: 'client_orgno',
  consumer: 'consumer',
  org: 'org',
  orgNumber: 'orgNumber',
  authenticateMethod: 'AuthenticateMethod',
  authenticationLevel: 'AuthenticationLevel',
  urnOrg: 'urn:altinn:org',
  urnOrgNumber: 'urn:altinn:orgNumber',
  urnAuthenticateMethod: 'urn:altinn:authenticatemethod',
  urnAuthLevel: 'urn:altinn:authlevel',
} as const;

const CONSUMER_ID = new RegExp(`^${NORWEGIAN_ORG_NUMBER_SCHEME}:(\\d{9})$`);
const MAX_CLAIM_LENGTH = 4096;

/** The parts of a Maskinporten token the exchange relies on, checked. */
export interface MaskinportenClaims {
  scope: string;
  tokenType?: string;
  clientId?: string;
  clientOrgNo?: string;
  consumer: { authority: string; ID: string };
  orgNumber: string;
}

/** Reads and checks the claims; the consumer must be a Norwegian organisation number (ISO 6523, 0192). */
export function readMaskinportenClaims(payload: JWTPayload): MaskinportenClaims {
  const consumer = payload.consumer as { authority?: unknown; ID?: unknown } | undefined;
  if (typeof consumer !== 'object' || consumer === null || Array.isArray(consumer)) {
    throw new InvalidTokenError('the token has no consumer claim', 'missing_consumer');
  }
  if (consumer.authority !== CONSUMER_AUTHORITY) {
    throw new InvalidTokenError(`the consumer authority must be ${CONSUMER_AUTHORITY}`, 'invalid_consumer');
  }
  const match = typeof consumer.ID === 'string' ? CONSUMER_ID.exec(consumer.ID) : null;
  if (!match) throw new InvalidTokenError('the consumer ID must be 0192: followed by 9 digits', 'invalid_consumer');
  const scope = payload.scope;
  if (typeof scope !== 'string' || scope.trim() === '' || scope.length > MAX_CLAIM_LENGTH) {
    throw new InvalidTokenError('the scope claim must be a non-empty string', 'invalid_scope');
  }
  return {
    scope,
    tokenType: optionalStringClaim(payload, Claim.tokenType, MAX_CLAIM_LENGTH),
    clientId: optionalStringClaim(payload, Claim.clientId, MAX_CLAIM_LENGTH),
    clientOrgNo: optionalStringClaim(payload, Claim.clientOrgNo, MAX_CLAIM_LENGTH),
    consumer: { authority: CONSUMER_AUTHORITY, ID: consumer.ID as string },
    orgNumber: match[1],
  };
}

/** True when the org claim may be issued: no scope is required, or one of the token's scopes starts with it. */
export function scopeAllowsOrgClaim(scope: string, requiredScope: string | undefined): boolean {
  if (!requiredScope) return true;
  return scope.split(/\s+/).some((s) => s.startsWith(requiredScope));
}

/**
 * The claims of our token (without iss/iat/nbf/exp/jti, which the signer adds): the seed's output,
 * plus the URN forms the platform's newer APIs read. Nothing else of the input is copied.
 */
export function platformClaims(input: MaskinportenClaims, orgCode: string | undefined): Record<string, unknown> {
  const claims: Record<string, unknown> = { [Claim.scope]: input.scope };
  if (input.tokenType !== undefined) claims[Claim.tokenType] = input.tokenType;
  if (input.clientId !== undefined) claims[Claim.clientId] = input.clientId;
  if (input.clientOrgNo !== undefined) claims[Claim.clientOrgNo] = input.clientOrgNo;
  claims[Claim.consumer] = input.consumer;
  if (orgCode !== undefined) claims[Claim.org] = orgCode;
  claims[Claim.orgNumber] = Number(input.orgNumber);
  claims[Claim.authenticateMethod] = AUTHENTICATE_METHOD;
  claims[Claim.authenticationLevel] = AUTHENTICATION_LEVEL;
  if (orgCode !== undefined) claims[Claim.urnOrg] = orgCode;
  claims[Claim.urnOrgNumber] = input.orgNumber;
  claims[Claim.urnAuthenticateMethod] = AUTHENTICATE_METHOD;
  claims[Claim.urnAuthLevel] = AUTHENTICATION_LEVEL;
  return claims;
}

/** The seed's output example, for the API documentation. */
export const SEED_OUTPUT_EXAMPLE = {
  scope: 'altinn:instances.read altinn:instances.write',
  token_type: 'Bearer',
  exp: 1571996946,
  iat: 1571995146,
  client_id: '0de19f7a-f5fa-45d1-874c-3d2e88ce97d9',
  client_orgno: '974760673',
  jti: 'BcNIAuZKXdjpECmmwalAm-pcBp0iNc56T6eXhlxNBZE',
  consumer: { authority: 'iso6523-actorid-upis', ID: '0192:974760673' },
  org: 'brg',
  orgNumber: 974760673,
  iss: 'https://platform.altinn.cloud/',
  AuthenticateMethod: 'maskinporten',
  AuthenticationLevel: 3,
  nbf: 1571995146,
};
