import { LOGIN_ACR_VALUES as ACR_VALUES, S256_CHALLENGE, SCOPE_TOKEN, singleParam } from '../common/oauth';
import type { OidcClient } from './oidc-client.repository';

export const DEFAULT_ACR = ACR_VALUES[0];

/** A client's checked authorization request, kept in the login transaction while ID-porten runs. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state?: string;
  nonce?: string;
  codeChallenge: string;
  prompt?: 'login' | 'none';
  maxAge?: number;
  /** The level the login must have: the strongest of `acr_values` we know, else substantial. */
  acr: string;
  uiLocales?: string;
}

/** A request we cannot send back to its client (unknown client, wrong redirect_uri): an error page, never a redirect. */
export class AuthorizationPageError extends Error {}

export type AuthorizationErrorCode =
  | 'invalid_request'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'login_required'
  | 'server_error'
  | 'temporarily_unavailable';

/** A refusal sent back to the client's redirect_uri with `error`, `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207). */
export class AuthorizationRedirectError extends Error {
  constructor(
    readonly redirectUri: string,
    readonly error: AuthorizationErrorCode,
    readonly description: string,
    readonly state: string | undefined,
  ) {
    super(description);
  }
}

const PRINTABLE = /^[\x20-\x7E]*$/;

/**
 * Checks an authorization request: the client and its exact redirect_uri first (else an error
 * page), then everything else (else a redirect with the error). PKCE S256 is required of every
 * client, `scope` must hold openid, `response_type` is code.
 */
export function readAuthorizationRequest(params: Record<string, unknown>, client: OidcClient | undefined): AuthorizationRequest {
  let redirectUri: string | undefined;
  try {
    singleParam(params, 'client_id');
    redirectUri = singleParam(params, 'redirect_uri');
  } catch {
    throw new AuthorizationPageError('client_id and redirect_uri must be given once each.');
  }
  if (!client) throw new AuthorizationPageError('The client_id is not a registered client.');
  if (redirectUri === undefined) throw new AuthorizationPageError('The redirect_uri is missing.');
  if (!client.redirectUris.includes(redirectUri)) throw new AuthorizationPageError('The redirect_uri is not one this client registered.');

  let state: string | undefined;
  try {
    state = singleParam(params, 'state');
  } catch {
    throw new AuthorizationRedirectError(redirectUri, 'invalid_request', 'state must be given once', undefined);
  }
  if (state !== undefined && (state.length > 1024 || !PRINTABLE.test(state)))
    throw new AuthorizationRedirectError(redirectUri, 'invalid_request', 'state must be at most 1024 printable characters', undefined);
  const refuse = (error: AuthorizationErrorCode, description: string) =>
    new AuthorizationRedirectError(redirectUri, error, description, state);

  const fields: Record<string, string | undefined> = {};
  for (const name of [
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
  ]) {
    try {
      fields[name] = singleParam(params, name);
    } catch {
      throw refuse('invalid_request', `${name} must be given once`);
    }
  }
  if (fields.response_type !== 'code') throw refuse('unsupported_response_type', 'response_type must be code');
  if (fields.response_mode !== undefined && fields.response_mode !== 'query')
    throw refuse('invalid_request', 'response_mode must be query');
  if (fields.request !== undefined || fields.request_uri !== undefined)
    throw refuse('invalid_request', 'request objects are not supported');
  const scopes = (fields.scope ?? '').split(' ').filter(Boolean);
  if (!scopes.includes('openid')) throw refuse('invalid_scope', 'scope must include openid');
  if ((fields.scope ?? '').length > 1024 || !scopes.every((s) => SCOPE_TOKEN.test(s))) throw refuse('invalid_scope', 'scope is malformed');
  if (fields.code_challenge === undefined)
    throw refuse('invalid_request', 'PKCE is required: send code_challenge and code_challenge_method=S256');
  if (fields.code_challenge_method !== 'S256') throw refuse('invalid_request', 'code_challenge_method must be S256');
  if (!S256_CHALLENGE.test(fields.code_challenge))
    throw refuse('invalid_request', 'code_challenge must be the base64url SHA-256 of the code_verifier');
  if (fields.nonce !== undefined && (fields.nonce.length > 512 || !PRINTABLE.test(fields.nonce)))
    throw refuse('invalid_request', 'nonce must be at most 512 printable characters');
  const prompts = (fields.prompt ?? '').split(' ').filter(Boolean) as ('login' | 'none')[];
  if (!prompts.every((p) => p === 'login' || p === 'none') || prompts.length > 1)
    throw refuse('invalid_request', 'prompt must be login or none');
  let maxAge: number | undefined;
  if (fields.max_age !== undefined) {
    if (!/^\d{1,9}$/.test(fields.max_age)) throw refuse('invalid_request', 'max_age must be a number of seconds');
    maxAge = Number(fields.max_age);
  }
  const asked = (fields.acr_values ?? '').split(' ').filter((v) => (ACR_VALUES as readonly string[]).includes(v));
  const acr = asked.includes('idporten-loa-high') ? 'idporten-loa-high' : DEFAULT_ACR;
  if (fields.ui_locales !== undefined && !/^[A-Za-z-]{2,16}( [A-Za-z-]{2,16}){0,7}$/.test(fields.ui_locales))
    throw refuse('invalid_request', 'ui_locales must be a list of language tags');
  return {
    clientId: client.clientId,
    redirectUri,
    scope: [...new Set(scopes)].join(' '),
    state,
    nonce: fields.nonce,
    codeChallenge: fields.code_challenge,
    prompt: prompts[0],
    maxAge,
    acr,
    uiLocales: fields.ui_locales,
  };
}

/** The client's redirect_uri with these parameters and our issuer (RFC 9207). */
export function redirectTo(redirectUri: string, params: Record<string, string | undefined>, issuer: string): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries({ ...params, iss: issuer })) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.href;
}
