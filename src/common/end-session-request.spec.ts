import { describe, it } from 'node:test';
import { expect } from 'expect';
import { checkEndSessionRequest, type EndSessionProfile, LogoutPageError } from './end-session-request';

interface Client {
  clientId: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

const BYE = 'https://rp.example/bye?tenant=1';
const CLIENT: Client = {
  clientId: 'portal',
  redirectUris: ['https://rp.example/cb'],
  postLogoutRedirectUris: [BYE, 'http://127.0.0.1:8080/bye'],
};
const OTHER: Client = { clientId: 'phone', redirectUris: [], postLogoutRedirectUris: ['https://phone.example/bye'] };
/** Hints are "signed" by being keys of this table; the claims are what a verifier would return. */
const HINTS: Record<string, Record<string, unknown>> = {
  'hint.portal': { aud: 'portal', sid: 'session-1' },
  'hint.phone': { aud: 'phone', sid: 'session-2' },
  'hint.unregistered': { aud: 'gone', sid: 'session-3' },
  'hint.audiences': { aud: ['portal', 'phone'], sid: 'session-4' },
  'hint.no-sid': { aud: 'portal', sid: 42 },
};

/** As our OpenID Provider: client_id read, post_logout_redirect_uris matched. */
const LOGIN: EndSessionProfile<Client> = {
  verifyIdTokenHint: (hint) => Promise.resolve(HINTS[hint]),
  findClient: (clientId) => Promise.resolve([CLIENT, OTHER].find((c) => c.clientId === clientId)),
  postLogoutRedirectUris: (client) => client.postLogoutRedirectUris,
  clientIdParameter: true,
};
/** As test ID-porten: no client_id, the redirect URIs matched. */
const TEST_IDP: EndSessionProfile<Client> = {
  ...LOGIN,
  findClient: (clientId) => Promise.resolve(clientId === CLIENT.clientId ? CLIENT : null),
  postLogoutRedirectUris: (client) => client.redirectUris,
  clientIdParameter: false,
};

/** The page error a request gets; anything else fails the test. */
async function refusal(params: Record<string, unknown>, profile = LOGIN): Promise<string> {
  const error: unknown = await checkEndSessionRequest(params, profile).then(
    () => new Error('accepted'),
    (e: unknown) => e,
  );
  if (!(error instanceof LogoutPageError)) throw error;
  return error.message;
}

describe('an RP-initiated logout request', () => {
  describe('is accepted', () => {
    it('with nothing: no client, no session, nowhere to go back to', async () => {
      for (const profile of [LOGIN, TEST_IDP]) expect(await checkEndSessionRequest({}, profile)).toEqual({});
    });

    it('with an id_token_hint alone: its client and session, nowhere to go back to', async () => {
      expect(await checkEndSessionRequest({ id_token_hint: 'hint.portal', state: 's' }, LOGIN)).toEqual({
        clientId: 'portal',
        sid: 'session-1',
      });
    });

    it("back to a registered post_logout_redirect_uri with the state unchanged, keeping the URI's own query", async () => {
      const state = `${'x'.repeat(1000)} &=?#/%å`.slice(-1024);
      const checked = await checkEndSessionRequest({ id_token_hint: 'hint.portal', post_logout_redirect_uri: BYE, state }, LOGIN);
      expect(checked).toEqual({ clientId: 'portal', client: CLIENT, sid: 'session-1', redirect: expect.any(String) });
      const back = new URL(checked.redirect!);
      expect(`${back.origin}${back.pathname}`).toBe('https://rp.example/bye');
      expect([...back.searchParams]).toEqual([
        ['tenant', '1'],
        ['state', state],
      ]);
    });

    it('with a state of exactly 1024 characters', async () => {
      const state = 's'.repeat(1024);
      const checked = await checkEndSessionRequest({ id_token_hint: 'hint.portal', post_logout_redirect_uri: BYE, state }, LOGIN);
      expect(new URL(checked.redirect!).searchParams.get('state')).toBe(state);
    });

    it('without a state, or an empty one (RFC 6749 §3.1: as if omitted): none added', async () => {
      for (const state of [undefined, ''])
        expect(await checkEndSessionRequest({ id_token_hint: 'hint.portal', post_logout_redirect_uri: BYE, state }, LOGIN)).toMatchObject({
          redirect: BYE,
        });
    });

    it('with client_id instead of id_token_hint, where the endpoint reads client_id', async () => {
      expect(await checkEndSessionRequest({ client_id: 'phone', post_logout_redirect_uri: 'https://phone.example/bye' }, LOGIN)).toEqual({
        clientId: 'phone',
        client: OTHER,
        redirect: 'https://phone.example/bye',
      });
    });

    it('with client_id and an id_token_hint issued to that client', async () => {
      expect(await checkEndSessionRequest({ client_id: 'portal', id_token_hint: 'hint.portal' }, LOGIN)).toEqual({
        clientId: 'portal',
        sid: 'session-1',
      });
    });

    it("against the URIs the profile names: test ID-porten's clients register redirect URIs only", async () => {
      expect(
        await checkEndSessionRequest({ id_token_hint: 'hint.portal', post_logout_redirect_uri: 'https://rp.example/cb' }, TEST_IDP),
      ).toMatchObject({ redirect: 'https://rp.example/cb' });
      expect(await refusal({ id_token_hint: 'hint.portal', post_logout_redirect_uri: BYE }, TEST_IDP)).toBe(
        'The post_logout_redirect_uri is not one this client registered.',
      );
    });

    it('without a sid when the hint has none that is a string', async () => {
      expect(await checkEndSessionRequest({ id_token_hint: 'hint.no-sid' }, LOGIN)).toEqual({ clientId: 'portal' });
    });

    it('ignoring client_id where the endpoint does not read it, repeated or not', async () => {
      expect(await checkEndSessionRequest({ id_token_hint: 'hint.portal', client_id: ['phone', 'x'] }, TEST_IDP)).toEqual({
        clientId: 'portal',
        sid: 'session-1',
      });
    });
  });

  describe('is refused with a page', () => {
    it('for a parameter given twice', async () => {
      const once = { id_token_hint: 'hint.portal', post_logout_redirect_uri: BYE, state: 's', client_id: 'portal' };
      for (const name of ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id'] as const)
        expect([name, await refusal({ ...once, [name]: [once[name], once[name]] })]).toEqual([name, `${name} must be given once.`]);
      for (const name of ['id_token_hint', 'post_logout_redirect_uri', 'state'] as const)
        expect([name, await refusal({ ...once, [name]: [once[name], once[name]] }, TEST_IDP)]).toEqual([
          name,
          `${name} must be given once.`,
        ]);
    });

    it('for a parameter that is not text (a nested query)', async () => {
      expect(await refusal({ post_logout_redirect_uri: { a: BYE } })).toBe('post_logout_redirect_uri must be given once.');
    });

    // It was cut to 1024 characters, so the client got back another state than it sent.
    it('for a state over 1024 characters', async () => {
      expect(await refusal({ id_token_hint: 'hint.portal', post_logout_redirect_uri: BYE, state: 's'.repeat(1025) })).toBe(
        'state must be at most 1024 characters.',
      );
    });

    it('for an id_token_hint that is not an ID token of this issuer', async () => {
      for (const profile of [LOGIN, TEST_IDP])
        expect(await refusal({ id_token_hint: 'hint.forged' }, profile)).toBe('The id_token_hint is not an ID token of this issuer.');
    });

    it('for an id_token_hint over 8192 characters, without verifying it', async () => {
      const hint = `hint.portal${'x'.repeat(8192)}`;
      const verifying: EndSessionProfile<Client> = {
        ...LOGIN,
        verifyIdTokenHint: () => Promise.reject(new Error('verified an oversized hint')),
      };
      expect(await refusal({ id_token_hint: hint }, verifying)).toBe('The id_token_hint is not an ID token of this issuer.');
    });

    it('for an id_token_hint issued to another client than client_id, or to several', async () => {
      expect(await refusal({ id_token_hint: 'hint.phone', client_id: 'portal' })).toBe('The id_token_hint was issued to another client.');
      expect(await refusal({ id_token_hint: 'hint.audiences', client_id: 'portal' })).toBe(
        'The id_token_hint was issued to another client.',
      );
    });

    it('for a post_logout_redirect_uri with no registered client to check it against', async () => {
      const cases: [Record<string, unknown>, EndSessionProfile<Client>, string][] = [
        [{}, LOGIN, 'post_logout_redirect_uri needs the id_token_hint or client_id of a registered client.'],
        [{ client_id: 'gone' }, LOGIN, 'post_logout_redirect_uri needs the id_token_hint or client_id of a registered client.'],
        [
          { id_token_hint: 'hint.unregistered' },
          LOGIN,
          'post_logout_redirect_uri needs the id_token_hint or client_id of a registered client.',
        ],
        [
          { id_token_hint: 'hint.audiences' },
          LOGIN,
          'post_logout_redirect_uri needs the id_token_hint or client_id of a registered client.',
        ],
        [{}, TEST_IDP, 'post_logout_redirect_uri needs the id_token_hint of a registered client.'],
        [{ client_id: 'portal' }, TEST_IDP, 'post_logout_redirect_uri needs the id_token_hint of a registered client.'],
        [{ id_token_hint: 'hint.phone' }, TEST_IDP, 'post_logout_redirect_uri needs the id_token_hint of a registered client.'],
      ];
      for (const [params, profile, message] of cases)
        expect([params, await refusal({ ...params, post_logout_redirect_uri: BYE }, profile)]).toEqual([params, message]);
    });

    it('for a post_logout_redirect_uri the client did not register exactly', async () => {
      for (const uri of [
        'https://evil.example/',
        'https://rp.example/bye',
        'https://rp.example/bye?tenant=1&x=2',
        'https://RP.example/bye?tenant=1',
        'https://rp.example/bye/?tenant=1',
        'http://127.0.0.1:8080/bye/../evil',
        'https://phone.example/bye',
      ])
        expect([uri, await refusal({ id_token_hint: 'hint.portal', post_logout_redirect_uri: uri })]).toEqual([
          uri,
          'The post_logout_redirect_uri is not one this client registered.',
        ]);
    });
  });

  it('lets a failure of the verifier itself through: no verdict on the hint, not a page', async () => {
    const away: EndSessionProfile<Client> = { ...LOGIN, verifyIdTokenHint: () => Promise.reject(new Error('key store away')) };
    await expect(checkEndSessionRequest({ id_token_hint: 'hint.portal' }, away)).rejects.toThrow('key store away');
  });
});
