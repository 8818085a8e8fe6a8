import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { Clock } from '../common/clock';
import { OAuthError } from '../common/errors';
import type { ExchangeEvents } from '../common/exchange-events';
import { AUTHORIZATION_CODE_GRANT_TYPE, REFRESH_TOKEN_GRANT_TYPE } from '../common/oauth';
import type { AuthorizationCodeRepository } from './authorization-code.repository';
import type { ClientAuthentication } from './client-authentication';
import { LoginGrants } from './login-grants';
import type { LoginSession, LoginSessionRepository } from './login-session.repository';
import type { OidcClient } from './oidc-client.repository';
import type { RefreshTokenRecord, RefreshTokenRepository } from './refresh-token.repository';
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
    .then(
      () => new Error('issued'),
      (e: unknown) => e,
    );
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

  it('takes an empty scope on a refresh as none: the family keeps its scope; a wider one is still refused', async () => {
    const family: RefreshTokenRecord = {
      tokenSha256: 'a'.repeat(64),
      familyId: 'family',
      clientId: CLIENT.clientId,
      sessionId: 'session',
      codeSha256: 'b'.repeat(64),
      scope: 'openid profile',
      expiresAt: new Date(3_600_000),
    };
    const inserted: RefreshTokenRecord[] = [];
    const refreshing = new LoginGrants(
      { authenticate: () => Promise.resolve(CLIENT) } as unknown as ClientAuthentication,
      untouched as AuthorizationCodeRepository,
      {
        use: () => Promise.resolve({ outcome: 'rotated', token: family }),
        insert: (token: RefreshTokenRecord) => Promise.resolve(void inserted.push(token)),
      } as unknown as RefreshTokenRepository,
      {
        findLive: () => Promise.resolve({ id: 'session', userId: 7, expiresAt: new Date(3_600_000) } as LoginSession),
      } as unknown as LoginSessionRepository,
      // Signing is not what this test is about: the tokens are stand-ins.
      {
        accessToken: () => Promise.resolve({ token: 'access', expiresIn: 60, jti: 'jti' }),
        idToken: () => Promise.resolve({ token: 'id' }),
      } as unknown as SessionTokens,
      { issued: () => Promise.resolve(), notIssued: () => undefined } as unknown as ExchangeEvents,
      { now: () => 0 } as Clock,
      { refreshMaxAgeSeconds: 3600 } as never,
    );
    const refresh = (scope: string) =>
      refreshing.grants
        .find((g) => g.grantType === REFRESH_TOKEN_GRANT_TYPE)!
        .redeem({ grant_type: REFRESH_TOKEN_GRANT_TYPE, refresh_token: CODE, scope }, undefined);
    expect(await refresh('')).toMatchObject({ scope: 'openid profile', refresh_token: expect.any(String) });
    expect(inserted).toEqual([expect.objectContaining({ familyId: 'family', scope: 'openid profile' })]);
    const wider = await refresh('openid email').catch((e: unknown) => e);
    expect(wider).toBeInstanceOf(OAuthError);
    expect({ error: (wider as OAuthError).code, description: (wider as OAuthError).message }).toEqual({
      error: 'invalid_scope',
      description: 'a refresh cannot widen the scope',
    });
  });
});
