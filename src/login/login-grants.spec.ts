import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { Clock } from '../common/clock';
import { OAuthError } from '../common/errors';
import type { ExchangeEvents } from '../common/exchange-events';
import { AUTHORIZATION_CODE_GRANT_TYPE, REFRESH_TOKEN_GRANT_TYPE } from '../common/oauth';
import type { AuthorizationCodeRepository } from './authorization-code.repository';
import type { ClientAuthentication } from './client-authentication';
import { LoginGrants } from './login-grants';
import type { LoginSessionRepository } from './login-session.repository';
import type { OidcClient } from './oidc-client.repository';
import type { RefreshTokenRepository } from './refresh-token.repository';
import type { SessionTokens } from './session-tokens';

const CLIENT = { clientId: 'portal', public: true } as OidcClient;
const CODE = 'c'.repeat(43);
// The form is read before any code or refresh token is looked up: these refusals reach no repository.
const untouched = new Proxy({}, { get: (_, name) => () => Promise.reject(new Error(`looked up ${String(name)}`)) });
const grants = new LoginGrants(
  { authenticate: () => Promise.resolve(CLIENT) } as unknown as ClientAuthentication,
  untouched as AuthorizationCodeRepository,
  untouched as RefreshTokenRepository,
  untouched as LoginSessionRepository,
  untouched as SessionTokens,
  { issued: () => Promise.resolve(), notIssued: () => undefined } as unknown as ExchangeEvents,
  { now: () => 0 } as Clock,
  { refreshMaxAgeSeconds: 3600 } as never,
);
/** How a grant refused this form: the OAuth error code and its description. */
const refusal = async (grantType: string, form: Record<string, unknown>) => {
  const error: unknown = await grants.grants
    .find((g) => g.grantType === grantType)!
    .redeem({ grant_type: grantType, ...form }, undefined)
    .then(() => new Error('issued'), (e: unknown) => e);
  if (!(error instanceof OAuthError)) throw error;
  return { error: error.code, description: error.message };
};

describe("the login's token grants read their form", () => {
  it('refuses a repeated field with invalid_request, naming it', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [AUTHORIZATION_CODE_GRANT_TYPE, { code: [CODE, CODE] }, 'code must be given once'],
      [AUTHORIZATION_CODE_GRANT_TYPE, { code: CODE, redirect_uri: ['https://a/', 'https://b/'] }, 'redirect_uri must be given once'],
      [AUTHORIZATION_CODE_GRANT_TYPE, { code: CODE, code_verifier: ['v', 'w'] }, 'code_verifier must be given once'],
      [REFRESH_TOKEN_GRANT_TYPE, { refresh_token: [CODE, CODE] }, 'refresh_token must be given once'],
    ];
    for (const [grantType, form, description] of cases)
      expect([form, await refusal(grantType, form)]).toEqual([form, { error: 'invalid_request', description }]);
  });

  // RFC 6749 §3.1: a parameter sent without a value is treated as omitted. An empty code or refresh
  // token used to be taken as a value and answered invalid_grant.
  it('takes an empty code or refresh_token as a missing one: invalid_request, not invalid_grant', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [AUTHORIZATION_CODE_GRANT_TYPE, {}, 'code is required'],
      [AUTHORIZATION_CODE_GRANT_TYPE, { code: '' }, 'code is required'],
      [REFRESH_TOKEN_GRANT_TYPE, {}, 'refresh_token is required'],
      [REFRESH_TOKEN_GRANT_TYPE, { refresh_token: '' }, 'refresh_token is required'],
    ];
    for (const [grantType, form, description] of cases)
      expect([form, await refusal(grantType, form)]).toEqual([form, { error: 'invalid_request', description }]);
  });
});
