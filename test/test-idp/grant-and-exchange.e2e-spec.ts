import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeJwt, generateKeyPair } from 'jose';
import { RunningApp, startApp } from '../helpers/app';
import { exchange } from '../helpers/exchange';
import { assertion, json, provisionClient, SCOPE, standInIssuer, StandInClient, tokenRequest } from '../helpers/test-idp-client';

const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

describe('test IdP token endpoints and the real exchange', () => {
  const env = { TEST_IDP_ENABLED: 'true', CLOCK_SKEW_SECONDS: '30' };
  let running: RunningApp;
  let client: StandInClient;
  /** The app on the same database after the restart test (the last one) stopped `running`. */
  let restarted: RunningApp | undefined;

  before(async () => {
    // A skew above the old fixed 10 s, to show the test IdP forgives CLOCK_SKEW_SECONDS.
    running = await startApp({ env });
    client = await provisionClient(running);
  });
  after(async () => {
    if (!restarted) return running.close();
    await restarted.close();
    await running.database.drop();
  });

  const oauthError = async (form: Record<string, string>, error: string) => {
    const response = await tokenRequest(running, form);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body).toEqual({ error, error_description: expect.any(String) });
    return body;
  };

  it('publishes metadata and keys', async () => {
    const metadata = (await (await fetch(`${running.url}/test-idp/maskinporten/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata).toMatchObject({
      issuer: standInIssuer(running),
      token_endpoint: `${standInIssuer(running)}token`,
      jwks_uri: `${standInIssuer(running)}jwks`,
      grant_types_supported: [GRANT],
    });
    const jwks = (await (await fetch(metadata.jwks_uri as string)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it("issues a token shaped like the seed's Maskinporten token, which the exchange accepts", async () => {
    const response = await tokenRequest(running, { grant_type: GRANT, assertion: await assertion(running, client) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 120, scope: SCOPE });
    const claims = decodeJwt(body.access_token);
    expect(Object.keys(claims).sort()).toEqual([
      'aud',
      'client_amr',
      'client_id',
      'client_orgno',
      'consumer',
      'exp',
      'iat',
      'iss',
      'jti',
      'scope',
      'token_type',
    ]);
    expect(claims).toMatchObject({
      iss: standInIssuer(running),
      client_id: client.clientId,
      client_orgno: '974760673',
      consumer: { authority: 'iso6523-actorid-upis', ID: '0192:974760673' },
      scope: SCOPE,
    });
    const exchanged = await exchange(running, 'maskinporten', body.access_token);
    expect(exchanged.status).toBe(200);
    expect(decodeJwt(await exchanged.text())).toMatchObject({ org: 'brg', orgNumber: 974760673, scope: SCOPE });
  });

  it('answers each RFC 6749 error', async () => {
    await oauthError({ grant_type: 'client_credentials' }, 'unsupported_grant_type');
    await oauthError({ grant_type: GRANT }, 'invalid_request');
    await oauthError({ grant_type: GRANT, assertion: 'not-a-jwt' }, 'invalid_grant');
    await oauthError(
      { grant_type: GRANT, assertion: await assertion(running, client, { iss: '00000000-0000-4000-8000-000000000000' }) },
      'invalid_client',
    );
    const stranger = await generateKeyPair('RS256');
    await oauthError({ grant_type: GRANT, assertion: await assertion(running, client, {}, stranger.privateKey) }, 'invalid_grant');
    const now = Math.floor(running.clock.now() / 1000);
    await oauthError(
      { grant_type: GRANT, assertion: await assertion(running, client, { iat: now - 300, exp: now - 100 }) },
      'invalid_grant',
    );
    const far = await oauthError({ grant_type: GRANT, assertion: await assertion(running, client, { exp: now + 600 }) }, 'invalid_grant');
    expect(far.error_description).toMatch(/120 s/);
    // A few seconds past the skew: `now` was read before the requests above, and the server's second may have turned since.
    const pastSkew = await oauthError(
      { grant_type: GRANT, assertion: await assertion(running, client, { exp: now + 120 + 30 + 5 }) },
      'invalid_grant',
    );
    expect(pastSkew.error_description).toMatch(/120 s/);
    await oauthError({ grant_type: GRANT, assertion: await assertion(running, client, { aud: 'https://elsewhere/' }) }, 'invalid_grant');
    await oauthError({ grant_type: GRANT, assertion: await assertion(running, client, { scope: 'altinn:other' }) }, 'invalid_scope');
    await oauthError({ grant_type: GRANT, assertion: await assertion(running, client, { scope: undefined }) }, 'invalid_scope');
  });

  it('forgives CLOCK_SKEW_SECONDS on an assertion’s exp, not a fixed 10 s', async () => {
    const now = Math.floor(running.clock.now() / 1000);
    const response = await tokenRequest(running, {
      grant_type: GRANT,
      assertion: await assertion(running, client, { exp: now + 120 + 25 }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { access_token?: unknown }).access_token).toEqual(expect.any(String));
  });

  it('refuses a replayed assertion', async () => {
    const once = await assertion(running, client);
    expect((await tokenRequest(running, { grant_type: GRANT, assertion: once })).status).toBe(200);
    const replay = await oauthError({ grant_type: GRANT, assertion: once }, 'invalid_grant');
    expect(replay.error_description).toMatch(/already used/);
  });

  it('issues ID-porten tokens that the exchange accepts, and validates the request', async () => {
    const response = await json(running, 'POST', '/test-idp/idporten/token', {
      pid: '19108000239',
      acr: 'idporten-loa-high',
      amr: ['BankID'],
      nonce: 'n1',
    });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    const claims = decodeJwt(token);
    for (const name of ['pid', 'acr', 'amr', 'sub', 'sid', 'locale', 'nonce', 'at_hash', 'aud', 'iss', 'auth_time', 'exp', 'iat', 'jti'])
      expect(claims).toHaveProperty(name);
    const exchanged = decodeJwt(await (await exchange(running, 'id-porten', token)).text());
    expect(exchanged).toMatchObject({ 'urn:altinn:userid': '20000011', 'urn:altinn:authlevel': 4, amr: 'BankID', nonce: 'n1' });
    expect((await json(running, 'POST', '/test-idp/idporten/token', { pid: '123' })).status).toBe(400);
    expect((await json(running, 'POST', '/test-idp/idporten/token', { pid: '19108000239', acr: 'Level9' })).status).toBe(400);
  });

  it('serves a login page without external assets, and shows the token after login', async () => {
    const page = await fetch(`${running.url}/test-idp/idporten/login`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<form method="post" action="login">');
    // Every level the exchange accepts, Level0 included, the default first.
    const levels = [...html.matchAll(/<option(?: selected)?>([^<]*)<\/option>/g)].map((m) => m[1]);
    expect(levels.slice(0, 6)).toEqual(['idporten-loa-substantial', 'Level0', 'idporten-loa-low', 'Level3', 'Level4', 'idporten-loa-high']);
    expect(html).not.toMatch(/(src|href)="https?:/);
    const result = await fetch(`${running.url}/test-idp/idporten/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'pid=19108000239&acr=idporten-loa-substantial&amr=BankID',
    });
    expect(result.status).toBe(200);
    const shown = await result.text();
    expect(shown).toMatch(/<pre id="token">eyJ[\w-]+\.[\w-]+\.[\w-]+<\/pre>/);
    expect(shown).toContain('/authentication/api/v1/exchange/id-porten');
    const bad = await fetch(`${running.url}/test-idp/idporten/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'pid=<script>',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toContain('<script>alert');
  });

  // Last: it stops the app the tests above share, and starts it again on the same database and port.
  it('keeps its keys across a restart: a token issued before it is exchanged after', async () => {
    const response = await json(running, 'POST', '/test-idp/idporten/token', { pid: '19108000239' });
    const { access_token: token } = (await response.json()) as { access_token: string };
    await running.app.close();
    restarted = await startApp({ env: { ...env, PORT: new URL(running.url).port }, database: running.database });
    expect((await exchange(restarted, 'id-porten', token)).status).toBe(200);
  });
});

describe('test IdP is off', () => {
  let running: RunningApp;
  before(async () => {
    running = await startApp({ env: { TEST_IDP_ENABLED: 'false' } });
  });
  after(() => running.close());

  it('serves none of its routes', async () => {
    expect((await fetch(`${running.url}/test-idp/maskinporten/.well-known/oauth-authorization-server`)).status).toBe(404);
    expect((await json(running, 'POST', '/test-idp/maskinporten/scopes', { prefix: 'a', subscope: 'b' })).status).toBe(404);
  });
});
