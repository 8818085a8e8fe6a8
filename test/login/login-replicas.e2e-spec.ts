// test-database: independent (replicas share the local PostgreSQL server in either pass)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeJwt } from 'jose';
import { TEST_IDP_LOGIN_CLIENT } from '../../src/config/settings';
import { freePort, RunningApp, startApp } from '../helpers/app';
import { pkce } from '../helpers/code-flow-client';
import { createTestDatabase, LOCAL_SERVER_URL, serverMissing, TestDatabase } from '../helpers/database';
import { Spawned, spawnService, stopAll, waitFor } from '../helpers/spawn';
import { ClientJson, clientsInService, CookieJar, loginOverHttp, PID, relyingParty } from './login-helpers';

// Replicas share a PostgreSQL database (the embedded one has one owner): the local server's.
describe('login across replicas sharing PostgreSQL', () => {
  let noServer: string | undefined;
  let database: TestDatabase;
  let first: RunningApp;
  let second: Spawned;
  let secondUrl: string;
  let dataDir: string;
  let rp: Awaited<ReturnType<typeof relyingParty>>;
  let client: ClientJson;

  before(async () => {
    noServer = await serverMissing();
    if (noServer) return;
    database = await createTestDatabase(LOCAL_SERVER_URL);
    const port = await freePort();
    // Both replicas are reached at one public URL: the first's, as a load balancer would present it.
    const issuer = `http://127.0.0.1:${port}/authentication/api/v1/openid/`;
    first = await startApp({
      database,
      env: { PORT: String(port), ISSUER_URL: issuer, TEST_IDP_ENABLED: 'true', UPSTREAM_TIMEOUT_MS: '20000' },
    });
    const secondPort = await freePort();
    secondUrl = `http://127.0.0.1:${secondPort}`;
    dataDir = mkdtempSync(join(tmpdir(), 'auth-login-replica-'));
    second = spawnService({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PORT: String(secondPort),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: first.database.url as string,
      KEY_ENCRYPTION_KEY: 'test-key-encryption-secret-0123456789abcdef',
      ISSUER_URL: issuer,
      TEST_IDP_ENABLED: 'false',
      LOGIN_ENABLED: 'true',
      IDPORTEN_WELL_KNOWN_URLS: `${first.url}/test-idp/idporten/.well-known/openid-configuration`,
      MASKINPORTEN_WELL_KNOWN_URLS: `${first.url}/test-idp/maskinporten/.well-known/oauth-authorization-server`,
      IDPORTEN_CLIENT_ID: TEST_IDP_LOGIN_CLIENT.clientId,
      IDPORTEN_CLIENT_SECRET: TEST_IDP_LOGIN_CLIENT.clientSecret,
      UPSTREAM_TIMEOUT_MS: '20000',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    await waitFor(`${secondUrl}/health/ready`, 120_000, second.exited);
    rp = await relyingParty();
    const added = await clientsInService(first, {
      command: 'clients.add',
      client: { name: 'Portal', redirectUris: [`${rp.url}/cb`], postLogoutRedirectUris: [], public: false },
    });
    client = added.json as unknown as ClientJson;
  });
  after(async () => {
    await stopAll();
    await rp?.close();
    await first?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes a login on the second replica that the first one started, and its code works once on either', async (t) => {
    if (noServer) return t.skip(noServer);
    const { verifier, challenge } = pkce();
    const authorize = new URL(`${first.url}/authentication/api/v1/authorize`);
    for (const [k, v] of Object.entries({
      client_id: client.client_id,
      redirect_uri: `${rp.url}/cb`,
      response_type: 'code',
      scope: 'openid',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'replica',
    }))
      authorize.searchParams.set(k, v);
    const jar = new CookieJar();
    // The callback lands on the second replica: the transaction is found in the shared database.
    const landed = await loginOverHttp(jar, authorize, {}, (callback) => {
      const url = new URL(callback);
      expect(url.origin).toBe(first.url);
      return `${secondUrl}${url.pathname}${url.search}`;
    });
    expect(landed.status).toBe(303);
    const back = new URL(landed.headers.get('location') as string);
    expect(back.searchParams.get('state')).toBe('replica');
    const code = back.searchParams.get('code') as string;
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${rp.url}/cb`, code_verifier: verifier });
    const auth = { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` };
    const headers = { 'content-type': 'application/x-www-form-urlencoded', ...auth };
    const [one, two] = await Promise.all([
      fetch(`${first.url}/authentication/api/v1/token`, { method: 'POST', headers, body: form.toString() }),
      fetch(`${secondUrl}/authentication/api/v1/token`, { method: 'POST', headers, body: form.toString() }),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 400]);
    const tokens = (await (one.status === 200 ? one : two).json()) as { access_token: string; id_token: string };
    expect(decodeJwt(tokens.access_token)).toMatchObject({ pid: PID });
    // The session started on the second replica is the first one's too: single sign-on there.
    const again = new URL(authorize);
    again.searchParams.set('code_challenge', pkce().challenge);
    const sso = await jar.get(again);
    expect(sso.status).toBe(303);
    expect(new URL(sso.headers.get('location') as string).searchParams.get('code')).toMatch(/^[\w-]{43}$/);
  });
});
