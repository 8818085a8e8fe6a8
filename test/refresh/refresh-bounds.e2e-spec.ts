import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeJwt, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit-log';
import { KeyRing } from '../../src/keys/key-ring';
import { RunningApp, startApp } from '../helpers/app';
import { AppWithIssuers, startAppWithIssuers } from '../helpers/app-with-issuers';
import { exchange } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';

const ISSUER = 'https://platform.test/authentication/api/v1/openid/';
const EXCHANGED_AT = 'urn:altinn:exchanged_at';
const REFRESH_UNTIL = 'urn:altinn:refresh_until';

const refresh = (app: RunningApp, token: string) =>
  fetch(`${app.url}/authentication/api/v1/refresh`, { headers: { authorization: `Bearer ${token}` } });
const seconds = (app: RunningApp) => Math.floor(app.clock.now() / 1000);

async function audited(app: RunningApp) {
  await app.app.get(AuditLog).flush();
  return app.app.get(DataSource).query<
    {
      provider: string;
      outcome: string;
      reason: string | null;
      client_id: string | null;
      org_number: string | null;
      user_id: number | null;
      issued_jti: string | null;
      replaced_jti: string | null;
    }[]
  >("SELECT provider, outcome, reason, client_id, org_number, user_id, issued_jti, replaced_jti FROM authentication_events WHERE provider = 'refresh' ORDER BY occurred_at");
}

/** A token signed with our own active key, as someone holding it (or a bug) could make one. */
async function signedByUs(app: RunningApp, claims: Record<string, unknown>): Promise<string> {
  const key = app.app.get(KeyRing).activeKey();
  if (!key) throw new Error('no active key');
  const now = seconds(app);
  return new SignJWT({
    client_id: 'c1',
    'urn:altinn:orgNumber': '974760673',
    iss: ISSUER,
    iat: now,
    nbf: now,
    exp: now + 600,
    jti: `jti-${Math.random()}`,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

describe('refresh with IDPORTEN_TOKEN_LIFETIME=upstream never outlives the ID-porten token', () => {
  let idporten: FakeIssuer;
  let running: RunningApp;
  before(async () => {
    idporten = await FakeIssuer.start('idporten');
    // Tokens up to 10 minutes, chains up to 8 hours: only the upstream expiry can stop the chain early.
    running = await startApp({
      env: {
        ISSUER_URL: ISSUER,
        IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl,
        IDPORTEN_TOKEN_LIFETIME: 'upstream',
        TOKEN_LIFETIME_SECONDS: '600',
        REFRESH_MAX_AGE_SECONDS: '28800',
      },
    });
  });
  after(async () => {
    await running.close();
    await idporten.close();
  });

  it('carries the upstream expiry, and every refresh ends by it (it used to run on for the whole window)', async () => {
    const now = seconds(running);
    const upstreamExp = now + 120;
    const first = await (await exchange(running, 'id-porten', await idporten.idportenToken({ iat: now, exp: upstreamExp }))).text();
    expect(decodeJwt(first)[REFRESH_UNTIL]).toBe(upstreamExp);
    expect(decodeJwt(first).exp).toBe(upstreamExp);

    running.clock.advance(60_000);
    const second = await refresh(running, first);
    expect(second.status).toBe(200);
    const secondClaims = decodeJwt(await second.text());
    expect(secondClaims[REFRESH_UNTIL]).toBe(upstreamExp);
    expect(secondClaims.exp).toBe(upstreamExp);
    expect(secondClaims[EXCHANGED_AT]).toBe(decodeJwt(first).iat);

    // Within the skew the token itself still verifies, but the upstream token is gone: no new one.
    running.clock.advance(65_000);
    const response = await refresh(running, first);
    const body = await expectProblem(response, 401);
    expect(body.detail).toBe('the upstream token this token came from has expired; exchange a new upstream token');
    const rows = await audited(running);
    expect(rows[rows.length - 1]).toMatchObject({ outcome: 'refused', reason: 'upstream_expired', user_id: expect.any(Number) });
  });

  it('lets a chain from a long-lived upstream token run to the upstream expiry, not beyond', async () => {
    const now = seconds(running);
    const upstreamExp = now + 1000;
    let token = await (await exchange(running, 'id-porten', await idporten.idportenToken({ iat: now, exp: upstreamExp }))).text();
    expect(decodeJwt(token).exp).toBe(now + 600);
    running.clock.advance(590_000);
    token = await (await refresh(running, token)).text();
    expect(decodeJwt(token).exp).toBe(upstreamExp);
    // 4 s past the upstream expiry: still within the skew for the token, over for the chain.
    running.clock.advance(414_000);
    expect((await expectProblem(await refresh(running, token), 401)).detail).toMatch(/upstream token this token came from has expired/);
  });

  it('keeps a forged-later refresh_until from widening the window: the signature covers it', async () => {
    const now = seconds(running);
    const token = await (await exchange(running, 'id-porten', await idporten.idportenToken({ iat: now, exp: now + 120 }))).text();
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const widened = Buffer.from(JSON.stringify({ ...claims, [REFRESH_UNTIL]: now + 100_000 })).toString('base64url');
    await expectProblem(await refresh(running, `${header}.${widened}.${signature}`), 401);
  });
});

describe('the refresh window starts at the earlier of exchanged_at and iat, never in the future; audit rows name subject and parent', () => {
  let started: AppWithIssuers;
  let maskinporten: FakeIssuer;
  let idporten: FakeIssuer;
  let running: RunningApp;
  before(async () => {
    started = await startAppWithIssuers({
      env: {
        ISSUER_URL: ISSUER,
        TOKEN_LIFETIME_SECONDS: '600',
        REFRESH_MAX_AGE_SECONDS: '900',
        CLOCK_SKEW_SECONDS: '10',
      },
    });
    ({ running, maskinporten, idporten } = started);
  });
  after(() => started?.close());

  const refusedInFuture = async (token: string) => {
    const before = (await audited(running)).length;
    const response = await refresh(running, token);
    const body = await expectProblem(response, 401);
    expect(body.detail).toBe('the token claims to be issued in the future');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    const rows = await audited(running);
    expect(rows.length).toBe(before + 1);
    expect(rows[rows.length - 1]).toMatchObject({ outcome: 'refused', reason: 'issued_in_future', issued_jti: null });
  };

  it('refuses exchanged_at and iat 10^8 seconds ahead (the attack that stretched a chain past any key rotation)', async () => {
    const far = seconds(running) + 100_000_000;
    await refusedInFuture(await signedByUs(running, { iat: far, nbf: undefined, exp: far + 600, [EXCHANGED_AT]: far }));
  });

  it('refuses an exchanged_at in the future on an ordinary token, and an iat just beyond the skew', async () => {
    const now = seconds(running);
    await refusedInFuture(await signedByUs(running, { [EXCHANGED_AT]: now + 3600 }));
    await refusedInFuture(await signedByUs(running, { iat: now + 60, nbf: undefined }));
  });

  it('accepts times within the skew', async () => {
    const now = seconds(running);
    expect((await refresh(running, await signedByUs(running, { iat: now + 5, nbf: now, [EXCHANGED_AT]: now + 5 }))).status).toBe(200);
  });

  it('counts the window from iat when exchanged_at claims a later start', async () => {
    const now = seconds(running);
    const token = await signedByUs(running, { iat: now - 800, nbf: now - 800, exp: now + 100, [EXCHANGED_AT]: now - 10 });
    const refreshed = decodeJwt(await (await refresh(running, token)).text());
    expect(refreshed[EXCHANGED_AT]).toBe(now - 800);
    expect(refreshed.exp).toBe(now - 800 + 900);
  });

  it('refuses an exchanged_at or refresh_until that is not a number', async () => {
    for (const claims of [{ [EXCHANGED_AT]: '0' }, { [REFRESH_UNTIL]: 'forever' }]) {
      const body = await expectProblem(await refresh(running, await signedByUs(running, claims)), 401);
      expect(body.detail).toMatch(/must be a NumericDate/);
    }
  });

  it('traces a twice-refreshed Maskinporten token back to its exchange', async () => {
    const exchanged = await (await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).text();
    const once = await (await refresh(running, exchanged)).text();
    const twice = await (await refresh(running, once)).text();
    const rows = await audited(running);
    const subject = {
      provider: 'refresh',
      outcome: 'issued',
      client_id: '0de19f7a-f5fa-45d1-874c-3d2e88ce97d9',
      org_number: '974760673',
      user_id: null,
    };
    expect(rows.slice(-2)).toEqual([
      { ...subject, reason: null, issued_jti: decodeJwt(once).jti, replaced_jti: decodeJwt(exchanged).jti },
      { ...subject, reason: null, issued_jti: decodeJwt(twice).jti, replaced_jti: decodeJwt(once).jti },
    ]);
    await running.app.get(AuditLog).flush();
    const [origin] = await running.app
      .get(DataSource)
      .query<{ provider: string }[]>('SELECT provider FROM authentication_events WHERE issued_jti = $1', [decodeJwt(exchanged).jti]);
    expect(origin.provider).toBe('maskinporten');
  });

  it('records the user id for a person, and the subject of a refused refresh too', async () => {
    const exchanged = await (await exchange(running, 'id-porten', await idporten.idportenToken())).text();
    const userId = Number(decodeJwt(exchanged)['urn:altinn:userid']);
    expect(userId).toBeGreaterThan(0);
    const refreshed = await (await refresh(running, exchanged)).text();
    let rows = await audited(running);
    expect(rows[rows.length - 1]).toEqual({
      provider: 'refresh',
      outcome: 'issued',
      reason: null,
      client_id: null,
      org_number: null,
      user_id: userId,
      issued_jti: decodeJwt(refreshed).jti,
      replaced_jti: decodeJwt(exchanged).jti,
    });
    // A token we trust that is past its window: refused, and the row still says whose and which.
    const now = seconds(running);
    const stale = await signedByUs(running, {
      client_id: undefined,
      'urn:altinn:orgNumber': undefined,
      'urn:altinn:userid': '42',
      iat: now - 1000,
      nbf: now - 1000,
      exp: now + 60,
    });
    expect((await expectProblem(await refresh(running, stale), 401)).detail).toMatch(/refresh window/);
    rows = await audited(running);
    expect(rows[rows.length - 1]).toMatchObject({
      outcome: 'refused',
      reason: 'refresh_window_over',
      user_id: 42,
      client_id: null,
      replaced_jti: decodeJwt(stale).jti,
      issued_jti: null,
    });
  });
});
