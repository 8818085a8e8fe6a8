import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { TEST_IDP_LOGIN_CLIENT } from '../../src/config/settings';
import { RunningApp, startApp } from '../helpers/app';
import { exchange } from '../helpers/exchange';
import { expectProblem } from '../helpers/problem';
import {
  authorizationRequest,
  basic,
  CALLBACK,
  formOf,
  ID,
  logIn,
  pkce,
  register,
  RegisteredClient,
  tokenRequest,
} from '../helpers/code-flow-client';
import { json } from '../helpers/test-idp-client';

describe('test ID-porten code flow with openid-client', () => {
  let running: RunningApp;
  let confidential: RegisteredClient;
  let publicClient: RegisteredClient;

  before(async () => {
    // The exchange fetches the stand-in's discovery and keys from this same process: on a loaded
    // machine the first fetch (which also generates the stand-in's key) can outlast the 3 s default.
    running = await startApp({ env: { TEST_IDP_ENABLED: 'true', UPSTREAM_TIMEOUT_MS: '20000' } });
    confidential = await register(running, { client_name: 'My app', redirect_uris: [CALLBACK, 'http://127.0.0.1:9/other'] });
    publicClient = await register(running, { client_name: 'Phone app', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' });
  });
  after(() => running.close());

  it('registers clients with their redirect URIs; a secret only for a confidential one, shown once', async () => {
    expect(confidential).toEqual({
      client_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      client_secret: expect.stringMatching(/^[\w-]{43}$/),
      client_name: 'My app',
      redirect_uris: [CALLBACK, 'http://127.0.0.1:9/other'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(publicClient).not.toHaveProperty('client_secret');
    const listed = (await (await fetch(`${running.url}${ID}/clients`)).json()) as RegisteredClient[];
    // Besides the service itself, which registers as test ID-porten's client of its login at start.
    const registered = listed.map((c) => c.client_id).filter((id) => id !== TEST_IDP_LOGIN_CLIENT.clientId);
    expect(registered.sort()).toEqual([confidential.client_id, publicClient.client_id].sort());
    expect(JSON.stringify(listed)).not.toContain(confidential.client_secret);
  });

  it('advertises only what it does', async () => {
    const metadata = (await (await fetch(`${running.url}${ID}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const issuer = `${running.url}${ID}/`;
    expect(metadata).toMatchObject({
      issuer,
      authorization_endpoint: `${issuer}authorize`,
      token_endpoint: `${issuer}token`,
      userinfo_endpoint: `${issuer}userinfo`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    expect([...(metadata.acr_values_supported as string[])].sort()).toEqual(
      ['Level0', 'Level3', 'Level4', 'idporten-loa-high', 'idporten-loa-low', 'idporten-loa-substantial'].sort(),
    );
  });

  it('completes the flow for a confidential client: PKCE, state, nonce, id_token, userinfo, and an access token the exchange accepts', async () => {
    const config = await oidc.discovery(
      new URL(`${running.url}${ID}/`),
      confidential.client_id,
      confidential.client_secret,
      oidc.ClientSecretBasic(confidential.client_secret),
      {
        execute: [oidc.allowInsecureRequests],
      },
    );
    const { url, verifier, state, nonce } = await authorizationRequest(config, CALLBACK, { scope: 'openid profile' });
    const login = await logIn(url);
    expect(login.status).toBe(303);
    const callback = new URL(login.location as string);
    expect(`${callback.origin}${callback.pathname}`).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe(state);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: `${running.url}${ID}/`,
      aud: confidential.client_id,
      nonce,
      pid: '19108000239',
      acr: 'idporten-loa-high',
      amr: ['BankID'],
    });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      sub: claims?.sub,
      pid: '19108000239',
      client_id: confidential.client_id,
      aud: confidential.client_id,
    });

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims?.sub as string);
    expect(userinfo).toEqual({ sub: claims?.sub, pid: '19108000239', locale: 'nb' });

    const exchanged = await exchange(running, 'id-porten', tokens.access_token);
    expect(exchanged.status).toBe(200);
    expect(decodeJwt(await exchanged.text())).toMatchObject({ pid: '19108000239', 'urn:altinn:authlevel': 4, amr: 'BankID' });
  });

  it('completes the flow for a public client that authenticates with PKCE alone', async () => {
    const config = await oidc.discovery(new URL(`${running.url}${ID}/`), publicClient.client_id, undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const login = await logIn(url, { pid: '01017012345', acr: 'idporten-loa-substantial', amr: 'Minid-PIN' });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(login.location as string), {
      pkceCodeVerifier: verifier,
      idTokenExpected: true,
    });
    expect(tokens.claims()).toMatchObject({ pid: '01017012345', acr: 'idporten-loa-substantial' });
    expect(tokens.claims()).not.toHaveProperty('nonce');
  });

  it('lets a discovering client see exactly the issuer it asked for, ours and the test IdP’s, on the one host name', async () => {
    const ours = await oidc.discovery(new URL(`${running.url}/authentication/api/v1/openid/`), 'any-client', undefined, oidc.None(), {
      execute: [oidc.allowInsecureRequests],
    });
    expect(ours.serverMetadata().issuer).toBe(`${running.url}/authentication/api/v1/openid/`);
    expect(new URL(running.url).hostname).toBe('127.0.0.1');
    const maskinporten = (await (await fetch(`${running.url}/test-idp/maskinporten/.well-known/oauth-authorization-server`)).json()) as {
      issuer: string;
    };
    expect(maskinporten.issuer).toBe(`${running.url}/test-idp/maskinporten/`);
  });

  describe('refuses', () => {
    const authorizeUrl = (params: Record<string, string>) => {
      const url = new URL(`${running.url}${ID}/authorize`);
      for (const [name, value] of Object.entries(params)) url.searchParams.append(name, value);
      return url;
    };
    const valid = () => ({
      client_id: confidential.client_id,
      redirect_uri: CALLBACK,
      response_type: 'code',
      scope: 'openid',
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      state: 's1',
    });

    it('an unknown client or an unregistered redirect_uri with a page, never a redirect', async () => {
      for (const change of [
        { client_id: '00000000-0000-4000-8000-000000000000' },
        { client_id: 'not-a-uuid' },
        { redirect_uri: 'http://127.0.0.1:9/callback?x=1' },
        { redirect_uri: 'https://evil.example/callback' },
        { redirect_uri: '' },
      ]) {
        const response = await fetch(authorizeUrl({ ...valid(), ...change }), { redirect: 'manual' });
        expect([change, response.status]).toEqual([change, 400]);
        expect(response.headers.get('location')).toBeNull();
        expect(response.headers.get('content-type')).toMatch(/^text\/html/);
        expect(await response.text()).toMatch(/<p role="alert" id="error">/);
      }
    });

    it('a bad request of a known client by redirecting the error with state and iss', async () => {
      const cases: [Record<string, string>, string][] = [
        [{ code_challenge_method: 'plain' }, 'invalid_request'],
        [{ code_challenge: 'short' }, 'invalid_request'],
        [{ response_type: 'token' }, 'unsupported_response_type'],
        [{ scope: 'profile' }, 'invalid_scope'],
        [{ response_mode: 'fragment' }, 'invalid_request'],
      ];
      for (const [change, error] of cases) {
        const response = await fetch(authorizeUrl({ ...valid(), ...change }), { redirect: 'manual' });
        expect([change, response.status]).toEqual([change, 303]);
        const location = new URL(response.headers.get('location') as string);
        expect([change, location.searchParams.get('error')]).toEqual([change, error]);
        expect(location.searchParams.get('state')).toBe('s1');
        expect(location.searchParams.get('iss')).toBe(`${running.url}${ID}/`);
        expect(location.searchParams.has('code')).toBe(false);
      }
      const missing = { ...valid() } as Record<string, string>;
      delete missing.code_challenge;
      expect(
        new URL((await fetch(authorizeUrl(missing), { redirect: 'manual' })).headers.get('location') as string).searchParams.get('error'),
      ).toBe('invalid_request');
      const repeated = authorizeUrl(valid());
      repeated.searchParams.append('scope', 'openid');
      expect(new URL((await fetch(repeated, { redirect: 'manual' })).headers.get('location') as string).searchParams.get('error')).toBe(
        'invalid_request',
      );
    });

    it('a login with a bad pid by showing the form again with what was typed, and no code', async () => {
      const login = await logIn(authorizeUrl(valid()), { pid: '1910800023x', acr: 'Level4', amr: 'Buypass' });
      expect(login.status).toBe(400);
      expect(login.location).toBeNull();
      expect(login.html).toContain('The person identifier must be 11 digits.');
      expect(login.html).toContain('value="1910800023x"');
      expect(login.html).toContain('<option selected>Level4</option>');
      expect(login.html).toContain('<option selected>Buypass</option>');
      expect(formOf(login.html)).toMatchObject({ client_id: confidential.client_id, state: 's1' });
    });

    it('a login whose hidden fields were changed to another redirect_uri', async () => {
      const response = await fetch(`${running.url}${ID}/authorize`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          ...valid(),
          redirect_uri: 'https://evil.example/',
          pid: '19108000239',
          acr: 'Level3',
          amr: 'BankID',
        }).toString(),
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    });

    /** A fresh code of the confidential client, with its verifier. */
    const code = async (redirectUri = CALLBACK) => {
      const { verifier, challenge } = pkce();
      const login = await logIn(authorizeUrl({ ...valid(), redirect_uri: redirectUri, code_challenge: challenge }));
      return { code: new URL(login.location as string).searchParams.get('code') as string, verifier };
    };
    const oauthError = async (response: Response, status: number, error: string) => {
      expect(response.status).toBe(status);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ error, error_description: expect.any(String) });
    };

    it('a wrong code_verifier, a wrong redirect_uri, a reused code and an expired code', async () => {
      const wrongVerifier = await code();
      await oauthError(
        await tokenRequest(
          running,
          { grant_type: 'authorization_code', code: wrongVerifier.code, redirect_uri: CALLBACK, code_verifier: pkce().verifier },
          basic(confidential),
        ),
        400,
        'invalid_grant',
      );
      // The failed attempt used it up.
      await oauthError(
        await tokenRequest(
          running,
          { grant_type: 'authorization_code', code: wrongVerifier.code, redirect_uri: CALLBACK, code_verifier: wrongVerifier.verifier },
          basic(confidential),
        ),
        400,
        'invalid_grant',
      );

      const other = await code('http://127.0.0.1:9/other');
      await oauthError(
        await tokenRequest(
          running,
          { grant_type: 'authorization_code', code: other.code, redirect_uri: CALLBACK, code_verifier: other.verifier },
          basic(confidential),
        ),
        400,
        'invalid_grant',
      );

      const once = await code();
      const form = { grant_type: 'authorization_code', code: once.code, redirect_uri: CALLBACK, code_verifier: once.verifier };
      expect((await tokenRequest(running, form, basic(confidential))).status).toBe(200);
      await oauthError(await tokenRequest(running, form, basic(confidential)), 400, 'invalid_grant');

      const late = await code();
      running.clock.advance(61_000);
      try {
        await oauthError(
          await tokenRequest(
            running,
            { grant_type: 'authorization_code', code: late.code, redirect_uri: CALLBACK, code_verifier: late.verifier },
            basic(confidential),
          ),
          400,
          'invalid_grant',
        );
      } finally {
        running.clock.advance(-61_000);
      }
    });

    it('a client that does not authenticate as registered, and a code of another client', async () => {
      const first = await code();
      const form = { grant_type: 'authorization_code', code: first.code, redirect_uri: CALLBACK, code_verifier: first.verifier };
      const wrongSecret = await tokenRequest(running, form, basic({ ...confidential, client_secret: 'wrong' }));
      await oauthError(wrongSecret, 401, 'invalid_client');
      await oauthError(await tokenRequest(running, { ...form, client_id: confidential.client_id }), 401, 'invalid_client');
      await oauthError(
        await tokenRequest(running, { ...form, client_id: confidential.client_id, client_secret: confidential.client_secret as string }),
        401,
        'invalid_client',
      );
      await oauthError(await tokenRequest(running, { ...form, client_id: '00000000-0000-4000-8000-000000000000' }), 401, 'invalid_client');
      const second = await code();
      await oauthError(
        await tokenRequest(running, {
          grant_type: 'authorization_code',
          code: second.code,
          redirect_uri: CALLBACK,
          code_verifier: second.verifier,
          client_id: publicClient.client_id,
        }),
        400,
        'invalid_grant',
      );
      await oauthError(
        await tokenRequest(running, { grant_type: 'client_credentials' }, basic(confidential)),
        400,
        'unsupported_grant_type',
      );
      await oauthError(
        await tokenRequest(
          running,
          { grant_type: 'authorization_code', redirect_uri: CALLBACK, code_verifier: second.verifier },
          basic(confidential),
        ),
        400,
        'invalid_request',
      );
    });

    it('userinfo without a token, with a token of another issuer, and with an expired one', async () => {
      await expectProblem(await fetch(`${running.url}${ID}/userinfo`), 401);
      const maskinporten = (await (
        await json(running, 'POST', '/test-idp/maskinporten/token', { orgno: '974760673', scope: 'a:b' })
      ).json()) as { access_token: string };
      const foreign = await fetch(`${running.url}${ID}/userinfo`, { headers: { authorization: `Bearer ${maskinporten.access_token}` } });
      await expectProblem(foreign, 401);
      expect(foreign.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
      const expired = (await (await json(running, 'POST', `${ID}/token`, { pid: '19108000239', expires_in: -60 })).json()) as {
        access_token: string;
      };
      await expectProblem(
        await fetch(`${running.url}${ID}/userinfo`, { headers: { authorization: `Bearer ${expired.access_token}` } }),
        401,
      );
    });

    it('a client registration with a bad redirect URI or method', async () => {
      const bodies = [
        { client_name: 'x', redirect_uris: [] },
        { client_name: 'x', redirect_uris: ['/relative'] },
        { client_name: 'x', redirect_uris: ['http://127.0.0.1/cb#frag'] },
        { client_name: 'x', redirect_uris: ['ftp://127.0.0.1/cb'] },
        { client_name: 'x', redirect_uris: ['http://user:pw@127.0.0.1/cb'] },
        { client_name: 'x', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'private_key_jwt' },
        { redirect_uris: [CALLBACK] },
      ];
      const before = ((await (await fetch(`${running.url}${ID}/clients`)).json()) as unknown[]).length;
      for (const body of bodies) await expectProblem(await json(running, 'POST', `${ID}/clients`, body), 400);
      expect(((await (await fetch(`${running.url}${ID}/clients`)).json()) as unknown[]).length).toBe(before);
    });
  });
});
