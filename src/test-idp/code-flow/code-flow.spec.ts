import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { AuthorizationPageError, AuthorizationRedirectError } from '../../common/authorization-request';
import { LogoutPageError } from '../../common/end-session-request';
import type { Clock } from '../../common/clock';
import type { IdportenLogin } from '../idporten/idporten-login';
import type { IssuerKeyStore, StandInKey } from '../shared/issuer-key-store';
import type { TestIdpOidcClient } from '../shared/test-idp.entities';
import { CodeFlow } from './code-flow';
import type { OidcClientRepository } from './oidc-client.repository';

const CALLBACK = 'http://127.0.0.1:9/callback';
const CLIENT = {
  clientId: '6f1c2a58-5d0b-4b43-9a55-0c2d5f0e8a11',
  clientName: 'Portal',
  redirectUris: [CALLBACK],
  tokenEndpointAuthMethod: 'none',
  clientSecretSha256: null,
  createdAt: new Date(0),
} satisfies TestIdpOidcClient;
const clients = { findById: (id: unknown) => Promise.resolve(id === CLIENT.clientId ? CLIENT : null) } as unknown as OidcClientRepository;
// Checking a request reads only the client registry.
const codeFlow = new CodeFlow(clients, {} as IdportenLogin, {} as IssuerKeyStore, {} as Clock, {} as never);
const CHALLENGE = createHash('sha256').update(randomBytes(32)).digest('base64url');
const valid = (): Record<string, unknown> => ({
  client_id: CLIENT.clientId,
  redirect_uri: CALLBACK,
  response_type: 'code',
  scope: 'openid profile',
  state: 's1',
  nonce: 'n1',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
});

describe("test ID-porten's authorization request", () => {
  it('preselects the first level of acr_values it knows, and ignores prompt, max_age and ui_locales', async () => {
    const request = await codeFlow.authorizationRequest({
      ...valid(),
      acr_values: 'urn:x Level4 idporten-loa-substantial',
      prompt: 'select_account',
      max_age: 'soon',
      ui_locales: ['nb', 'en'],
    });
    expect(request).toEqual({
      client: CLIENT,
      redirectUri: CALLBACK,
      scope: 'openid profile',
      state: 's1',
      nonce: 'n1',
      codeChallenge: CHALLENGE,
      acr: 'Level4',
    });
  });

  it('reads its login form back as the same request', async () => {
    const request = await codeFlow.authorizationRequest({ ...valid(), acr_values: 'idporten-loa-high', state: ' !"#<>&~' });
    expect(await codeFlow.authorizationRequest(codeFlow.hiddenFields(request))).toEqual(request);
  });

  it('tells the person on the page how to register an unknown client', async () => {
    const refusal = await codeFlow.authorizationRequest({ ...valid(), client_id: 'not-a-uuid' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(AuthorizationPageError);
    expect((refusal as Error).message).toBe('The client_id is not a registered client. Register one with POST /test-idp/idporten/clients.');
  });

  // These two it once took: a line break in a hidden field comes back from the browser as CR LF, so the
  // client would get another state or nonce than it sent; and a request object's parameters, which
  // OpenID Connect Core §6.1 puts above the query's, were silently dropped.
  it('refuses a state or nonce with a control character, and a request object, as our OpenID Provider does', async () => {
    const cases: [Record<string, unknown>, AuthorizationRedirectError['error'], string, string | undefined][] = [
      [{ state: 'a\nb' }, 'invalid_request', 'state must be at most 1024 printable characters', undefined],
      [{ nonce: 'a\nb' }, 'invalid_request', 'nonce must be at most 512 printable characters', 's1'],
      [{ request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported', 'request objects are not supported', 's1'],
      [{ request_uri: 'urn:ietf:params:oauth:request_uri:x' }, 'request_uri_not_supported', 'request objects are not supported', 's1'],
    ];
    for (const [change, code, description, state] of cases) {
      const refusal = await codeFlow.authorizationRequest({ ...valid(), ...change }).catch((e: unknown) => e);
      expect([change, refusal]).toEqual([change, expect.any(AuthorizationRedirectError)]);
      const { redirectUri, error, description: said, state: returned } = refusal as AuthorizationRedirectError;
      expect([change, { redirectUri, error, description: said, state: returned }]).toEqual([
        change,
        { redirectUri: CALLBACK, error: code, description, state },
      ]);
    }
  });
});

describe("test ID-porten's end-session endpoint", async () => {
  const ISSUER = 'http://127.0.0.1:9/test-idp/idporten/';
  const standIn = async (): Promise<StandInKey> => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return { kid, privateKey, jwks: { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] } };
  };
  const [key, stranger] = await Promise.all([standIn(), standIn()]);
  const flow = new CodeFlow(
    clients,
    { issuer: ISSUER } as IdportenLogin,
    { key: () => Promise.resolve(key) } as unknown as IssuerKeyStore,
    {} as Clock,
    {} as never,
  );
  const idToken = (signer: StandInKey, claims: Record<string, unknown>, issuer = ISSUER) =>
    new SignJWT({ aud: CLIENT.clientId, sid: 'sid-1', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: signer.kid })
      .setIssuer(issuer)
      .sign(signer.privateKey);

  it('takes an expired ID token of its own as the hint, and goes back to a redirect URI of its client with the state', async () => {
    const hint = await idToken(key, { exp: 1000, iat: 400 });
    expect(await flow.endSession({ id_token_hint: hint, post_logout_redirect_uri: CALLBACK, state: 'bye' })).toEqual({
      redirect: `${CALLBACK}?state=bye`,
      clientId: CLIENT.clientId,
      sid: 'sid-1',
    });
  });

  it('refuses a hint signed by another key or naming another issuer', async () => {
    for (const hint of [await idToken(stranger, {}), await idToken(key, {}, 'http://127.0.0.1:9/elsewhere/')]) {
      const refusal = await flow.endSession({ id_token_hint: hint }).catch((e: unknown) => e);
      expect(refusal).toEqual(new LogoutPageError('The id_token_hint is not an ID token of this issuer.'));
      expect(refusal).toBeInstanceOf(LogoutPageError);
    }
  });

  it('refuses a post_logout_redirect_uri without a hint: it reads no client_id', async () => {
    const refusal = await flow.endSession({ client_id: CLIENT.clientId, post_logout_redirect_uri: CALLBACK }).catch((e: unknown) => e);
    expect(refusal).toEqual(new LogoutPageError('post_logout_redirect_uri needs the id_token_hint of a registered client.'));
    expect(refusal).toBeInstanceOf(LogoutPageError);
  });
});
