import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeJwt } from 'jose';
import type { RunningApp } from '../helpers/app';
import { AppWithIssuers, startAppWithIssuers } from '../helpers/app-with-issuers';
import { exchange, verifyIssued } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';

const ISSUER = 'https://platform.test/authentication/api/v1/openid/';
/** An ID-porten token issued now in the app's (moved) time, lasting `seconds` upstream. */
const idportenTokenNow = (started: AppWithIssuers, seconds: number) => {
  const now = Math.floor(started.running.clock.now() / 1000);
  return started.idporten.idportenToken({ iat: now, exp: now + seconds });
};
/** The lifetime of the token the app issues for an ID-porten token. */
const issuedLifetime = async (running: RunningApp, token: string) => {
  const payload = decodeJwt(await (await exchange(running, 'id-porten', token)).text());
  return (payload.exp as number) - (payload.iat as number);
};
const refresh = (app: RunningApp, token?: string, accept?: string) =>
  fetch(`${app.url}/authentication/api/v1/refresh`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(accept ? { accept } : {}) },
  });

describe('token refresh', () => {
  let started: AppWithIssuers;
  let maskinporten: FakeIssuer;
  let running: RunningApp;
  /** An exchange now, in the app's (moved) time. */
  const ours = async () => {
    const now = Math.floor(running.clock.now() / 1000);
    return (await exchange(running, 'maskinporten', await maskinporten.maskinportenToken({ iat: now, exp: now + 120 }))).text();
  };

  before(async () => {
    // Tokens live 10 minutes; a chain of refreshes at most 15. ID-porten tokens live as long as upstream's, at most 10 minutes.
    started = await startAppWithIssuers({
      env: { ISSUER_URL: ISSUER, TOKEN_LIFETIME_SECONDS: '600', REFRESH_MAX_AGE_SECONDS: '900', IDPORTEN_TOKEN_LIFETIME: 'upstream' },
    });
    ({ running, maskinporten } = started);
  });
  after(() => started?.close());

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

  describe('ID-porten token lifetime', () => {
    it('issues tokens with the upstream lifetime', async () => {
      const lifetime = await issuedLifetime(running, await idportenTokenNow(started, 120));
      expect(lifetime).toBeGreaterThanOrEqual(120 - 2);
      expect(lifetime).toBeLessThanOrEqual(120);
    });

    it('never goes beyond the fixed lifetime with upstream', async () => {
      expect(await issuedLifetime(running, await idportenTokenNow(started, 7200))).toBe(600);
    });
  });
});

describe('refresh window shorter than a token', () => {
  let started: AppWithIssuers;
  let running: RunningApp;
  before(async () => {
    // Tokens live the default 30 minutes, a chain of refreshes one; ID-porten tokens the fixed lifetime.
    started = await startAppWithIssuers({ env: { REFRESH_MAX_AGE_SECONDS: '60', IDPORTEN_TOKEN_LIFETIME: 'fixed' } });
    ({ running } = started);
  });
  after(() => started?.close());

  it('refuses a still-valid token once the window since the first exchange is over', async () => {
    const ours = await (await exchange(running, 'maskinporten', await started.maskinporten.maskinportenToken())).text();
    running.clock.advance(120_000);
    const body = await expectProblem(await refresh(running, ours), 401);
    expect(body.detail).toMatch(/refresh window/);
  });

  describe('ID-porten token lifetime', () => {
    it('issues tokens with the fixed lifetime', async () => {
      const lifetime = await issuedLifetime(running, await idportenTokenNow(started, 120));
      expect(lifetime).toBeGreaterThanOrEqual(1800 - 2);
      expect(lifetime).toBeLessThanOrEqual(1800);
    });
  });
});
