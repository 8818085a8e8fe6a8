/** An RFC 6749 token endpoint error: answered as `{"error", "error_description"}`, 400 unless said otherwise. */
export class OAuthError extends Error {
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'invalid_scope'
      | 'unauthorized_client'
      | 'unsupported_grant_type'
      | 'invalid_authorization_details',
    readonly description: string,
    /** 401 for a client that failed to authenticate (RFC 6749 §5.2). */
    readonly status: 400 | 401 = 400,
  ) {
    super(description);
  }
}
