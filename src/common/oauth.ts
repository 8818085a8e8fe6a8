/** OAuth 2.0 names the standard endpoints and the discovery document share (RFC 8693, RFC 8414). */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

export const TokenTypeUri = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;

/** What a subject token may be declared as, and what may be requested: both describe our JWT access tokens. */
export const EXCHANGEABLE_TOKEN_TYPES: readonly string[] = [TokenTypeUri.accessToken, TokenTypeUri.jwt];

/** The grant types POST /token serves; discovery's grant_types_supported. */
export const GRANT_TYPES = [TOKEN_EXCHANGE_GRANT_TYPE] as const;

/** The token endpoint takes no client authentication: the subject token is the credential (RFC 7591 `none`). */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['none'] as const;

/** Introspection callers present a Bearer secret (RFC 8414 allows an access token type here: `Bearer`). */
export const INTROSPECTION_AUTH_METHODS = ['Bearer'] as const;

/** The OpenID Provider's grants (login/), served by POST /token beside RFC 8693 when login is on. */
export const AUTHORIZATION_CODE_GRANT_TYPE = 'authorization_code';
export const REFRESH_TOKEN_GRANT_TYPE = 'refresh_token';

/** How the OpenID Provider's clients authenticate at POST /token; `none` is a public client, bound by PKCE. */
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;

/** The levels a client may ask for in `acr_values`, weakest first (ID-porten's names). */
export const LOGIN_ACR_VALUES = ['idporten-loa-substantial', 'idporten-loa-high'] as const;

/** What our ID tokens and userinfo say about a person (discovery's claims_supported adds them). */
export const ID_TOKEN_CLAIMS = [
  'sub',
  'aud',
  'nonce',
  'acr',
  'amr',
  'auth_time',
  'sid',
  'at_hash',
  'urn:altinn:userid',
  'urn:altinn:partyid',
  'locale',
] as const;

/** RFC 7636 §4.2: an S256 code_challenge, the verifier's SHA-256 (32 bytes) in base64url. */
export const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
export const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
/** RFC 6749 §3.3 scope-token. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** One value of a query or form field, undefined when absent or empty; a repeated field throws a TypeError. */
export function singleParam(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new TypeError(name);
  return value;
}
