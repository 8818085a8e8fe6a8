// test-database: independent (uses the local PostgreSQL server in either pass)
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit-log';
import { KeyRing } from '../../src/keys/key-ring';
import { RunningApp, startApp } from '../helpers/app';
import { createTestDatabase, LOCAL_SERVER_URL, serverAnswers, TestDatabase } from '../helpers/database';
import { eventually, exchange, JWKS_PATH } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';
import { runCommand } from '../helpers/spawn';

const ISSUER = 'https://platform.test/authentication/api/v1/openid/';
const KEY_ENCRYPTION_KEY = 'test-key-encryption-secret-0123456789abcdef';

// The CLI and the service share the database, as in production: that needs a server both reach.
describe('a key revoked by keys rotate --now', () => {
  let available = false;
  let database: TestDatabase;
  let maskinporten: FakeIssuer;
  let running: RunningApp;

  /** The real CLI in a second process; asynchronous, since the service under test shares this event loop. */
  const keysCli = async (...args: string[]) => {
    const { code, stdout, stderr } = await runCommand(['keys', ...args], {
      ...database.env,
      ISSUER_URL: ISSUER,
      KEY_ENCRYPTION_KEY,
      LOG_LEVEL: 'silent',
    });
    return { code: code ?? 1, stdout, stderr };
  };
  const refresh = (token: string) =>
    fetch(`${running.url}/authentication/api/v1/refresh`, { headers: { authorization: `Bearer ${token}` } });
  const publishedKids = async () =>
    ((await (await fetch(`${running.url}${JWKS_PATH}`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

  before(async () => {
    available = await serverAnswers();
    if (!available) return;
    database = await createTestDatabase(LOCAL_SERVER_URL);
    maskinporten = await FakeIssuer.start('maskinporten');
    running = await startApp({
      database,
      env: { ISSUER_URL: ISSUER, MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl, KEY_RELOAD_SECONDS: '1', KEY_ENCRYPTION_KEY },
    });
  });
  after(async () => {
    if (!available) return;
    await running.close();
    await maskinporten.close();
    await database.drop();
  });

  it('is unpublished within the reload interval, and refresh refuses every token it signed, forged or not', async (t) => {
    if (!available) return t.skip('no PostgreSQL server on 127.0.0.1:5432 for the CLI and the service to share');
    const leaked = running.app.get(KeyRing).activeKey();
    if (!leaked) throw new Error('no active key');
    // The attacker holds the private key: any claims, any times.
    const now = Math.floor(running.clock.now() / 1000);
    const forge = (claims: Record<string, unknown>) =>
      new SignJWT({
        client_id: 'stolen',
        'urn:altinn:orgNumber': '974760673',
        iss: ISSUER,
        iat: now,
        nbf: now,
        exp: now + 600,
        jti: `forged-${Math.random()}`,
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: leaked.kid, typ: 'JWT' })
        .sign(leaked.privateKey);
    const forged = await forge({});
    const legitimate = await (await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).text();
    expect(decodeProtectedHeader(legitimate).kid).toBe(leaked.kid);
    // Before the rotation the leaked key is as good as ours; a forged far-future window is not.
    expect((await refresh(forged)).status).toBe(200);
    const stretched = await expectProblem(
      await refresh(await forge({ iat: now + 100_000_000, 'urn:altinn:exchanged_at': now + 100_000_000, exp: now + 100_000_600 })),
      401,
    );
    expect(stretched.detail).toMatch(/in the future/);

    const rotated = await keysCli('rotate', '--now');
    expect(rotated.stderr).toBe('');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`${leaked.kid} revoked: unpublished, and tokens it signed are refused by refresh`);
    const listed = (await keysCli('list')).stdout.split('\n').find((line) => line.startsWith(leaked.kid)) ?? '';
    expect(listed.split('\t')[1]).toBe('revoked');

    // KEY_RELOAD_SECONDS=1: the running service learns it on its next reload, without a restart.
    await eventually(async () => !(await publishedKids()).includes(leaked.kid), 15_000);
    expect(running.app.get(KeyRing).trusts(leaked.kid)).toBe(false);
    expect(running.app.get(KeyRing).isRevoked(leaked.kid)).toBe(true);
    for (const token of [forged, legitimate, await forge({})]) {
      const response = await refresh(token);
      const body = await expectProblem(response, 401);
      expect(body.detail).toBe('the token was signed by a revoked key; exchange a new upstream token');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    }
    await running.app.get(AuditLog).flush();
    const reasons = await running.app
      .get(DataSource)
      .query<{ reason: string }[]>("SELECT reason FROM authentication_events WHERE provider = 'refresh' AND outcome = 'refused'");
    expect(reasons.filter((r) => r.reason === 'revoked_key')).toHaveLength(3);

    // Service goes on with the new key: exchange and refresh work, signed by it.
    const fresh = await (await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).text();
    const newKid = decodeProtectedHeader(fresh).kid;
    expect(newKid).not.toBe(leaked.kid);
    expect(await publishedKids()).toEqual([newKid]);
    const renewed = await refresh(fresh);
    expect(renewed.status).toBe(200);
    expect(decodeProtectedHeader(await renewed.text()).kid).toBe(newKid);
    expect(decodeJwt(fresh).iss).toBe(ISSUER);
  });

  it('is not revoked by a planned rotation: the replaced key stays published', async (t) => {
    if (!available) return t.skip('no PostgreSQL server on 127.0.0.1:5432 for the CLI and the service to share');
    const before = await publishedKids();
    const rotated = await keysCli('rotate');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).not.toContain('revoked');
    await eventually(async () => (await publishedKids()).length === before.length + 1, 15_000);
    for (const kid of before) expect(running.app.get(KeyRing).trusts(kid)).toBe(true);
  });
});
