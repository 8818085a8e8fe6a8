/**
 * The one error model: every error the service answers a client with is a DomainError. It carries
 * its HTTP status, its RFC 6749 code (what a token endpoint answers), and a machine-readable reason
 * (what audit, metrics and logs record). The problem-details filter renders it as RFC 9457
 * problem+json, or as RFC 6749 JSON on a token endpoint. `detail` is written for the client: it
 * must never contain a token, a pid, SQL or a stack.
 */

/** RFC 6749 §5.2 (and RFC 8693 §2.2.2, RFC 9396 §5) error codes a token endpoint answers with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'invalid_target'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_authorization_details'
  | 'temporarily_unavailable'
  | 'server_error';

/** The media type of an RFC 9457 problem. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface DomainErrorOptions {
  /** Machine-readable reason for audit, metrics and logs (`expired`, `database_unavailable`); the kind when absent. */
  reason?: string;
  /** The error this one stands for (a driver error, a failed fetch): logged with the correlation id, never shown. */
  cause?: unknown;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  /** Short slug, rendered as the problem `type` URN. */
  abstract readonly kind: string;
  abstract readonly title: string;
  readonly headers: Record<string, string> = {};
  readonly extensions: Record<string, unknown> = {};
  private readonly givenReason?: string;

  constructor(
    readonly detail: string,
    options: DomainErrorOptions = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.givenReason = options.reason;
  }

  /** Why, in one machine-readable word: what the audit row, the refusal metric and the log say. */
  get reason(): string {
    return this.givenReason ?? this.kind;
  }

  /** What a token endpoint answers (RFC 6749 §5.2): the client's mistake, or ours. */
  get code(): OAuthErrorCode {
    return this.status >= 500 ? 'server_error' : 'invalid_request';
  }
}

/**
 * An error only a token endpoint raises, named by its RFC 6749 code: answered as
 * `{"error", "error_description"}` (400 unless said otherwise; 401 for a client that failed to
 * authenticate, with its challenge in `headers`). The code is also the reason audit and metrics record.
 */
export class OAuthError extends DomainError {
  readonly kind = 'oauth-error';
  readonly title = 'OAuth error';

  constructor(
    private readonly oauthCode: Exclude<OAuthErrorCode, 'temporarily_unavailable' | 'server_error'>,
    description: string,
    readonly status: 400 | 401 = 400,
    headers: Record<string, string> = {},
  ) {
    super(description, { reason: oauthCode });
    Object.assign(this.headers, headers);
  }

  override get code(): OAuthErrorCode {
    return this.oauthCode;
  }
}

/** The Authorization header is missing or malformed (RFC 6750 invalid_request). */
export class InvalidRequestError extends DomainError {
  readonly status = 401;
  readonly kind = 'invalid-request';
  readonly title = 'Invalid request';
  constructor(detail: string, reason = 'invalid_request') {
    super(detail, { reason });
    this.headers['WWW-Authenticate'] = bearerChallenge('invalid_request', detail);
  }
}

/**
 * More than one `Authorization` header: which one counts would be a guess, so none does
 * (RFC 6750 invalid_request, 400).
 */
export class AmbiguousAuthorizationError extends DomainError {
  readonly status = 400;
  readonly kind = 'invalid-request';
  readonly title = 'Invalid request';
  constructor() {
    super('send exactly one Authorization header', { reason: 'multiple_authorization_headers' });
    this.headers['WWW-Authenticate'] = bearerChallenge('invalid_request', this.detail);
  }
}

/** The bearer token was read but is not acceptable (RFC 6750 invalid_token). */
export class InvalidTokenError extends DomainError {
  readonly status = 401;
  readonly kind = 'invalid-token';
  readonly title = 'Invalid token';
  /** `reason` is machine-readable, for audit and metrics: `expired`, `bad_signature`. */
  constructor(detail: string, reason: string, cause?: unknown) {
    super(detail, { reason, cause });
    this.headers['WWW-Authenticate'] = bearerChallenge('invalid_token', detail);
  }

  /** At a token endpoint the refused token is the grant (RFC 8693 §2.2.2). */
  override get code(): OAuthErrorCode {
    return 'invalid_grant';
  }
}

/** A valid token that lacks a scope the endpoint requires (RFC 6750 insufficient_scope). */
export class InsufficientScopeError extends DomainError {
  readonly status = 403;
  readonly kind = 'insufficient-scope';
  readonly title = 'Insufficient scope';
  constructor(readonly requiredScope: string) {
    super(`the token's scope must include ${requiredScope}`, { reason: 'insufficient_scope' });
    this.headers['WWW-Authenticate'] = `${bearerChallenge('insufficient_scope', this.detail)}, scope="${requiredScope}"`;
  }

  override get code(): OAuthErrorCode {
    return 'invalid_grant';
  }
}

/** A valid token none of whose scopes starts with an accepted prefix (the ID-porten scope policy). */
export class ScopeNotAcceptedError extends DomainError {
  readonly status = 403;
  readonly kind = 'insufficient-scope';
  readonly title = 'Insufficient scope';
  constructor(readonly prefixes: readonly string[]) {
    super(`the token's scope must include a scope starting with ${prefixes.join(' or ')}`, { reason: 'scope_not_accepted' });
    this.headers['WWW-Authenticate'] = bearerChallenge('insufficient_scope', this.detail);
  }
}

export class UnknownProviderError extends DomainError {
  readonly status = 400;
  readonly kind = 'unknown-provider';
  readonly title = 'Unknown identity provider';
  constructor(supported: readonly string[]) {
    super(`supported providers are ${supported.join(', ')}`);
  }
}

/**
 * A requested audience (`audience`, `resource`, `?audience=`) that our tokens may not be bound to:
 * not in TOKEN_AUDIENCES, or none may be requested (RFC 8693 invalid_target).
 */
export class InvalidTargetError extends DomainError {
  readonly status = 400;
  readonly kind = 'invalid-target';
  readonly title = 'Invalid target';
  constructor(detail: string) {
    super(detail, { reason: 'invalid_target' });
  }

  override get code(): OAuthErrorCode {
    return 'invalid_target';
  }
}

/** A dependency (database, upstream issuer) is away; the client may retry. */
export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
  readonly kind = 'service-unavailable';
  readonly title = 'Service unavailable';
  constructor(detail: string, reason: string, retryAfterSeconds = 5, cause?: unknown) {
    super(detail, { reason, cause });
    this.headers['Retry-After'] = String(retryAfterSeconds);
  }

  override get code(): OAuthErrorCode {
    return 'temporarily_unavailable';
  }
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly kind = 'not-found';
  readonly title = 'Not found';
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly kind = 'conflict';
  readonly title = 'Conflict';
}

export class BadRequestError extends DomainError {
  readonly status = 400;
  readonly kind = 'bad-request';
  readonly title = 'Bad request';
}

/** Quotes and backslashes would break the header's quoted-string. */
function bearerChallenge(error: string, description: string): string {
  const safe = description.replace(/["\\\r\n]/g, "'");
  return `Bearer error="${error}", error_description="${safe}"`;
}
