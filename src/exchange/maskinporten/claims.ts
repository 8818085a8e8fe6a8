import type { JWTPayload } from 'jose';
import { optionalStringClaim } from '../../common/claims';
import { InvalidTokenError } from '../../common/errors';
import { isUuid } from '../../common/identifiers';
import {
  type AuthorizationDetail,
  type OrganisationTokenClaims,
  SYSTEM_USER_TYPE,
  type SystemUserAuthorization,
} from '../../common/issued-claims';
import { ISO6523_AUTHORITY, type Iso6523Organisation, isValidOrgNumber, orgNumberOfIso6523Id } from '../../common/organisation-number';

/** Claim values of Maskinporten tokens and of the tokens we issue for them. */
export const AUTHENTICATE_METHOD = 'maskinporten';
export const AUTHENTICATION_LEVEL = 3;
export const TEST_SOURCE_ORG = 'digdir';
export const TEST_ORG = 'ttd';

const MAX_CLAIM_LENGTH = 4096;

/** Bounds on `authorization_details`: its JSON, its entries, their nesting, and a system user's fields. */
export const AUTHORIZATION_DETAILS_LIMITS = {
  maxJsonLength: 4096,
  maxEntries: 10,
  maxDepth: 6,
  maxTypeLength: 256,
  maxSystemUserIds: 16,
  maxSystemIdLength: 128,
} as const;

/** Printable, no spaces or controls: a system id is `<vendor orgno>_<name>` in practice. */
const SYSTEM_ID = /^[\x21-\x7e]+$/;

/** The parts of a Maskinporten token the exchange relies on, checked. */
export interface MaskinportenClaims {
  scope: string;
  tokenType?: string;
  clientId?: string;
  clientOrgNo?: string;
  consumer: Iso6523Organisation;
  /** The consumer's organisation number. */
  orgNumber: string;
  /** Supplier delegation: the organisation acting for the consumer. */
  supplier?: Iso6523Organisation;
  supplierOrgNumber?: string;
  /** RFC 9396 details, exactly as the token had them; present only with a system user entry. */
  authorizationDetails?: AuthorizationDetail[];
  /** The system user entry of authorizationDetails. */
  systemUser?: SystemUserAuthorization;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads and checks the claims; the consumer must be a Norwegian organisation number (ISO 6523, 0192). */
export function readMaskinportenClaims(payload: JWTPayload): MaskinportenClaims {
  const consumer = payload.consumer;
  if (!isObject(consumer)) throw new InvalidTokenError('the token has no consumer claim', 'missing_consumer');
  if (consumer.authority !== ISO6523_AUTHORITY) {
    throw new InvalidTokenError(`the consumer authority must be ${ISO6523_AUTHORITY}`, 'invalid_consumer');
  }
  const orgNumber = orgNumberOfIso6523Id(consumer.ID);
  if (!orgNumber) throw new InvalidTokenError('the consumer ID must be 0192: followed by 9 digits', 'invalid_consumer');
  const scope = payload.scope;
  if (typeof scope !== 'string' || scope.trim() === '' || scope.length > MAX_CLAIM_LENGTH) {
    throw new InvalidTokenError('the scope claim must be a non-empty string', 'invalid_scope');
  }
  const supplier = payload.supplier === undefined ? undefined : readSupplier(payload.supplier);
  const details = payload.authorization_details === undefined ? undefined : readAuthorizationDetails(payload.authorization_details);
  return {
    scope,
    tokenType: optionalStringClaim(payload, 'token_type', MAX_CLAIM_LENGTH),
    clientId: optionalStringClaim(payload, 'client_id', MAX_CLAIM_LENGTH),
    clientOrgNo: optionalStringClaim(payload, 'client_orgno', MAX_CLAIM_LENGTH),
    consumer: { authority: ISO6523_AUTHORITY, ID: consumer.ID as string },
    orgNumber,
    supplier: supplier?.organisation,
    supplierOrgNumber: supplier?.orgNumber,
    authorizationDetails: details?.all,
    systemUser: details?.systemUser,
  };
}

/** `supplier` in the consumer's ISO 6523 shape, with a valid organisation number; only authority and ID are kept. */
function readSupplier(value: unknown): { organisation: Iso6523Organisation; orgNumber: string } {
  if (!isObject(value) || value.authority !== ISO6523_AUTHORITY) {
    throw new InvalidTokenError(`the supplier claim must be an object with authority ${ISO6523_AUTHORITY}`, 'invalid_supplier');
  }
  const orgNumber = orgNumberOfIso6523Id(value.ID);
  if (!orgNumber || !isValidOrgNumber(orgNumber)) {
    throw new InvalidTokenError('the supplier ID must be 0192: followed by a valid organisation number', 'invalid_supplier');
  }
  return { organisation: { authority: ISO6523_AUTHORITY, ID: value.ID as string }, orgNumber };
}

const invalidDetails = (detail: string) => new InvalidTokenError(`authorization_details: ${detail}`, 'invalid_authorization_details');

/** Depth of nested arrays and objects, stopping as soon as it passes the bound. */
function depthWithin(value: unknown, bound: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (bound === 0) return false;
  return Object.values(value).every((member) => depthWithin(member, bound - 1));
}

/**
 * RFC 9396 details: a non-empty JSON array of objects, each with a string `type`, within size and
 * depth bounds. Exactly one `urn:altinn:systemuser` entry is required (the platform reads every token
 * with authorization_details as a system user), and it is checked strictly. Entries of other types
 * are copied unchanged alongside it.
 */
export function readAuthorizationDetails(value: unknown): { all: AuthorizationDetail[]; systemUser: SystemUserAuthorization } {
  const limits = AUTHORIZATION_DETAILS_LIMITS;
  if (!Array.isArray(value) || value.length === 0) throw invalidDetails('must be a non-empty array of objects');
  if (value.length > limits.maxEntries) throw invalidDetails(`at most ${limits.maxEntries} entries`);
  if (!depthWithin(value, limits.maxDepth)) throw invalidDetails(`nested at most ${limits.maxDepth} levels deep`);
  if (JSON.stringify(value).length > limits.maxJsonLength) throw invalidDetails(`at most ${limits.maxJsonLength} characters of JSON`);
  for (const entry of value as unknown[]) {
    if (!isObject(entry)) throw invalidDetails('every entry must be an object');
    if (typeof entry.type !== 'string' || entry.type.length === 0 || entry.type.length > limits.maxTypeLength) {
      throw invalidDetails('every entry must have a type');
    }
  }
  const entries = value as AuthorizationDetail[];
  const systemUsers = entries.filter((entry) => entry.type === SYSTEM_USER_TYPE);
  if (systemUsers.length === 0) {
    throw new InvalidTokenError(
      `authorization_details without a ${SYSTEM_USER_TYPE} entry are not accepted`,
      'unsupported_authorization_details',
    );
  }
  if (systemUsers.length > 1) throw invalidDetails(`only one ${SYSTEM_USER_TYPE} entry is accepted`);
  return { all: entries, systemUser: checkSystemUser(systemUsers[0]) };
}

function checkSystemUser(entry: AuthorizationDetail): SystemUserAuthorization {
  const limits = AUTHORIZATION_DETAILS_LIMITS;
  const ids = entry.systemuser_id;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > limits.maxSystemUserIds || !ids.every(isUuid)) {
    throw invalidDetails(`systemuser_id must be a list of 1 to ${limits.maxSystemUserIds} UUIDs`);
  }
  const org = entry.systemuser_org;
  const orgNumber = isObject(org) && org.authority === ISO6523_AUTHORITY ? orgNumberOfIso6523Id(org.ID) : undefined;
  if (!orgNumber || !isValidOrgNumber(orgNumber)) {
    throw invalidDetails(`systemuser_org must have authority ${ISO6523_AUTHORITY} and ID 0192: followed by a valid organisation number`);
  }
  const systemId = entry.system_id;
  if (typeof systemId !== 'string' || systemId.length > limits.maxSystemIdLength || !SYSTEM_ID.test(systemId)) {
    throw invalidDetails(`system_id must be a non-empty string of at most ${limits.maxSystemIdLength} printable characters`);
  }
  return entry as SystemUserAuthorization;
}

/** True when the org claim may be issued: no scope is required, or one of the token's scopes starts with it. */
export function scopeAllowsOrgClaim(scope: string, requiredScope: string | undefined): boolean {
  if (!requiredScope) return true;
  return scope.split(/\s+/).some((s) => s.startsWith(requiredScope));
}

/**
 * The claims of our token (the signer adds iss/iat/nbf/exp/jti): the seed's output, the URN forms
 * the platform's newer APIs read, and `supplier` and `authorization_details` when the token had them.
 * orgNumber and org are always the consumer's. Nothing else of the input is copied.
 */
export function platformClaims(input: MaskinportenClaims, orgCode: string | undefined): OrganisationTokenClaims {
  const claims: OrganisationTokenClaims = {
    scope: input.scope,
    token_type: input.tokenType,
    client_id: input.clientId,
    client_orgno: input.clientOrgNo,
    consumer: input.consumer,
    supplier: input.supplier,
    authorization_details: input.authorizationDetails,
    org: orgCode,
    orgNumber: Number(input.orgNumber),
    AuthenticateMethod: AUTHENTICATE_METHOD,
    AuthenticationLevel: AUTHENTICATION_LEVEL,
    'urn:altinn:org': orgCode,
    'urn:altinn:orgNumber': input.orgNumber,
    'urn:altinn:authenticatemethod': AUTHENTICATE_METHOD,
    'urn:altinn:authlevel': AUTHENTICATION_LEVEL,
  };
  for (const name of Object.keys(claims) as (keyof OrganisationTokenClaims)[]) if (claims[name] === undefined) delete claims[name];
  return claims;
}
