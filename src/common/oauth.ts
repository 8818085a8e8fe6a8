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
