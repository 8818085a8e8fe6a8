/** When the chain of refreshes began: the first exchange. Absent on a token straight from an exchange. */
export const EXCHANGED_AT = 'urn:altinn:exchanged_at';

/**
 * The latest time a chain of refreshes may reach, when the token's life follows an upstream token
 * (IDPORTEN_TOKEN_LIFETIME=upstream): the upstream token's `exp`. Carried unchanged by every refresh.
 */
export const REFRESH_UNTIL = 'urn:altinn:refresh_until';
