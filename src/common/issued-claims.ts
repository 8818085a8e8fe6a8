import type { Iso6523Organisation } from './organisation-number';

/**
 * The one description of the tokens we issue: their claims as TypeScript types (the exchanges build
 * them through these types), every claim's JSON type and meaning (discovery's `claims_supported`,
 * the OpenAPI examples and the tests read it), and one example per shape.
 */

export const SYSTEM_USER_TYPE = 'urn:altinn:systemuser';
/** When the chain of refreshes began: the first exchange. Absent on a token straight from an exchange. */
export const EXCHANGED_AT = 'urn:altinn:exchanged_at';
/**
 * The latest time a chain of refreshes may reach, when the token's life follows an upstream token
 * (IDPORTEN_TOKEN_LIFETIME=upstream): the upstream token's `exp`. Carried unchanged by every refresh.
 */
export const REFRESH_UNTIL = 'urn:altinn:refresh_until';

/** An RFC 9396 authorization detail of Maskinporten's system-user type, as Maskinporten issues it. */
export interface SystemUserAuthorization {
  type: typeof SYSTEM_USER_TYPE;
  systemuser_id: string[];
  systemuser_org: Iso6523Organisation;
  system_id: string;
  [member: string]: unknown;
}

/** Any RFC 9396 authorization detail: a JSON object with a `type`. Copied unchanged. */
export interface AuthorizationDetail {
  type: string;
  [member: string]: unknown;
}

/** Added by the signer (and, on refresh, the start of the chain) to every token. */
export interface RegisteredClaims {
  iss: string;
  /** Only when the caller asked for an audience in TOKEN_AUDIENCES. */
  aud?: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  /** Only on refreshed tokens: when the chain began. */
  [EXCHANGED_AT]?: number;
  /** Only when the lifetime follows the upstream token: how far refreshes may go. */
  [REFRESH_UNTIL]?: number;
}

/** A Maskinporten exchange: an organisation, a system user (authorization_details), or a supplier acting for the consumer. */
export interface OrganisationTokenClaims {
  scope: string;
  token_type?: string;
  client_id?: string;
  client_orgno?: string;
  consumer: Iso6523Organisation;
  supplier?: Iso6523Organisation;
  authorization_details?: AuthorizationDetail[];
  org?: string;
  orgNumber: number;
  AuthenticateMethod: 'maskinporten';
  AuthenticationLevel: 3;
  'urn:altinn:org'?: string;
  'urn:altinn:orgNumber': string;
  'urn:altinn:authenticatemethod': 'maskinporten';
  'urn:altinn:authlevel': 3;
}

/** An ID-porten exchange: a person with user and party. */
export interface PersonTokenClaims {
  nameid: string;
  'urn:altinn:userid': string;
  'urn:altinn:username': string;
  'urn:altinn:partyid': number;
  'urn:altinn:party:uuid': string;
  'urn:altinn:authenticatemethod'?: string;
  'urn:altinn:authlevel': number;
  amr?: string;
  pid: string;
  locale?: string;
  nonce?: string;
  sid: string;
  acr: string;
  auth_time?: number;
}

export type IssuedClaimName = keyof RegisteredClaims | keyof OrganisationTokenClaims | keyof PersonTokenClaims;
export type IssuedToken<T> = T & RegisteredClaims;

export interface ClaimDescription {
  /** The JSON type of the value. */
  type: 'string' | 'integer' | 'object' | 'array';
  /** Which exchanges put it in (refresh copies whatever the token had). */
  issuedBy: readonly ('maskinporten' | 'idporten' | 'all')[];
  description: string;
}

const mp = ['maskinporten'] as const;
const idp = ['idporten'] as const;
const both = ['maskinporten', 'idporten'] as const;
const all = ['all'] as const;

/** Every claim we issue. The compiler keeps this list and the types above in step. */
export const ISSUED_CLAIMS = {
  iss: { type: 'string', issuedBy: all, description: 'Our issuer (ISSUER_URL).' },
  aud: {
    type: 'string',
    issuedBy: all,
    description: 'Only when an audience in TOKEN_AUDIENCES was asked for: the API the token is bound to.',
  },
  iat: { type: 'integer', issuedBy: all, description: 'Issued at, seconds.' },
  nbf: { type: 'integer', issuedBy: all, description: 'Not before; equals iat.' },
  exp: { type: 'integer', issuedBy: all, description: 'Expiry, seconds.' },
  jti: { type: 'string', issuedBy: all, description: 'A new token id, 256 random bits.' },
  [EXCHANGED_AT]: {
    type: 'integer',
    issuedBy: all,
    description: 'On refreshed tokens only: when the first exchange of the chain happened.',
  },
  [REFRESH_UNTIL]: {
    type: 'integer',
    issuedBy: idp,
    description: 'With IDPORTEN_TOKEN_LIFETIME=upstream: the ID-porten token expiry, beyond which no refresh goes.',
  },
  scope: { type: 'string', issuedBy: mp, description: 'The Maskinporten scope, copied.' },
  token_type: { type: 'string', issuedBy: mp, description: 'Copied.' },
  client_id: { type: 'string', issuedBy: mp, description: 'The Maskinporten client, copied.' },
  client_orgno: { type: 'string', issuedBy: mp, description: 'Copied (deprecated by Maskinporten in favour of consumer).' },
  consumer: {
    type: 'object',
    issuedBy: mp,
    description: 'The organisation the token acts for (ISO 6523), authority and ID only. For a system user: the vendor.',
  },
  supplier: {
    type: 'object',
    issuedBy: mp,
    description: 'Supplier delegation: the organisation acting for the consumer (ISO 6523), authority and ID only.',
  },
  authorization_details: {
    type: 'array',
    issuedBy: mp,
    description: 'RFC 9396 details, copied unchanged; a urn:altinn:systemuser entry names the system user.',
  },
  org: { type: 'string', issuedBy: mp, description: "The consumer's organisation code, when registered and the scope allows it." },
  orgNumber: { type: 'integer', issuedBy: mp, description: "The consumer's organisation number." },
  AuthenticateMethod: { type: 'string', issuedBy: mp, description: 'maskinporten.' },
  AuthenticationLevel: { type: 'integer', issuedBy: mp, description: '3.' },
  'urn:altinn:org': { type: 'string', issuedBy: mp, description: 'As org.' },
  'urn:altinn:orgNumber': { type: 'string', issuedBy: mp, description: "The consumer's organisation number." },
  'urn:altinn:authenticatemethod': {
    type: 'string',
    issuedBy: both,
    description: 'maskinporten, or the first amr of the ID-porten token.',
  },
  'urn:altinn:authlevel': { type: 'integer', issuedBy: both, description: '3 for Maskinporten; from acr for ID-porten (0, 3 or 4).' },
  nameid: { type: 'string', issuedBy: idp, description: 'The user id.' },
  'urn:altinn:userid': { type: 'string', issuedBy: idp, description: 'The user id (digits).' },
  'urn:altinn:username': { type: 'string', issuedBy: idp, description: 'The user name (may be empty).' },
  'urn:altinn:partyid': { type: 'integer', issuedBy: idp, description: "The person's party id." },
  'urn:altinn:party:uuid': { type: 'string', issuedBy: idp, description: "The person's party UUID." },
  amr: { type: 'string', issuedBy: idp, description: 'The first amr of the ID-porten token.' },
  pid: { type: 'string', issuedBy: idp, description: "The person's national identity number, copied." },
  locale: { type: 'string', issuedBy: idp, description: 'Copied.' },
  nonce: { type: 'string', issuedBy: idp, description: 'Copied.' },
  sid: { type: 'string', issuedBy: idp, description: 'A new session id.' },
  acr: { type: 'string', issuedBy: idp, description: 'Copied.' },
  auth_time: { type: 'integer', issuedBy: idp, description: 'Copied.' },
} as const satisfies Record<IssuedClaimName, ClaimDescription>;

/** For discovery's `claims_supported`. */
export const ISSUED_CLAIM_NAMES = Object.keys(ISSUED_CLAIMS) as IssuedClaimName[];

const EXAMPLE_TIMES = { exp: 1571996946, iat: 1571995146, nbf: 1571995146 };
const URN_MASKINPORTEN = {
  AuthenticateMethod: 'maskinporten',
  AuthenticationLevel: 3,
  'urn:altinn:authenticatemethod': 'maskinporten',
  'urn:altinn:authlevel': 3,
} as const;

/** One example per shape we issue, for the API documentation. The first is the seed's output with our URN claims. */
export const ISSUED_TOKEN_EXAMPLES = {
  organisation: {
    summary: "An organisation (the seed's example)",
    value: {
      scope: 'altinn:instances.read altinn:instances.write',
      token_type: 'Bearer',
      ...EXAMPLE_TIMES,
      client_id: '0de19f7a-f5fa-45d1-874c-3d2e88ce97d9',
      client_orgno: '974760673',
      jti: 'BcNIAuZKXdjpECmmwalAm-pcBp0iNc56T6eXhlxNBZE',
      consumer: { authority: 'iso6523-actorid-upis', ID: '0192:974760673' },
      org: 'brg',
      orgNumber: 974760673,
      iss: 'https://platform.altinn.cloud/',
      ...URN_MASKINPORTEN,
      'urn:altinn:org': 'brg',
      'urn:altinn:orgNumber': '974760673',
    } satisfies IssuedToken<OrganisationTokenClaims>,
  },
  systemUser: {
    summary: "A system user: a vendor's system acting for a customer organisation",
    value: {
      scope: 'altinn:instances.read',
      token_type: 'Bearer',
      ...EXAMPLE_TIMES,
      client_id: '7c1d9a5e-2f7b-4b8e-9d1e-0a6f2c3b4d5e',
      client_orgno: '991825827',
      jti: 'q0TkJ4QwZ0bLzR6E1mYc8xW3vN5uP2sA7dF9gH1jK3l',
      consumer: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' },
      authorization_details: [
        {
          type: SYSTEM_USER_TYPE,
          systemuser_id: ['a6355a68-86b8-4344-8a81-0248cb461468'],
          systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:974760673' },
          system_id: '991825827_smartcloud',
        },
      ],
      orgNumber: 991825827,
      iss: 'https://platform.altinn.cloud/',
      ...URN_MASKINPORTEN,
      'urn:altinn:orgNumber': '991825827',
    } satisfies IssuedToken<OrganisationTokenClaims>,
  },
  supplier: {
    summary: 'A supplier acting for the consumer organisation (delegation)',
    value: {
      scope: 'altinn:instances.read',
      token_type: 'Bearer',
      ...EXAMPLE_TIMES,
      client_id: '5b8e2c1d-7a3f-4e9b-8c6d-1f2a3b4c5d6e',
      client_orgno: '974760673',
      jti: 'Zx8cV7bN6mL5kJ4hG3fD2sA1qW9eR8tY7uI6oP5aS4d',
      consumer: { authority: 'iso6523-actorid-upis', ID: '0192:974760673' },
      supplier: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' },
      org: 'brg',
      orgNumber: 974760673,
      iss: 'https://platform.altinn.cloud/',
      ...URN_MASKINPORTEN,
      'urn:altinn:org': 'brg',
      'urn:altinn:orgNumber': '974760673',
    } satisfies IssuedToken<OrganisationTokenClaims>,
  },
  refreshed: {
    summary: 'A refreshed token: the same claims, new times and jti, and when the chain began',
    value: {
      scope: 'altinn:instances.read altinn:instances.write',
      token_type: 'Bearer',
      exp: 1571998746,
      iat: 1571996946,
      nbf: 1571996946,
      client_id: '0de19f7a-f5fa-45d1-874c-3d2e88ce97d9',
      client_orgno: '974760673',
      jti: 'V1cR9tXk2Lm7Qp4Zs8Ny3Hb6Fd0Ga5Jw1Ke2Uo9Ti3E',
      consumer: { authority: 'iso6523-actorid-upis', ID: '0192:974760673' },
      org: 'brg',
      orgNumber: 974760673,
      iss: 'https://platform.altinn.cloud/',
      ...URN_MASKINPORTEN,
      'urn:altinn:org': 'brg',
      'urn:altinn:orgNumber': '974760673',
      [EXCHANGED_AT]: 1571995146,
    } satisfies IssuedToken<OrganisationTokenClaims>,
  },
  person: {
    summary: "A person (the seed's example)",
    value: {
      nameid: '20000011',
      'urn:altinn:userid': '20000011',
      'urn:altinn:username': '',
      'urn:altinn:partyid': 50002119,
      'urn:altinn:party:uuid': '8b2a6cf1-1d6e-4d4b-9f59-2c0a3c6f1a01',
      'urn:altinn:authenticatemethod': 'Minid-PIN',
      'urn:altinn:authlevel': 3,
      amr: 'Minid-PIN',
      pid: '191080XXXXX',
      locale: 'nb',
      nonce: '1585045781364132',
      sid: 'BYSqEpVGRrh6rElmnzzTjcU0roC95rxNCC2kAsB2hmY',
      acr: 'Level3',
      auth_time: 1585045793,
      iss: 'https://platform.altinn.cloud/',
      jti: 'm3N4b5V6c7X8z9L0k1J2h3G4f5D6s7A8p9O0i1U2y3T',
      exp: 1585047785,
      iat: 1585045985,
      nbf: 1585045985,
    } satisfies IssuedToken<PersonTokenClaims>,
  },
} as const;
