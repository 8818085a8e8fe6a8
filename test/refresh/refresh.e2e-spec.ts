import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeJwt } from 'jose';
import { RunningApp, startApp } from '../helpers/app';
import { exchange, verifyIssued } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';

const ISSUER = 'https://platform.test/authentication/api/v1/openid/';
const refresh = (app: RunningApp, token?: string, accept?: string) =>
  fetch(`${app.url}/authentication/api/v1/refresh`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(accept ? { accept } : {}) },
  });

describe('token refresh', () => {
  let maskinporten: FakeIssuer;
  let running: RunningApp;
  /** An exchange now, in the app's (moved) time. */
  const ours = async () => {
    const now = Math.floor(running.clock.now() / 1000);
    return (await exchange(running, 'maskinporten', await maskinporten.maskinportenToken({ iat: now, exp: now + 120 }))).text();
  };

  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    // Tokens live 10 minutes; a chain of refreshes at most 15.
    running = await startApp({
      env: {
        ISSUER_URL: ISSUER,
        MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
        TOKEN_LIFETIME_SECONDS: '600',
        REFRESH_MAX_AGE_SECONDS: '900',
      },
    });
  });
  after(async () => {
    await running.close();
    await maskinporten.close();
  });

  it('returns the same claims with a new jti, iat, nbf and exp', async () => {
    const original = await ours();
    running.clock.advance(60_000);
    const response = await refresh(running, original);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const refreshed = decodeJwt(await response.text());
    const before = decodeJwt(original);
    const { jti, iat, nbf, exp, ...claims } = refreshed;
    const { jti: oldJti, iat: oldIat, nbf: _n, exp: _e, ...oldClaims } = before;
    expect(claims).toEqual({ ...oldClaims, 'urn:altinn:exchanged_at': oldIat });
    expect(jti).not.toBe(oldJti);
    expect(iat).toBeGreaterThanOrEqual((oldIat as number) + 59);
    expect(nbf).toBe(iat);
    expect((exp as number) - (iat as number)).toBe(600);
    await verifyIssued(running, await (await refresh(running, original)).text(), ISSUER);
  });

  it('answers JSON on Accept: application/json', async () => {
    const body = (await (await refresh(running, await ours(), 'application/json')).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', issued_token_type: 'urn:ietf:params:oauth:token-type:jwt' });
  });

  it('never lets a chain of refreshes outlive the maximum age from the first exchange', async () => {
    const first = await ours();
    const firstIat = decodeJwt(first).iat as number;
    running.clock.advance(500_000);
    const second = await (await refresh(running, first)).text();
    const secondClaims = decodeJwt(second);
    expect(secondClaims['urn:altinn:exchanged_at']).toBe(firstIat);
    // 400 s of the 900 s window remain: the refreshed token may not live the full 600 s.
    expect((secondClaims.exp as number) - firstIat).toBeLessThanOrEqual(900);
    running.clock.advance(350_000);
    const third = decodeJwt(await (await refresh(running, second)).text());
    expect(third['urn:altinn:exchanged_at']).toBe(firstIat);
    expect(third.exp).toBe(firstIat + 900);
    running.clock.advance(60_000);
    await expectProblem(await refresh(running, second), 401);
  });

  it('refuses an expired token, an upstream token, and no token', async () => {
    const old = await ours();
    running.clock.advance(700_000);
    expect((await expectProblem(await refresh(running, old), 401)).detail).toMatch(/expired/);
    const upstream = await maskinporten.maskinportenToken();
    expect((await expectProblem(await refresh(running, upstream), 401)).detail).toMatch(/issuer|key/);
    await expectProblem(await refresh(running), 401);
  });
});

describe('refresh window shorter than a token', () => {
  let maskinporten: FakeIssuer;
  let running: RunningApp;
  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    running = await startApp({
      env: { MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl, TOKEN_LIFETIME_SECONDS: '600', REFRESH_MAX_AGE_SECONDS: '60' },
    });
  });
  after(async () => {
    await running.close();
    await maskinporten.close();
  });

  it('refuses a still-valid token once the window since the first exchange is over', async () => {
    const ours = await (await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).text();
    running.clock.advance(120_000);
    const body = await expectProblem(await refresh(running, ours), 401);
    expect(body.detail).toMatch(/refresh window/);
  });
});

describe('ID-porten token lifetime', () => {
  let idporten: FakeIssuer;
  after(() => idporten.close());
  before(async () => {
    idporten = await FakeIssuer.start('idporten');
  });

  for (const [mode, expected] of [
    ['fixed', 1800],
    ['upstream', 120],
  ] as const) {
    it(`issues tokens with the ${mode} lifetime`, async () => {
      const running = await startApp({ env: { IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl, IDPORTEN_TOKEN_LIFETIME: mode } });
      try {
        const now = idporten.now();
        const token = await idporten.idportenToken({ iat: now, exp: now + 120 });
        const payload = decodeJwt(await (await exchange(running, 'id-porten', token)).text());
        expect((payload.exp as number) - (payload.iat as number)).toBeGreaterThanOrEqual(expected - 2);
        expect((payload.exp as number) - (payload.iat as number)).toBeLessThanOrEqual(expected);
      } finally {
        await running.close();
      }
    });
  }

  it('never goes beyond the fixed lifetime with upstream', async () => {
    const running = await startApp({
      env: { IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl, IDPORTEN_TOKEN_LIFETIME: 'upstream', TOKEN_LIFETIME_SECONDS: '600' },
    });
    try {
      const now = idporten.now();
      const payload = decodeJwt(await (await exchange(running, 'id-porten', await idporten.idportenToken({ exp: now + 7200 }))).text());
      expect((payload.exp as number) - (payload.iat as number)).toBe(600);
    } finally {
      await running.close();
    }
  });
});
