import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import {
  AuthorizationEndpointProfile,
  AuthorizationPageError,
  AuthorizationRedirectError,
  authorizationResponseUrl,
  checkAuthorizationRequest,
  errorResponseUrl,
} from './authorization-request';

interface Client {
  clientId: string;
  redirectUris: string[];
}

const CALLBACK = 'https://rp.example/cb?tenant=1';
const CLIENT: Client = { clientId: 'portal', redirectUris: [CALLBACK, 'http://127.0.0.1:8080/cb'] };
const CHALLENGE = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');

/** Every optional parameter read, as our OpenID Provider does; the test IdP's profile reads none. */
const FULL: AuthorizationEndpointProfile<Client> = {
  findClient: (clientId) => Promise.resolve(clientId === CLIENT.clientId ? CLIENT : undefined),
  unknownClient: 'The client_id is not a registered client.',
  acrValues: ['idporten-loa-substantial', 'idporten-loa-high'],
  prompt: true,
  maxAge: true,
  uiLocales: true,
};
const BARE: AuthorizationEndpointProfile<Client> = {
  ...FULL,
  findClient: (clientId) => Promise.resolve(clientId === CLIENT.clientId ? CLIENT : null),
  unknownClient: 'Register one first.',
  acrValues: ['idporten-loa-substantial', 'Level4'],
  prompt: false,
  maxAge: false,
  uiLocales: false,
};

const valid = (): Record<string, unknown> => ({
  client_id: CLIENT.clientId,
  redirect_uri: CALLBACK,
  response_type: 'code',
  scope: 'openid profile',
  state: 'st',
  code_challenge: CHALLENGE,
  code_challenge_method: 'S256',
});

/** The page error a request gets, or the error it fails with otherwise. */
async function pageError(params: Record<string, unknown>, profile = FULL): Promise<string> {
  const error: unknown = await checkAuthorizationRequest(params, profile).then(
    () => new Error('accepted'),
    (e: unknown) => e,
  );
  if (!(error instanceof AuthorizationPageError)) throw error;
  return error.message;
}

/** The refusal a request gets as the client's redirect, or the error it fails with otherwise. */
async function refusal(params: Record<string, unknown>, profile = FULL): Promise<Omit<AuthorizationRedirectError, keyof Error>> {
  const error: unknown = await checkAuthorizationRequest(params, profile).then(
    () => new Error('accepted'),
    (e: unknown) => e,
  );
  if (!(error instanceof AuthorizationRedirectError)) throw error;
  return { redirectUri: error.redirectUri, error: error.error, description: error.description, state: error.state };
}

describe('the authorization request both OpenID Providers check', () => {
  it('accepts a complete request: the registered client, each scope once, every optional parameter read', async () => {
    const checked = await checkAuthorizationRequest(
      {
        ...valid(),
        scope: 'openid profile openid',
        nonce: 'n-0S6_WzA2Mj',
        prompt: 'login',
        max_age: '300',
        acr_values: 'Level4 idporten-loa-high idporten-loa-substantial',
        ui_locales: 'nb en-GB',
        response_mode: 'query',
      },
      FULL,
    );
    expect(checked).toEqual({
      client: CLIENT,
      redirectUri: CALLBACK,
      scope: 'openid profile',
      state: 'st',
      nonce: 'n-0S6_WzA2Mj',
      codeChallenge: CHALLENGE,
      prompt: 'login',
      maxAge: 300,
      acrValues: ['idporten-loa-high', 'idporten-loa-substantial'],
      uiLocales: 'nb en-GB',
    });
  });

  it('accepts a minimal request: no state, nonce or optional parameter, empty values counting as absent', async () => {
    const params = { ...valid(), state: '', nonce: '', acr_values: '' };
    expect(await checkAuthorizationRequest(params, FULL)).toEqual({
      client: CLIENT,
      redirectUri: CALLBACK,
      scope: 'openid profile',
      state: undefined,
      nonce: undefined,
      codeChallenge: CHALLENGE,
      prompt: undefined,
      maxAge: undefined,
      acrValues: [],
      uiLocales: undefined,
    });
  });

  it('accepts the longest state and nonce and the largest max_age', async () => {
    const checked = await checkAuthorizationRequest(
      { ...valid(), state: ' ~'.repeat(512), nonce: 'n'.repeat(512), max_age: '999999999' },
      FULL,
    );
    expect([checked.state?.length, checked.nonce?.length, checked.maxAge]).toEqual([1024, 512, 999_999_999]);
  });

  it('ignores the optional parameters a profile does not read, even malformed or repeated, and the acr_values it does not know', async () => {
    const checked = await checkAuthorizationRequest(
      { ...valid(), prompt: ['consent', 'x'], max_age: 'soon', ui_locales: '!!', acr_values: 'idporten-loa-high Level4' },
      BARE,
    );
    expect(checked).toMatchObject({ prompt: undefined, maxAge: undefined, uiLocales: undefined, acrValues: ['Level4'] });
  });

  describe('shows a page, never a redirect, when the redirect_uri cannot be trusted', () => {
    it('a client_id or redirect_uri given twice', async () => {
      for (const change of [{ client_id: [CLIENT.clientId, CLIENT.clientId] }, { redirect_uri: [CALLBACK, CALLBACK] }])
        expect([change, await pageError({ ...valid(), ...change })]).toEqual([
          change,
          'client_id and redirect_uri must be given once each.',
        ]);
    });

    it('a missing or unknown client_id, in the words of the profile', async () => {
      for (const change of [{ client_id: undefined }, { client_id: '' }, { client_id: 'stranger' }]) {
        expect([change, await pageError({ ...valid(), ...change })]).toEqual([change, 'The client_id is not a registered client.']);
        expect([change, await pageError({ ...valid(), ...change }, BARE)]).toEqual([change, 'Register one first.']);
      }
    });

    it('a missing redirect_uri', async () => {
      for (const change of [{ redirect_uri: undefined }, { redirect_uri: '' }])
        expect([change, await pageError({ ...valid(), ...change })]).toEqual([change, 'The redirect_uri is missing.']);
    });

    it('a redirect_uri that is not exactly one the client registered', async () => {
      for (const redirectUri of [
        'https://rp.example/cb',
        'https://rp.example/cb?tenant=1&x=2',
        'https://rp.example/cb?tenant=1#',
        'HTTPS://rp.example/cb?tenant=1',
        'https://rp.example/cb/?tenant=1',
        'http://127.0.0.1:8081/cb',
        'https://evil.example/cb?tenant=1',
      ])
        expect([redirectUri, await pageError({ ...valid(), redirect_uri: redirectUri })]).toEqual([
          redirectUri,
          'The redirect_uri is not one this client registered.',
        ]);
    });

    it('before any other fault of the request', async () => {
      expect(await pageError({ client_id: CLIENT.clientId, redirect_uri: 'https://evil.example/', response_type: 'token' })).toBe(
        'The redirect_uri is not one this client registered.',
      );
    });
  });

  describe('sends every other fault back to the redirect_uri', () => {
    it('a state given twice, too long or with a character outside %x20-7E, without the state', async () => {
      const cases: [unknown, string][] = [
        [['a', 'b'], 'state must be given once'],
        ['s'.repeat(1025), 'state must be at most 1024 printable characters'],
        ['a\nb', 'state must be at most 1024 printable characters'],
        ['a\u0000b', 'state must be at most 1024 printable characters'],
        ['tilstand-å', 'state must be at most 1024 printable characters'],
      ];
      for (const [state, description] of cases)
        expect([state, await refusal({ ...valid(), state })]).toEqual([
          state,
          { redirectUri: CALLBACK, error: 'invalid_request', description, state: undefined },
        ]);
    });

    it('a parameter given twice, with the state', async () => {
      for (const name of ['response_type', 'response_mode', 'scope', 'nonce', 'code_challenge', 'code_challenge_method', 'acr_values']) {
        const params = { ...valid(), response_mode: 'query', nonce: 'n', acr_values: 'idporten-loa-high' };
        const twice = { ...params, [name]: [params[name as keyof typeof params], params[name as keyof typeof params]] };
        for (const profile of [FULL, BARE])
          expect([name, await refusal(twice, profile)]).toEqual([
            name,
            { redirectUri: CALLBACK, error: 'invalid_request', description: `${name} must be given once`, state: 'st' },
          ]);
      }
      for (const name of ['prompt', 'max_age', 'ui_locales', 'request', 'request_uri'])
        expect([name, await refusal({ ...valid(), [name]: ['x', 'y'] })]).toEqual([
          name,
          { redirectUri: CALLBACK, error: 'invalid_request', description: `${name} must be given once`, state: 'st' },
        ]);
    });

    const refused: [string, Record<string, unknown>, AuthorizationRedirectError['error'], string][] = [
      ['no response_type', { response_type: undefined }, 'unsupported_response_type', 'response_type must be code'],
      ['the implicit flow', { response_type: 'token' }, 'unsupported_response_type', 'response_type must be code'],
      ['the hybrid flow', { response_type: 'code id_token' }, 'unsupported_response_type', 'response_type must be code'],
      ['a fragment response', { response_mode: 'fragment' }, 'invalid_request', 'response_mode must be query'],
      ['a form_post response', { response_mode: 'form_post' }, 'invalid_request', 'response_mode must be query'],
      ['a request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported', 'request objects are not supported'],
      [
        'a request_uri',
        { request_uri: 'urn:ietf:params:oauth:request_uri:x' },
        'request_uri_not_supported',
        'request objects are not supported',
      ],
      [
        'both a request object and a request_uri',
        { request: 'eyJhbGciOiJub25lIn0.e30.', request_uri: 'urn:ietf:params:oauth:request_uri:x' },
        'request_not_supported',
        'request objects are not supported',
      ],
      ['no scope', { scope: undefined }, 'invalid_scope', 'scope must include openid'],
      ['a scope without openid', { scope: 'profile' }, 'invalid_scope', 'scope must include openid'],
      ['openid only as part of a scope', { scope: 'openid:x profile' }, 'invalid_scope', 'scope must include openid'],
      ['a scope with a quote', { scope: 'openid "x"' }, 'invalid_scope', 'scope is malformed'],
      ['a scope with a backslash', { scope: 'openid a\\b' }, 'invalid_scope', 'scope is malformed'],
      ['a scope over 1024 characters', { scope: `openid ${'x'.repeat(1018)}` }, 'invalid_scope', 'scope is malformed'],
      [
        'no code_challenge',
        { code_challenge: undefined },
        'invalid_request',
        'PKCE is required: send code_challenge and code_challenge_method=S256',
      ],
      [
        'no PKCE at all',
        { code_challenge: undefined, code_challenge_method: undefined },
        'invalid_request',
        'PKCE is required: send code_challenge and code_challenge_method=S256',
      ],
      [
        'no code_challenge_method, which means plain',
        { code_challenge_method: undefined },
        'invalid_request',
        'code_challenge_method must be S256',
      ],
      ['plain PKCE', { code_challenge_method: 'plain' }, 'invalid_request', 'code_challenge_method must be S256'],
      ['a lower-case method', { code_challenge_method: 's256' }, 'invalid_request', 'code_challenge_method must be S256'],
      [
        'a short code_challenge',
        { code_challenge: 'short' },
        'invalid_request',
        'code_challenge must be the base64url SHA-256 of the code_verifier',
      ],
      [
        'a padded code_challenge',
        { code_challenge: `${CHALLENGE.slice(0, 42)}=` },
        'invalid_request',
        'code_challenge must be the base64url SHA-256 of the code_verifier',
      ],
      [
        'a code_challenge of 44 characters',
        { code_challenge: `${CHALLENGE}A` },
        'invalid_request',
        'code_challenge must be the base64url SHA-256 of the code_verifier',
      ],
      ['a nonce over 512 characters', { nonce: 'n'.repeat(513) }, 'invalid_request', 'nonce must be at most 512 printable characters'],
      ['a nonce with a line break', { nonce: 'a\r\nb' }, 'invalid_request', 'nonce must be at most 512 printable characters'],
      ['a nonce with a tab', { nonce: 'a\tb' }, 'invalid_request', 'nonce must be at most 512 printable characters'],
      ['prompt=consent', { prompt: 'consent' }, 'invalid_request', 'prompt must be login or none'],
      ['two prompt values', { prompt: 'login none' }, 'invalid_request', 'prompt must be login or none'],
      ['a negative max_age', { max_age: '-1' }, 'invalid_request', 'max_age must be a number of seconds'],
      ['a fractional max_age', { max_age: '1.5' }, 'invalid_request', 'max_age must be a number of seconds'],
      ['a max_age of ten digits', { max_age: '1000000000' }, 'invalid_request', 'max_age must be a number of seconds'],
      ['ui_locales with a comma', { ui_locales: 'nb,en' }, 'invalid_request', 'ui_locales must be a list of language tags'],
      ['nine ui_locales', { ui_locales: Array(9).fill('nb').join(' ') }, 'invalid_request', 'ui_locales must be a list of language tags'],
    ];
    for (const [what, change, error, description] of refused) {
      it(`${what}, with the state`, async () => {
        expect(await refusal({ ...valid(), ...change })).toEqual({ redirectUri: CALLBACK, error, description, state: 'st' });
      });
    }

    it('the faults of the common core under a profile that reads no optional parameter too', async () => {
      for (const [what, change, error, description] of refused) {
        if (['prompt', 'max_age', 'ui_locales'].some((name) => name in change)) continue;
        expect([what, await refusal({ ...valid(), ...change }, BARE)]).toEqual([
          what,
          { redirectUri: CALLBACK, error, description, state: 'st' },
        ]);
      }
    });
  });
});

describe('the answer on the redirect_uri', () => {
  const issuer = 'https://auth.example/openid';

  it('keeps the registered query, adds the parameters given and the issuer (RFC 9207), and leaves out what is undefined', () => {
    expect(authorizationResponseUrl(CALLBACK, { code: 'c&d', state: undefined }, issuer)).toBe(
      'https://rp.example/cb?tenant=1&code=c%26d&iss=https%3A%2F%2Fauth.example%2Fopenid',
    );
  });

  it('carries a refusal as error, error_description and state (RFC 6749 §4.1.2.1)', () => {
    const url = new URL(errorResponseUrl(new AuthorizationRedirectError(CALLBACK, 'access_denied', 'no person', 's 1'), issuer));
    expect(`${url.origin}${url.pathname}`).toBe('https://rp.example/cb');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: '1',
      error: 'access_denied',
      error_description: 'no person',
      state: 's 1',
      iss: issuer,
    });
  });

  it('has no state when the refusal has none', () => {
    const url = new URL(
      errorResponseUrl(new AuthorizationRedirectError(CALLBACK, 'invalid_request', 'state must be given once', undefined), issuer),
    );
    expect(url.searchParams.has('state')).toBe(false);
  });
});
