/** A grant served by POST /token besides RFC 8693: the form's fields and the Authorization header in, the JSON answer out. */
export interface TokenGrant {
  readonly grantType: string;
  redeem(form: Record<string, unknown>, authorization: string | undefined): Promise<Record<string, unknown>>;
}

/**
 * The injection token of POST /token's other grants (the login's authorization_code and
 * refresh_token). The composition root provides the list (src/token-grants.module.ts), so that the
 * token endpoint imports no grant and an application that forgot the list does not start.
 */
export const TOKEN_GRANTS = Symbol('TOKEN_GRANTS');
