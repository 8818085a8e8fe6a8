import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { AuthorizationPageError, AuthorizationRedirectError } from '../common/authorization-request';
import { readAuthorizationRequest } from './authorization-request';
import type { OidcClient } from './oidc-client.repository';

const CALLBACK = 'https://rp.example/cb';
const CLIENT: OidcClient = {
  clientId: 'portal',
  secretSha256: null,
  name: 'Portal',
  redirectUris: [CALLBACK],
  postLogoutRedirectUris: [],
  frontchannelLogoutUri: null,
  public: true,
  createdAt: new Date(0),
};
const findClient = (clientId: string) => Promise.resolve(clientId === CLIENT.clientId ? CLIENT : undefined);
const CHALLENGE = createHash('sha256').update(randomBytes(32)).digest('base64url');
const valid = (): Record<string, unknown> => ({
  client_id: 'portal',
  redirect_uri: CALLBACK,
  response_type: 'code',
  scope: 'openid',
  state: 'st',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
});

describe("the login's authorization request", () => {
  it('is kept as the login transaction stores it: the client by id, prompt, max_age and ui_locales read', async () => {
    const request = await readAuthorizationRequest(
      { ...valid(), nonce: 'n', prompt: 'none', max_age: '0', ui_locales: 'nb', acr_values: 'idporten-loa-substantial' },
      findClient,
    );
    expect(request).toEqual({
      clientId: 'portal',
      redirectUri: CALLBACK,
      scope: 'openid',
      state: 'st',
      nonce: 'n',
      codeChallenge: CHALLENGE,
      prompt: 'none',
      maxAge: 0,
      acr: 'idporten-loa-substantial',
      uiLocales: 'nb',
    });
  });

  it('asks ID-porten for high when acr_values holds it anywhere, else substantial, whatever else is asked', async () => {
    const cases: [string | undefined, string][] = [
      [undefined, 'idporten-loa-substantial'],
      ['idporten-loa-substantial idporten-loa-high', 'idporten-loa-high'],
      ['idporten-loa-high idporten-loa-substantial', 'idporten-loa-high'],
      ['idporten-loa-low', 'idporten-loa-substantial'],
      // The old names are the test IdP's, not levels a client of ours asks for.
      ['Level4', 'idporten-loa-substantial'],
    ];
    for (const [acrValues, acr] of cases)
      expect([acrValues, (await readAuthorizationRequest({ ...valid(), acr_values: acrValues }, findClient)).acr]).toEqual([
        acrValues,
        acr,
      ]);
  });

  it('names an unknown client on the page without pointing anywhere', async () => {
    const refusal = await readAuthorizationRequest({ ...valid(), client_id: 'stranger' }, findClient).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AuthorizationPageError);
    expect((refusal as Error).message).toBe('The client_id is not a registered client.');
  });

  it('refuses a malformed prompt, max_age or ui_locales back to the client', async () => {
    for (const change of [{ prompt: 'select_account' }, { max_age: 'an hour' }, { ui_locales: 'nb_NO' }]) {
      const refusal = await readAuthorizationRequest({ ...valid(), ...change }, findClient).catch((e: unknown) => e);
      expect([change, refusal]).toEqual([change, expect.any(AuthorizationRedirectError)]);
      expect([change, (refusal as AuthorizationRedirectError).error, (refusal as AuthorizationRedirectError).state]).toEqual([
        change,
        'invalid_request',
        'st',
      ]);
    }
  });
});
