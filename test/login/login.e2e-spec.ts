import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { generateKeyPair, SignJWT, decodeJwt } from 'jose';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit-log';
import { TEST_IDP_LOGIN_CLIENT } from '../../src/config/settings';
import { UpstreamIdporten } from '../../src/login/upstream-idporten';
import { RunningApp, startApp } from '../helpers/app';
import { browserSkipReason, HeadlessBrowser, launchBrowser } from '../helpers/browser';
import { authorizationRequest, pkce } from '../helpers/code-flow-client';
import { expectProblem } from '../helpers/problem';
import { json } from '../helpers/test-idp-client';
import { ClientJson, clientsCli, clientsInService, CookieJar, loginOverHttp, PID, relyingParty } from './login-helpers';

const OPENID = '/authentication/api/v1/openid/';
const AUTHORIZE = '/authentication/api/v1/authorize';
const TOKEN = '/authentication/api/v1/token';

/** Runs in the page: fills test ID-porten's form as a person and submits it. */
async function personLogsIn(page: import('puppeteer-core').Page): Promise<void> {
  await page.waitForSelector('#pid');
  await page.$eval('#pid', (input) => {
    (input as unknown as { value: string }).value = '';
  });
  await page.type('#pid', PID);
  await page.select('#acr', 'idporten-loa-high');
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

describe('login: the OpenID Provider for people in browsers', () => {
  let running: RunningApp;
  let rp: Awaited<ReturnType<typeof relyingParty>>;
  let confidential: ClientJson;
  let phone: ClientJson;
  let issuer: string;

  const discover = (client: ClientJson) =>
    oidc.discovery(
      new URL(issuer),
      client.client_id,
      client.client_secret,
      client.client_secret ? oidc.ClientSecretBasic(client.client_secret) : oidc.None(),
      { execute: [oidc.allowInsecureRequests] },
    );

  const tokenForm = (form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${running.url}${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });

  const basic = (client: ClientJson) => ({
    authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
  });

  const authorizeUrl = (client: ClientJson, params: Record<string, string>) => {
    const url = new URL(`${running.url}${AUTHORIZE}`);
    const base = { client_id: client.client_id, redirect_uri: client.redirect_uris[0], response_type: 'code', scope: 'openid' };
    for (const [k, v] of Object.entries({ ...base, ...params })) url.searchParams.set(k, v);
    return url;
  };

  /** A code for the confidential client over HTTP, and what redeems it. */
  async function codeOverHttp(jar = new CookieJar()) {
    const { verifier, challenge } = pkce();
    const landed = await loginOverHttp(
      jar,
      authorizeUrl(confidential, { code_challenge: challenge, code_challenge_method: 'S256', state: 's1', nonce: 'n1' }),
    );
    expect(landed.status).toBe(303);
    const back = new URL(landed.headers.get('location') as string);
    return { jar, verifier, code: back.searchParams.get('code') as string, back };
  }

  const auditRows = async () => {
    await running.app.get(AuditLog).flush();
    return running.app
      .get(DataSource)
      .query<{ provider: string; outcome: string; reason: string | null; client_id: string | null; session_id: string | null }[]>(
        `SELECT provider, outcome, reason, client_id, session_id FROM authentication_events WHERE provider LIKE 'oidc-%' ORDER BY occurred_at`,
      );
  };

  before(async () => {
    running = await startApp({ env: { TEST_IDP_ENABLED: 'true', UPSTREAM_TIMEOUT_MS: '20000', LOGIN_REDIRECT_HOSTS: 'apps.example' } });
    issuer = `${running.url}${OPENID}`;
    rp = await relyingParty();
    // Both processes at once: their start-up, most of what each costs, overlaps.
    const [added, addedPublic] = await Promise.all([
      clientsCli(running, ['add', '--name', 'Portal', '--redirect-uri', `${rp.url}/cb`, '--post-logout-redirect-uri', `${rp.url}/bye`]),
      clientsCli(running, ['add', '--name', 'Phone app', '--redirect-uri', `${rp.url}/phone`, '--public']),
    ]);
    expect([added.code, added.stderr]).toEqual([0, '']);
    confidential = added.json as unknown as ClientJson;
    expect([addedPublic.code, addedPublic.stderr]).toEqual([0, '']);
    phone = addedPublic.json as unknown as ClientJson;
  });
  after(async () => {
    await rp?.close();
    await running?.close();
  });

  it('registers clients with the clients CLI beside the running service: one JSON object, the secret once, hashed in the database', async () => {
    expect(confidential).toEqual({
      client_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      client_secret: expect.stringMatching(/^[\w-]{43}$/),
      client_name: 'Portal',
      redirect_uris: [`${rp.url}/cb`],
      post_logout_redirect_uris: [`${rp.url}/bye`],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(phone).not.toHaveProperty('client_secret');
    expect(phone.token_endpoint_auth_method).toBe('none');
    const stored = await running.app
      .get(DataSource)
      .query<{ secret_sha256: string }[]>(`SELECT secret_sha256 FROM oidc_clients WHERE client_id = $1`, [confidential.client_id]);
    expect(stored[0].secret_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0].secret_sha256).not.toContain(confidential.client_secret);

    // Each clients command once as the process an operator runs (the adds above, a list and a remove
    // here, side by side so their start-ups overlap); the service's answers to the rest without a process each.
    const extra = await clientsInService(running, {
      command: 'clients.add',
      client: { name: 'Gone', redirectUris: ['http://127.0.0.1:9/x'], postLogoutRedirectUris: [], public: false },
    });
    const [listed, removed] = await Promise.all([
      clientsCli(running, ['list']),
      clientsCli(running, ['remove', String(extra.json?.client_id)]),
    ]);
    expect(listed.code).toBe(0);
    const ids = (listed.json?.clients as ClientJson[]).map((c) => c.client_id);
    expect(ids).toEqual(expect.arrayContaining([confidential.client_id, phone.client_id]));
    expect(JSON.stringify(listed.json)).not.toContain(confidential.client_secret);
    expect(removed).toMatchObject({ code: 0, json: { removed: extra.json?.client_id } });
    const again = await clientsInService(running, { command: 'clients.remove', clientId: String(extra.json?.client_id) });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^no client/);
    const bad = await clientsInService(running, {
      command: 'clients.add',
      client: { name: 'Bad', redirectUris: ['http://127.0.0.1/cb#frag'], postLogoutRedirectUris: [], public: false },
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/fragment/);
  });

  it('publishes a complete OpenID Connect discovery document that a strict validator and openid-client accept', async () => {
    const response = await fetch(`${issuer}.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as Record<string, unknown>;
    expect(document).toMatchObject({
      issuer,
      authorization_endpoint: `${running.url}${AUTHORIZE}`,
      token_endpoint: `${running.url}${TOKEN}`,
      userinfo_endpoint: `${running.url}/authentication/api/v1/userinfo`,
      end_session_endpoint: `${running.url}/authentication/api/v1/openid/logout`,
      jwks_uri: `${issuer}.well-known/openid-configuration/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      frontchannel_logout_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    expect(document.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:token-exchange']),
    );
    expect(document.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']),
    );
    expect(document.claims_supported).toEqual(expect.arrayContaining(['sub', 'acr', 'amr', 'auth_time', 'sid', 'nonce']));
    // Everything it names is served.
    for (const name of ['authorization_endpoint', 'userinfo_endpoint', 'end_session_endpoint', 'jwks_uri']) {
      const served = await fetch(document[name] as string, { redirect: 'manual' });
      expect([200, 303, 400, 401]).toContain(served.status);
    }
    // Debian's python3-authlib, when installed (apt-get install -y python3-authlib).
    const validator = spawnSync(
      existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
      [
        '-c',
        `import json,sys
from authlib.oidc.discovery import OpenIDProviderMetadata
document = json.load(sys.stdin)
for name in [n for n in dir(OpenIDProviderMetadata) if n.startswith('validate_')]:
    try:
        getattr(OpenIDProviderMetadata(document), name)()
    except Exception as e:
        print('refused:', e)
# All but the https rule: the same document on https validates whole.
OpenIDProviderMetadata(json.loads(json.dumps(document).replace('http://', 'https://'))).validate()
print('valid')`,
      ],
      { input: JSON.stringify(document), encoding: 'utf8', timeout: 60_000 },
    );
    if (validator.status === 0) {
      const lines = validator.stdout.trim().split('\n');
      expect(lines.pop()).toBe('valid');
      // On plain-http development the https rule is all it refuses.
      for (const line of lines) expect(line).toMatch(/^refused: "\w+" MUST use "https" scheme$/);
    } else {
      // authlib is not installed here: OpenID Connect Discovery 1.0 §3's REQUIRED fields, checked by hand.
      expect(validator.stderr).toMatch(/No module named 'authlib'/);
      for (const name of [
        'issuer',
        'authorization_endpoint',
        'jwks_uri',
        'response_types_supported',
        'subject_types_supported',
        'id_token_signing_alg_values_supported',
      ])
        expect(document[name]).toBeTruthy();
      expect(document.response_types_supported).toContain('code');
    }
    const config = await discover(confidential);
    expect(config.serverMetadata().issuer).toBe(issuer);
  });

  it('runs the code flow for a confidential client with openid-client: id_token, platform access token, userinfo, rotating refresh', async () => {
    const config = await discover(confidential);
    const { url, verifier, state, nonce } = await authorizationRequest(config, `${rp.url}/cb`, { acr_values: 'idporten-loa-high' });
    const jar = new CookieJar();
    const landed = await loginOverHttp(jar, url);
    expect(landed.status).toBe(303);
    expect(landed.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    const session = landed.headers.getSetCookie().find((c) => c.startsWith('platform_session='));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toMatch(/Secure/);
    const back = new URL(landed.headers.get('location') as string);
    expect(back.searchParams.get('iss')).toBe(issuer);

    const tokens = await oidc.authorizationCodeGrant(config, back, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const id = tokens.claims()!;
    expect(id).toMatchObject({ iss: issuer, aud: confidential.client_id, nonce, acr: 'idporten-loa-high', amr: ['BankID'] });
    expect(id.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(id)).not.toContain(PID);
    expect(typeof id.auth_time).toBe('number');
    expect(typeof id.sid).toBe('string');
    const access = decodeJwt(tokens.access_token);
    expect(access).toMatchObject({
      iss: issuer,
      pid: PID,
      'urn:altinn:authlevel': 4,
      'urn:altinn:authenticatemethod': 'BankID',
      sid: id.sid,
    });
    expect(access['urn:altinn:userid']).toEqual(expect.any(String));
    expect(tokens.refresh_token).toMatch(/^[\w-]{43}$/);

    const info = await oidc.fetchUserInfo(config, tokens.access_token, id.sub);
    expect(info).toMatchObject({ sub: id.sub, acr: 'idporten-loa-high', 'urn:altinn:userid': access['urn:altinn:userid'] });

    // The same person gets the same sub on a later login.
    const second = await codeOverHttp();
    const secondTokens = (await (
      await tokenForm(
        { grant_type: 'authorization_code', code: second.code, redirect_uri: `${rp.url}/cb`, code_verifier: second.verifier },
        basic(confidential),
      )
    ).json()) as Record<string, string>;
    expect(decodeJwt(secondTokens.id_token).sub).toBe(id.sub);

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ pid: PID, sid: id.sid });
    // The rotated token again: refused, and the whole family with it.
    const reused = await tokenForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }, basic(confidential));
    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual({ error: 'invalid_grant', error_description: expect.stringMatching(/used before/) });
    const heir = await tokenForm({ grant_type: 'refresh_token', refresh_token: refreshed.refresh_token as string }, basic(confidential));
    expect(heir.status).toBe(400);
    expect(((await heir.json()) as { error: string }).error).toBe('invalid_grant');

    const rows = await auditRows();
    expect(rows).toEqual(
      expect.arrayContaining([
        { provider: 'oidc-login', outcome: 'issued', reason: null, client_id: null, session_id: id.sid },
        { provider: 'oidc-code', outcome: 'issued', reason: null, client_id: confidential.client_id, session_id: id.sid },
        { provider: 'oidc-refresh', outcome: 'issued', reason: null, client_id: confidential.client_id, session_id: id.sid },
        { provider: 'oidc-refresh', outcome: 'refused', reason: 'invalid_grant', client_id: confidential.client_id, session_id: id.sid },
      ]),
    );
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/authentication_exchanges_total\{provider="oidc-login",outcome="issued"\} [1-9]/);
    expect(metrics).toMatch(/authentication_exchanges_total\{provider="oidc-code",outcome="issued"\} [1-9]/);
    expect(metrics).toMatch(/authentication_exchanges_total\{provider="oidc-refresh",outcome="issued"\} [1-9]/);
  });

  it('refuses an unknown client or a wrong redirect_uri with an error page, never a redirect', async () => {
    const { challenge } = pkce();
    for (const url of [
      authorizeUrl(confidential, { redirect_uri: `${rp.url}/elsewhere`, code_challenge: challenge, code_challenge_method: 'S256' }),
      authorizeUrl({ ...confidential, client_id: 'not-a-client' }, { code_challenge: challenge, code_challenge_method: 'S256' }),
    ]) {
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(await response.text()).toMatch(/<p role="alert" id="error">The (redirect_uri|client_id) is not/);
    }
  });

  it('sends every other refusal back to the client with error, state and iss: no PKCE, plain PKCE, no openid, prompt=none without a session', async () => {
    const { challenge } = pkce();
    const cases: [Record<string, string>, string][] = [
      [{ state: 'st' }, 'invalid_request'],
      [{ state: 'st', code_challenge: challenge, code_challenge_method: 'plain' }, 'invalid_request'],
      [{ state: 'st', code_challenge: challenge, code_challenge_method: 'S256', scope: 'profile' }, 'invalid_scope'],
      [{ state: 'st', code_challenge: challenge, code_challenge_method: 'S256', response_type: 'token' }, 'unsupported_response_type'],
      [{ state: 'st', code_challenge: challenge, code_challenge_method: 'S256', prompt: 'none' }, 'login_required'],
    ];
    for (const [params, error] of cases) {
      const response = await fetch(authorizeUrl(confidential, params), { redirect: 'manual' });
      expect(response.status).toBe(303);
      const back = new URL(response.headers.get('location') as string);
      expect(`${back.origin}${back.pathname}`).toBe(`${rp.url}/cb`);
      expect(Object.fromEntries(back.searchParams)).toEqual({ error, error_description: expect.any(String), state: 'st', iss: issuer });
    }
  });

  it('refuses a wrong code_verifier, a replayed code (revoking what it gave), and lets one of two concurrent redemptions win', async () => {
    const wrong = await codeOverHttp();
    const refused = await tokenForm(
      { grant_type: 'authorization_code', code: wrong.code, redirect_uri: `${rp.url}/cb`, code_verifier: pkce().verifier },
      basic(confidential),
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' });

    const { code, verifier } = await codeOverHttp();
    const form = { grant_type: 'authorization_code', code, redirect_uri: `${rp.url}/cb`, code_verifier: verifier };
    const first = await tokenForm(form, basic(confidential));
    expect(first.status).toBe(200);
    const issued = (await first.json()) as Record<string, string>;
    const replay = await tokenForm(form, basic(confidential));
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_grant');
    const revoked = await tokenForm({ grant_type: 'refresh_token', refresh_token: issued.refresh_token }, basic(confidential));
    expect(revoked.status).toBe(400);

    const race = await codeOverHttp();
    const raceForm = { grant_type: 'authorization_code', code: race.code, redirect_uri: `${rp.url}/cb`, code_verifier: race.verifier };
    const answers = await Promise.all(Array.from({ length: 5 }, () => tokenForm(raceForm, basic(confidential))));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400, 400]);

    const noSecret = await tokenForm({ grant_type: 'authorization_code', code: 'x', client_id: confidential.client_id });
    expect(noSecret.status).toBe(401);
    expect(((await noSecret.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('refuses a foreign state, a callback in another browser, and a forged upstream ID token', async () => {
    const unknown = await fetch(`${running.url}/authentication/api/v1/upstream/callback?state=forged&code=x`, { redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
    expect(await unknown.text()).toMatch(/unknown, was finished already/);

    // The transaction cookie stays with the browser that started; another browser's callback fails.
    const jar = new CookieJar();
    const { challenge } = pkce();
    const start = await jar.get(authorizeUrl(confidential, { code_challenge: challenge, code_challenge_method: 'S256' }));
    const upstream = new URL(start.headers.get('location') as string);
    const state = upstream.searchParams.get('state') as string;
    const elsewhere = await fetch(`${running.url}/authentication/api/v1/upstream/callback?state=${encodeURIComponent(state)}&code=x`, {
      redirect: 'manual',
    });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toMatch(/another browser/);
    // ... and the transaction is spent: the right browser cannot use it afterwards either.
    const late = await jar.get(`${running.url}/authentication/api/v1/upstream/callback?state=${encodeURIComponent(state)}&code=x`);
    expect(late.status).toBe(400);

    const upstreamIdporten = running.app.get(UpstreamIdporten);
    const upstreamIssuer = `${running.url}/test-idp/idporten/`;
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: upstreamIssuer,
      aud: TEST_IDP_LOGIN_CLIENT.clientId,
      pid: PID,
      acr: 'idporten-loa-high',
      nonce: 'n',
      iat: now,
      exp: now + 60,
    };
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'forged' }).sign(privateKey);
    await expect(upstreamIdporten.verifyIdToken(forged, { nonce: 'n', acr: 'idporten-loa-substantial' })).rejects.toMatchObject({
      reason: 'upstream_invalid_id_token',
    });
    // Genuinely signed by test ID-porten, but for another client, another login, or a lower level.
    const signed = async (overrides: Record<string, unknown>) => {
      const response = await json(running, 'POST', '/test-idp/idporten/token', {
        pid: PID,
        acr: 'idporten-loa-substantial',
        nonce: 'n',
        aud: TEST_IDP_LOGIN_CLIENT.clientId,
        ...overrides,
      });
      return ((await response.json()) as { access_token: string }).access_token;
    };
    await expect(
      upstreamIdporten.verifyIdToken(await signed({ aud: 'someone-else' }), { nonce: 'n', acr: 'idporten-loa-substantial' }),
    ).rejects.toMatchObject({
      reason: 'upstream_invalid_id_token',
    });
    await expect(
      upstreamIdporten.verifyIdToken(await signed({}), { nonce: 'other', acr: 'idporten-loa-substantial' }),
    ).rejects.toMatchObject({
      reason: 'upstream_nonce_mismatch',
    });
    await expect(upstreamIdporten.verifyIdToken(await signed({}), { nonce: 'n', acr: 'idporten-loa-high' })).rejects.toMatchObject({
      reason: 'upstream_acr_too_low',
    });
    await expect(upstreamIdporten.verifyIdToken(await signed({}), { nonce: 'n', acr: 'idporten-loa-substantial' })).resolves.toMatchObject({
      issuer: upstreamIssuer,
    });
  });

  it('never redirects to a goto or post_logout_redirect_uri it does not know', async () => {
    const jar = new CookieJar();
    await codeOverHttp(jar);
    for (const goto of [
      'https://evil.example/',
      'https://apps.example.evil.example/',
      '//evil.example/',
      'javascript:alert(1)',
      'http://apps.example/',
    ]) {
      const response = await jar.get(`${running.url}/authentication/api/v1/authentication?goto=${encodeURIComponent(goto)}`);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`${running.url}/`);
    }
    const allowed = await jar.get(
      `${running.url}/authentication/api/v1/authentication?goto=${encodeURIComponent('https://apps.example/inbox')}`,
    );
    expect(allowed.headers.get('location')).toBe('https://apps.example/inbox');
    const cookie = allowed.headers.getSetCookie().find((c) => c.startsWith('AltinnStudioRuntime='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const token = (cookie as string).split(';')[0].slice('AltinnStudioRuntime='.length);
    expect(decodeJwt(token)).toMatchObject({ iss: issuer, pid: PID });

    const refreshed = await fetch(`${running.url}/authentication/api/v1/refresh`, { headers: { cookie: `AltinnStudioRuntime=${token}` } });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(await refreshed.text())).toMatchObject({ pid: PID });

    const evilLogout = await jar.get(
      `${running.url}/authentication/api/v1/openid/logout?client_id=${confidential.client_id}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`,
    );
    expect(evilLogout.status).toBe(400);
    expect(evilLogout.headers.get('location')).toBeNull();
  });

  it('answers userinfo only for a live session access token, with a problem otherwise', async () => {
    const response = await fetch(`${running.url}/authentication/api/v1/userinfo`, { headers: { authorization: 'Bearer not-a-token' } });
    const problem = await expectProblem(response, 401);
    expect(problem.type).toMatch(/invalid-token/);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });

  describe('in a real browser', { skip: browserSkipReason() }, () => {
    let browser: HeadlessBrowser;
    before(async () => {
      browser = await launchBrowser([]);
    });
    after(() => browser?.close());

    it('logs in through test ID-porten’s form, signs on a second client without it, sets the platform cookie, and logs out everywhere', async () => {
      const page = await browser.browser.newPage();
      page.setDefaultTimeout(60_000);
      const config = await discover(confidential);
      const { url, verifier, state, nonce } = await authorizationRequest(config, `${rp.url}/cb`);
      await page.goto(url.href);
      expect(new URL(page.url()).pathname).toBe('/test-idp/idporten/authorize');
      await personLogsIn(page);
      const back = new URL(page.url());
      expect(`${back.origin}${back.pathname}`).toBe(`${rp.url}/cb`);
      const tokens = await oidc.authorizationCodeGrant(config, back, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const sub = tokens.claims()!.sub;

      // Single sign-on: the phone app's /authorize skips ID-porten while the session lasts.
      const phoneConfig = await discover(phone);
      const phoneRequest = await authorizationRequest(phoneConfig, `${rp.url}/phone`);
      await page.goto(phoneRequest.url.href);
      const phoneBack = new URL(page.url());
      expect(`${phoneBack.origin}${phoneBack.pathname}`).toBe(`${rp.url}/phone`);
      const phoneTokens = await oidc.authorizationCodeGrant(phoneConfig, phoneBack, {
        pkceCodeVerifier: phoneRequest.verifier,
        expectedState: phoneRequest.state,
        expectedNonce: phoneRequest.nonce,
      });
      expect(phoneTokens.claims()!.sub).toBe(sub);
      expect(phoneTokens.claims()!.sid).toBe(tokens.claims()!.sid);

      // The platform cookie, then the page it was asked for.
      await page.goto(`${running.url}/authentication/api/v1/authentication?goto=${encodeURIComponent(`${rp.url}/app`)}`);
      expect(page.url()).toBe(`${rp.url}/app`);
      const cookies = await browser.browser.cookies();
      expect(cookies.find((c) => c.name === 'AltinnStudioRuntime')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

      // RP-initiated logout through test ID-porten's end-session endpoint and back.
      const logout = oidc.buildEndSessionUrl(config, {
        id_token_hint: tokens.id_token as string,
        post_logout_redirect_uri: `${rp.url}/bye`,
        state: 'bye-state',
      });
      await page.goto(logout.href);
      expect(page.url()).toBe(`${rp.url}/bye?state=bye-state`);
      const after = await tokenForm({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string }, basic(confidential));
      expect(after.status).toBe(400);
      expect(((await after.json()) as { error: string }).error).toBe('invalid_grant');
      const phoneAfter = await tokenForm({
        grant_type: 'refresh_token',
        refresh_token: phoneTokens.refresh_token as string,
        client_id: phone.client_id,
      });
      expect(phoneAfter.status).toBe(400);
      await expect(oidc.fetchUserInfo(config, tokens.access_token, sub)).rejects.toBeDefined();
      // And /authorize goes to ID-porten again.
      await page.goto(url.href);
      expect(new URL(page.url()).pathname).toBe('/test-idp/idporten/authorize');
      // The development demo page runs the same round trip and shows the tokens.
      await page.goto(`${running.url}/test-idp/login-demo`);
      await personLogsIn(page);
      expect(page.url().startsWith(`${running.url}/test-idp/login-demo/callback?`)).toBe(true);
      const shown = JSON.parse(
        (await page.$eval('#access_token_claims', (e) => (e as unknown as { textContent: string | null }).textContent)) ?? '{}',
      ) as Record<string, unknown>;
      expect(shown).toMatchObject({ iss: issuer, pid: PID });
      const shownId = JSON.parse(
        (await page.$eval('#id_token_claims', (e) => (e as unknown as { textContent: string | null }).textContent)) ?? '{}',
      ) as Record<string, unknown>;
      expect(shownId).toMatchObject({ aud: 'test-idp-login-demo', sub });
      const rows = await auditRows();
      expect(rows).toContainEqual({
        provider: 'oidc-logout',
        outcome: 'issued',
        reason: null,
        client_id: null,
        session_id: tokens.claims()!.sid,
      });
    });
  });
});
