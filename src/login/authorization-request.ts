import { checkAuthorizationRequest } from '../common/authorization-request';
import { LOGIN_ACR_VALUES as ACR_VALUES } from '../common/oauth';
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

/**
 * Checks an authorization request to our OpenID Provider (common/authorization-request.ts has the
 * rules): it reads prompt, max_age and ui_locales, and asks ID-porten for the strongest level of
 * acr_values it knows.
 */
export async function readAuthorizationRequest(
  params: Record<string, unknown>,
  findClient: (clientId: string) => Promise<OidcClient | undefined>,
): Promise<AuthorizationRequest> {
  const checked = await checkAuthorizationRequest(params, {
    findClient,
    unknownClient: 'The client_id is not a registered client.',
    acrValues: ACR_VALUES,
    prompt: true,
    maxAge: true,
    uiLocales: true,
  });
  return {
    clientId: checked.client.clientId,
    redirectUri: checked.redirectUri,
    scope: checked.scope,
    state: checked.state,
    nonce: checked.nonce,
    codeChallenge: checked.codeChallenge,
    prompt: checked.prompt,
    maxAge: checked.maxAge,
    acr: checked.acrValues.includes('idporten-loa-high') ? 'idporten-loa-high' : DEFAULT_ACR,
    uiLocales: checked.uiLocales,
  };
}
