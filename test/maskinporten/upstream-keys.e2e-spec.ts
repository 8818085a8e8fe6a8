// test-database: independent (upstream key caching)
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { RunningApp, startApp } from '../helpers/app';
import { eventually, exchange } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';

describe('upstream issuer keys, audience and org claim scope', () => {
  let maskinporten: FakeIssuer;
  let running: RunningApp;

  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    // One app for both: the fake issuer's tokens carry that audience, and no service-owner scope unless asked.
    running = await startApp({
      env: {
        MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
        JWKS_COOLDOWN_SECONDS: '30',
        UPSTREAM_TIMEOUT_MS: '500',
        MASKINPORTEN_AUDIENCE: 'https://tt02.altinn.no/maskinporten-api/',
        MASKINPORTEN_ORG_CLAIM_SCOPE: 'altinn:serviceowner',
      },
    });
    await eventually(async () => (await fetch(`${running.url}/health/ready`)).status === 200);
  });
  afterEach(() => {
    maskinporten.mode = 'ok';
  });
  after(async () => {
    await running.close();
    await maskinporten.close();
  });

  // First: the tests below move the app's clock past the fake issuer's token lifetimes.
  describe('audience and org claim scope', () => {
    it('refuses a token for another audience', async () => {
      const response = await exchange(running, 'maskinporten', await maskinporten.maskinportenToken({ aud: 'https://elsewhere/' }));
      expect((await expectProblem(response, 401)).detail).toMatch(/audience/);
    });

    it('adds org only when a scope carries the org claim scope', async () => {
      const { decodeJwt } = await import('jose');
      const without = decodeJwt(await (await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).text());
      expect(without.org).toBeUndefined();
      expect(without.orgNumber).toBe(974760673);
      const token = await maskinporten.maskinportenToken({ scope: 'altinn:serviceowner/instances.read altinn:x' });
      const withScope = decodeJwt(await (await exchange(running, 'maskinporten', token)).text());
      expect(withScope.org).toBe('brg');
    });
  });

  describe('upstream issuer keys', () => {
    it('picks up a key the issuer rotated to, with one refetch', async () => {
      running.clock.advance(31_000);
      const fetches = maskinporten.hits.jwks;
      await maskinporten.rotate(true);
      const response = await exchange(running, 'maskinporten', await maskinporten.maskinportenToken());
      expect(response.status).toBe(200);
      expect(maskinporten.hits.jwks).toBe(fetches + 1);
    });

    it('keeps working on the last good keys while the issuer is down', async () => {
      maskinporten.mode = 'down';
      running.clock.advance(31_000);
      for (let i = 0; i < 3; i++) {
        expect((await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).status).toBe(200);
      }
      expect((await fetch(`${running.url}/health/ready`)).status).toBe(200);
    });

    it('keeps working while the issuer answers 500 or garbage', async () => {
      for (const mode of ['error', 'garbage'] as const) {
        maskinporten.mode = mode;
        running.clock.advance(31_000);
        const unknownKid = await maskinporten.sign(maskinporten.maskinportenClaims(), { header: { kid: 'not-published' } });
        await expectProblem(await exchange(running, 'maskinporten', unknownKid), 401);
        expect((await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).status).toBe(200);
      }
    });

    it('makes at most one JWKS fetch per cooldown for a flood of unknown kids', async () => {
      running.clock.advance(31_000);
      const fetches = maskinporten.hits.jwks;
      const claims = maskinporten.maskinportenClaims();
      const tokens = await Promise.all(
        Array.from({ length: 1000 }, () => maskinporten.sign(claims, { header: { kid: randomBytes(16).toString('hex') } })),
      );
      const statuses: number[] = [];
      for (let i = 0; i < tokens.length; i += 100) {
        const batch = await Promise.all(tokens.slice(i, i + 100).map((t) => exchange(running, 'maskinporten', t)));
        statuses.push(...batch.map((r) => r.status));
        await Promise.all(batch.map((r) => r.arrayBuffer()));
      }
      expect(new Set(statuses)).toEqual(new Set([401]));
      expect(maskinporten.hits.jwks - fetches).toBe(1);
    });
  });
});

describe('an issuer whose keys were never fetched', () => {
  let maskinporten: FakeIssuer;
  let running: RunningApp;

  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    maskinporten.mode = 'down';
    running = await startApp({ env: { MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl, UPSTREAM_TIMEOUT_MS: '300' } });
  });
  after(async () => {
    await running.close();
    await maskinporten.close();
  });

  it('stays unready while discovery answers 500 or garbage', async () => {
    for (const mode of ['error', 'garbage'] as const) {
      maskinporten.mode = mode;
      running.clock.advance(2000);
      await expectProblem(await exchange(running, 'maskinporten', await maskinporten.maskinportenToken()), 503);
      expect((await fetch(`${running.url}/health/ready`)).status).toBe(503);
    }
    maskinporten.mode = 'down';
  });

  it('answers 503 with Retry-After and readiness names the issuer, then recovers by itself', async () => {
    const token = await maskinporten.maskinportenToken();
    running.clock.advance(2000);
    const response = await exchange(running, 'maskinporten', token);
    await expectProblem(response, 503);
    expect(response.headers.get('retry-after')).toBe('10');
    const ready = await fetch(`${running.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { 'issuer:maskinporten': { status: 'down' } } });
    maskinporten.mode = 'ok';
    running.clock.advance(2000);
    await eventually(async () => (await exchange(running, 'maskinporten', token)).status === 200);
    await eventually(async () => (await fetch(`${running.url}/health/ready`)).status === 200);
  });
});
