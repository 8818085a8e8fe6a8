import { S256_CHALLENGE, SCOPE_TOKEN, singleParam } from './oauth';

/**
 * The checks of an OpenID Connect authorization request (GET /authorize) that our OpenID Provider
 * (login/) and test ID-porten (test-idp/code-flow/) make alike: RFC 6749 §4.1 with the RFC 9700
 * profile (PKCE S256, exact redirect URIs, `state`, `nonce`) and OpenID Connect Core §3.1.2. What
 * differs, the client registry and the optional parameters each supports, comes in as an
 * {@link AuthorizationEndpointProfile}.
 */

/** A request we cannot send back to its client (unknown client, wrong redirect_uri): an error page, never a redirect. */
export class AuthorizationPageError extends Error {
  override readonly name = 'AuthorizationPageError';
}

/**
 * The `error` codes our authorization endpoints send back: RFC 6749 §4.1.2.1, and OpenID Connect
 * Core §3.1.2.6's login_required, request_not_supported and request_uri_not_supported.
 */
export type AuthorizationErrorCode =
  | 'invalid_request'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'login_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'temporarily_unavailable';

/** A refusal sent back to the client's redirect_uri with `error`, `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207). */
export class AuthorizationRedirectError extends Error {
  override readonly name = 'AuthorizationRedirectError';

  constructor(
    readonly redirectUri: string,
    readonly error: AuthorizationErrorCode,
    readonly description: string,
    readonly state: string | undefined,
  ) {
    super(description);
  }
}

/** What the checks need of a registered client. */
export interface RegisteredClient {
  readonly redirectUris: readonly string[];
}

/** What one authorization endpoint has of its own: where its clients are, and which optional parameters it reads. */
export interface AuthorizationEndpointProfile<C extends RegisteredClient> {
  /** The registered client of a client_id, if any. */
  findClient(clientId: string): Promise<C | null | undefined>;
  /** The page's sentence for a client_id nobody registered. */
  unknownClient: string;
  /** The `acr_values` it knows; others are ignored, as OpenID Connect Core §3.1.2.1 makes acr_values a voluntary request. */
  acrValues: readonly string[];
  /** Whether it reads `prompt` (login or none), `max_age` and `ui_locales`; one that does not ignores them (OpenID Connect Core §3.1.2.1). */
  prompt: boolean;
  maxAge: boolean;
  uiLocales: boolean;
}

/** A checked authorization request. */
export interface CheckedAuthorizationRequest<C extends RegisteredClient> {
  client: C;
  redirectUri: string;
  /** The requested scope, each value once. */
  scope: string;
  state?: string;
  nonce?: string;
  codeChallenge: string;
  prompt?: 'login' | 'none';
  maxAge?: number;
  /** The values of `acr_values` the profile knows, in the client's order. */
  acrValues: string[];
  uiLocales?: string;
}

const MAX_STATE_LENGTH = 1024;
const MAX_NONCE_LENGTH = 512;
const MAX_SCOPE_LENGTH = 1024;
/**
 * RFC 6749 Appendix A.5 (state is VSCHAR); nonce likewise. A control character would not survive a
 * login form's hidden field either: browsers send a line break back as CR LF.
 */
const PRINTABLE = /^[\x20-\x7E]*$/;
const MAX_AGE = /^\d{1,9}$/;
const UI_LOCALES = /^[A-Za-z-]{2,16}( [A-Za-z-]{2,16}){0,7}$/;

/** The single-valued parameters after `state`, in the order they are read. */
const FIELDS = [
  'response_type',
  'response_mode',
  'scope',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'max_age',
  'acr_values',
  'ui_locales',
  'request',
  'request_uri',
] as const;
type Field = (typeof FIELDS)[number];

/**
 * Checks an authorization request: the client and its exact redirect_uri first (else an
 * {@link AuthorizationPageError}), then everything else (else an {@link AuthorizationRedirectError}).
 * `response_type` is code, `scope` holds openid, PKCE S256 is required of every client, and request
 * objects are refused, since neither endpoint reads them (OpenID Connect Core §6.1 would have the
 * request object's parameters win over the query).
 */
export async function checkAuthorizationRequest<C extends RegisteredClient>(
  params: Record<string, unknown>,
  profile: AuthorizationEndpointProfile<C>,
): Promise<CheckedAuthorizationRequest<C>> {
  let clientId: string | undefined;
  let redirectUri: string | undefined;
  try {
    clientId = singleParam(params, 'client_id');
    redirectUri = singleParam(params, 'redirect_uri');
  } catch {
    throw new AuthorizationPageError('client_id and redirect_uri must be given once each.');
  }
  const client = clientId === undefined ? undefined : await profile.findClient(clientId);
  if (!client) throw new AuthorizationPageError(profile.unknownClient);
  if (redirectUri === undefined) throw new AuthorizationPageError('The redirect_uri is missing.');
  if (!client.redirectUris.includes(redirectUri)) throw new AuthorizationPageError('The redirect_uri is not one this client registered.');

  let state: string | undefined;
  try {
    state = singleParam(params, 'state');
  } catch {
    throw new AuthorizationRedirectError(redirectUri, 'invalid_request', 'state must be given once', undefined);
  }
  if (state !== undefined && (state.length > MAX_STATE_LENGTH || !PRINTABLE.test(state)))
    throw new AuthorizationRedirectError(
      redirectUri,
      'invalid_request',
      `state must be at most ${MAX_STATE_LENGTH} printable characters`,
      undefined,
    );
  const refuse = (error: AuthorizationErrorCode, description: string) =>
    new AuthorizationRedirectError(redirectUri, error, description, state);

  const supported: Partial<Record<Field, boolean>> = { prompt: profile.prompt, max_age: profile.maxAge, ui_locales: profile.uiLocales };
  const fields: Partial<Record<Field, string>> = {};
  for (const name of FIELDS) {
    if (supported[name] === false) continue;
    try {
      fields[name] = singleParam(params, name);
    } catch {
      throw refuse('invalid_request', `${name} must be given once`);
    }
  }

  if (fields.response_type !== 'code') throw refuse('unsupported_response_type', 'response_type must be code');
  if (fields.response_mode !== undefined && fields.response_mode !== 'query')
    throw refuse('invalid_request', 'response_mode must be query');
  // OpenID Connect Core §3.1.2.6 names the refusal of each: neither endpoint reads request objects.
  if (fields.request !== undefined) throw refuse('request_not_supported', 'request objects are not supported');
  if (fields.request_uri !== undefined) throw refuse('request_uri_not_supported', 'request objects are not supported');

  const scope = fields.scope ?? '';
  const scopes = scope.split(' ').filter(Boolean);
  if (!scopes.includes('openid')) throw refuse('invalid_scope', 'scope must include openid');
  if (scope.length > MAX_SCOPE_LENGTH || !scopes.every((s) => SCOPE_TOKEN.test(s))) throw refuse('invalid_scope', 'scope is malformed');

  const codeChallenge = fields.code_challenge;
  if (codeChallenge === undefined) throw refuse('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256');
  if (fields.code_challenge_method !== 'S256') throw refuse('invalid_request', 'code_challenge_method must be S256');
  if (!S256_CHALLENGE.test(codeChallenge))
    throw refuse('invalid_request', 'code_challenge must be the base64url SHA-256 of the code_verifier');

  const nonce = fields.nonce;
  if (nonce !== undefined && (nonce.length > MAX_NONCE_LENGTH || !PRINTABLE.test(nonce)))
    throw refuse('invalid_request', `nonce must be at most ${MAX_NONCE_LENGTH} printable characters`);

  const prompts = (fields.prompt ?? '').split(' ').filter(Boolean);
  if (prompts.length > 1 || !prompts.every((p): p is 'login' | 'none' => p === 'login' || p === 'none'))
    throw refuse('invalid_request', 'prompt must be login or none');

  let maxAge: number | undefined;
  if (fields.max_age !== undefined) {
    if (!MAX_AGE.test(fields.max_age)) throw refuse('invalid_request', 'max_age must be a number of seconds');
    maxAge = Number(fields.max_age);
  }

  if (fields.ui_locales !== undefined && !UI_LOCALES.test(fields.ui_locales))
    throw refuse('invalid_request', 'ui_locales must be a list of language tags');

  return {
    client,
    redirectUri,
    scope: [...new Set(scopes)].join(' '),
    state,
    nonce,
    codeChallenge,
    prompt: prompts[0],
    maxAge,
    acrValues: (fields.acr_values ?? '').split(' ').filter((v) => profile.acrValues.includes(v)),
    uiLocales: fields.ui_locales,
  };
}

/** The client's redirect_uri with these parameters and the issuer (RFC 9207). */
export function authorizationResponseUrl(redirectUri: string, params: Record<string, string | undefined>, issuer: string): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries({ ...params, iss: issuer })) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.href;
}

/** RFC 6749 §4.1.2.1: the refusal on the client's redirect_uri, with its state and the issuer. */
export function errorResponseUrl(refusal: AuthorizationRedirectError, issuer: string): string {
  return authorizationResponseUrl(
    refusal.redirectUri,
    { error: refusal.error, error_description: refusal.description, state: refusal.state },
    issuer,
  );
}
