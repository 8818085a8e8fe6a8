import { singleParam } from './oauth';

/**
 * The checks of an RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2, GET end-session
 * endpoint) that our OpenID Provider (login/rp-logout.ts) and test ID-porten (test-idp/code-flow/)
 * make alike: each parameter once, the client named by `id_token_hint` (and by `client_id` where it
 * is read, the two agreeing), `post_logout_redirect_uri` one that client registered, exactly, and
 * `state` passed back unchanged. What differs, how each verifies its ID tokens and which of a
 * client's URIs count, comes in as an {@link EndSessionProfile}.
 */

/** A logout we refuse: a page for the person, never a redirect. */
export class LogoutPageError extends Error {
  override readonly name = 'LogoutPageError';
}

/** What one end-session endpoint has of its own. */
export interface EndSessionProfile<C> {
  /**
   * The claims of `hint` when it is an ID token this issuer signed, expired or not (RP-Initiated
   * Logout 1.0 §2 has the OP accept one past its exp); undefined when it is not one. Anything else
   * it throws (a key store away) is no verdict on the hint, and reaches the caller.
   */
  verifyIdTokenHint(hint: string): Promise<Record<string, unknown> | undefined>;
  /** The registered client of a client_id, if any. */
  findClient(clientId: string): Promise<C | null | undefined>;
  /** The URIs a client registered that a logout may return to. */
  postLogoutRedirectUris(client: C): readonly string[];
  /** Whether it reads `client_id` (RP-Initiated Logout 1.0 §2), to name the client without an id_token_hint. */
  clientIdParameter: boolean;
}

/** A checked logout request. */
export interface CheckedEndSessionRequest<C> {
  /** The client the hint was issued to, or the one `client_id` names. */
  clientId?: string;
  /** The registered client, looked up only for a post_logout_redirect_uri. */
  client?: C;
  /** The hint's session. */
  sid?: string;
  /** The post_logout_redirect_uri with the state; undefined when none was asked for. */
  redirect?: string;
}

/** The most of `state` passed back, as /authorize takes (common/authorization-request.ts). */
const MAX_STATE_LENGTH = 1024;
/** Beyond any ID token either issuer signs; verifying more would only cost CPU. */
const MAX_ID_TOKEN_HINT_LENGTH = 8192;
const PARAMETERS = ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id'] as const;

/**
 * Checks a logout request; a refusal is a {@link LogoutPageError}. A request naming no client and no
 * post_logout_redirect_uri passes (the person is logged out and stays on the provider's page).
 */
export async function checkEndSessionRequest<C>(
  params: Record<string, unknown>,
  profile: EndSessionProfile<C>,
): Promise<CheckedEndSessionRequest<C>> {
  const given: Partial<Record<(typeof PARAMETERS)[number], string>> = {};
  for (const name of PARAMETERS) {
    if (name === 'client_id' && !profile.clientIdParameter) continue;
    try {
      given[name] = singleParam(params, name);
    } catch {
      throw new LogoutPageError(`${name} must be given once.`);
    }
  }
  const { id_token_hint: hint, post_logout_redirect_uri: postLogout, state } = given;
  // Cut, it would no longer be the client's state: refused instead (RP-Initiated Logout 1.0 §2 passes it back).
  if (state !== undefined && state.length > MAX_STATE_LENGTH)
    throw new LogoutPageError(`state must be at most ${MAX_STATE_LENGTH} characters.`);

  let clientId = given.client_id;
  let sid: string | undefined;
  if (hint !== undefined) {
    const claims = hint.length > MAX_ID_TOKEN_HINT_LENGTH ? undefined : await profile.verifyIdTokenHint(hint);
    if (!claims) throw new LogoutPageError('The id_token_hint is not an ID token of this issuer.');
    const aud = typeof claims.aud === 'string' ? claims.aud : undefined;
    if (clientId !== undefined && aud !== clientId) throw new LogoutPageError('The id_token_hint was issued to another client.');
    clientId = aud;
    sid = typeof claims.sid === 'string' ? claims.sid : undefined;
  }
  if (postLogout === undefined) return { clientId, sid };

  const client = clientId === undefined ? undefined : await profile.findClient(clientId);
  if (!client)
    throw new LogoutPageError(
      profile.clientIdParameter
        ? 'post_logout_redirect_uri needs the id_token_hint or client_id of a registered client.'
        : 'post_logout_redirect_uri needs the id_token_hint of a registered client.',
    );
  if (!profile.postLogoutRedirectUris(client).includes(postLogout))
    throw new LogoutPageError('The post_logout_redirect_uri is not one this client registered.');
  const url = new URL(postLogout);
  if (state !== undefined) url.searchParams.set('state', state);
  return { clientId, client, sid, redirect: url.href };
}
