import { after, before, beforeEach, describe, it } from 'node:test';
import { expect } from 'expect';
import * as client from 'openid-client';
import { decodeJwt, SignJWT, generateKeyPair, calculateJwkThumbprint, exportJWK, decodeProtectedHeader } from 'jose';
import { TokenSigner } from '../../src/keys/token-signer';
import { freePort, RunningApp, startApp } from '../helpers/app';
import { exchange } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';
import { auditRows, clearAudit, INTROSPECTION_PATH, postForm } from '../helpers/token-endpoint';

const SECRETS = ['introspection-secret-of-the-storage-api-0001', 'introspection-secret-of-the-events-api-00002'];

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The deployment under test, and another one (its own keys, the same issuer name, introspection off). */
describe('POST /introspect', () => {
  let maskinporten: FakeIssuer;
  let running: RunningApp;
  let another: RunningApp;
  let issuer: string;
  let config: client.Configuration;

  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}/authentication/api/v1/openid/`;
    running = await startApp({
      env: {
        PORT: String(port),
        ISSUER_URL: issuer,
        MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
        INTROSPECTION_TOKENS: SECRETS.join(', '),
      },
    });
    // An API as an introspection caller: openid-client, with the secret sent as a Bearer header.
    const bearer: client.ClientAuth = (_as, _client, _body, headers) => headers.set('authorization', `Bearer ${SECRETS[1]}`);
    config = await client.discovery(new URL(issuer), 'storage-api', undefined, bearer, { execute: [client.allowInsecureRequests] });
    another = await startApp({ env: { MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl, ISSUER_URL: issuer } });
  });
  after(async () => {
    await another?.close();
    await running?.close();
    await maskinporten?.close();
  });

  describe('POST /introspect (RFC 7662)', () => {
    const introspect = (token: string, secret: string | undefined = SECRETS[0], extra: Record<string, string | string[]> = {}) =>
      postForm(running, INTROSPECTION_PATH, { token, ...extra }, secret === undefined ? {} : { authorization: `Bearer ${secret}` });
    const ours = async () => (await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).text();
    const answer = async (token: string) => {
      const response = await introspect(token);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      return (await response.json()) as Record<string, unknown>;
    };

    beforeEach(() => clearAudit(running));

    it('answers active with the token’s claims through openid-client’s tokenIntrospection', async () => {
      expect(config.serverMetadata().introspection_endpoint).toBe(`${running.url}${INTROSPECTION_PATH}`);
      const token = await ours();
      const result = await client.tokenIntrospection(config, token);
      expect(result.active).toBe(true);
      const { active: _active, ...claims } = result;
      expect(claims).toEqual(decodeJwt(token));
    });

    it('answers inactive through openid-client for a token that expired', async () => {
      const token = await ours();
      running.clock.advance((1800 + 11) * 1000);
      try {
        expect(await client.tokenIntrospection(config, token)).toEqual({ active: false });
      } finally {
        running.clock.advance(-(1800 + 11) * 1000);
      }
      expect((await answer(token)).active).toBe(true);
    });

    it('answers only {"active": false} for tokens that are not ours, altered, forged or not valid yet', async () => {
      const token = await ours();
      const [header, payload, signature] = token.split('.');
      const kid = decodeProtectedHeader(token).kid as string;
      const forger = await generateKeyPair('RS256');
      const forgedClaims = decodeJwt(token);
      const forge = (headerKid: string) =>
        new SignJWT(forgedClaims).setProtectedHeader({ alg: 'RS256', kid: headerKid, typ: 'JWT' }).sign(forger.privateKey);
      const notYetToken = (await running.app.get(TokenSigner).sign({ scope: 'x' })).token;
      const inactive: [string, string][] = [
        ['an upstream Maskinporten token', await maskinporten.maskinportenToken()],
        ['an altered payload', `${header}.${b64({ ...decodeJwt(token), scope: 'altinn:admin' })}.${signature}`],
        ['a stripped signature', `${header}.${payload}.`],
        ['a forged signature under our kid', await forge(kid)],
        ['a key we never published', await forge(await calculateJwkThumbprint(await exportJWK(forger.publicKey)))],
        ['alg none', `${b64({ alg: 'none', kid })}.${payload}.`],
        ['not a JWT', 'not-a-jwt'],
      ];
      await clearAudit(running);
      for (const [what, candidate] of inactive) {
        const body = await answer(candidate);
        expect([what, body]).toEqual([what, { active: false }]);
      }
      running.clock.advance(-120_000);
      try {
        expect(await answer(notYetToken)).toEqual({ active: false });
      } finally {
        running.clock.advance(120_000);
      }
      const rows = await auditRows(running);
      expect(rows.map((r) => [r.provider, r.outcome])).toEqual(
        Array.from({ length: inactive.length + 1 }, () => ['introspection', 'inactive']),
      );
      expect(rows.map((r) => r.reason).sort()).toEqual([
        'bad_signature',
        'bad_signature',
        'malformed',
        'not_yet_valid',
        'unknown_key',
        'unknown_key',
        'unsigned',
        'unsigned',
      ]);
    });

    it('answers inactive for a token signed by a key this deployment does not publish', async () => {
      const foreign = await (await exchange(another, 'maskinporten', await maskinporten.maskinportenToken())).text();
      expect(decodeJwt(foreign).iss).toBe(issuer);
      expect(await answer(foreign)).toEqual({ active: false });
    });

    it('audits and counts each answer, with the token’s jti, never the token', async () => {
      const token = await ours();
      /** The sum of the introspection counter's samples for this outcome, whatever their reason. */
      const counted = async (outcome: string) => {
        const prefix = `authentication_introspections_total{outcome="${outcome}"`;
        const lines = (await (await fetch(`${running.url}/metrics`)).text()).split('\n').filter((l) => l.startsWith(prefix));
        return lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      };
      const before = [await counted('active'), await counted('inactive')];
      await clearAudit(running);
      await answer(token);
      await answer('not-a-jwt');
      expect([await counted('active'), await counted('inactive')]).toEqual([before[0] + 1, before[1] + 1]);
      const rows = await auditRows(running);
      expect(rows).toEqual([
        {
          provider: 'introspection',
          outcome: 'active',
          reason: null,
          client_id: null,
          org_number: null,
          user_id: null,
          issued_jti: decodeJwt(token).jti,
        },
        {
          provider: 'introspection',
          outcome: 'inactive',
          reason: 'malformed',
          client_id: null,
          org_number: null,
          user_id: null,
          issued_jti: null,
        },
      ]);
      expect(JSON.stringify(rows)).not.toContain(token.split('.')[2].slice(0, 20));
    });

    it('accepts every secret of INTROSPECTION_TOKENS and a token_type_hint', async () => {
      const token = await ours();
      for (const secret of SECRETS)
        expect(await (await introspect(token, secret, { token_type_hint: 'access_token' })).json()).toMatchObject({ active: true });
    });

    it('refuses callers without a right secret with a 401 problem, audited, answering nothing about the token', async () => {
      const token = await ours();
      await clearAudit(running);
      const refusals: [string, Record<string, string>, string][] = [
        ['no Authorization header', {}, 'missing_token'],
        ['a wrong secret', { authorization: 'Bearer introspection-secret-of-the-storage-api-0002' }, 'wrong_introspection_secret'],
        ['a prefix of a secret', { authorization: `Bearer ${SECRETS[0].slice(0, -1)}` }, 'wrong_introspection_secret'],
        ['both secrets joined', { authorization: `Bearer ${SECRETS.join(',')}` }, 'wrong_introspection_secret'],
        ['Basic', { authorization: `Basic ${Buffer.from(`storage:${SECRETS[0]}`).toString('base64')}` }, 'wrong_scheme'],
      ];
      for (const [what, headers] of refusals) {
        const response = await postForm(running, INTROSPECTION_PATH, { token }, headers);
        const problem = await expectProblem(response, 401);
        expect([what, response.headers.get('www-authenticate')]).toEqual([
          what,
          expect.stringMatching(/^Bearer error="invalid_(token|request)"/),
        ]);
        expect(JSON.stringify(problem)).not.toContain('active');
      }
      const rows = await auditRows(running);
      expect(rows.map((r) => [r.provider, r.outcome, r.reason])).toEqual(
        refusals.map(([, , reason]) => ['introspection', 'refused', reason]),
      );
    });

    it('refuses a request without one token, a JSON body, or an unknown parameter with a 400 problem', async () => {
      const token = await ours();
      const authorization = `Bearer ${SECRETS[0]}`;
      await expectProblem(await postForm(running, INTROSPECTION_PATH, {}, { authorization }), 400);
      await expectProblem(await postForm(running, INTROSPECTION_PATH, { token: '' }, { authorization }), 400);
      await expectProblem(await postForm(running, INTROSPECTION_PATH, { token: [token, token] }, { authorization }), 400);
      await expectProblem(await postForm(running, INTROSPECTION_PATH, { token: 'a'.repeat(8 * 1024 + 1) }, { authorization }), 400);
      await expectProblem(await postForm(running, INTROSPECTION_PATH, { token, other: 'x' }, { authorization }), 400);
      const json = await fetch(`${running.url}${INTROSPECTION_PATH}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      await expectProblem(json, 400);
    });
  });

  describe('POST /introspect when off, and rate-limited', () => {
    it('answers 404 and is not in discovery without INTROSPECTION_TOKENS', async () => {
      const off = another;
      await expectProblem(
        await postForm(off, INTROSPECTION_PATH, { token: 'x' }, { authorization: 'Bearer anything-anything-anything-anything' }),
        404,
      );
      const document = (await (await fetch(`${off.url}/authentication/api/v1/openid/.well-known/openid-configuration`)).json()) as Record<
        string,
        unknown
      >;
      expect(document.introspection_endpoint).toBeUndefined();
      expect(document.introspection_endpoint_auth_methods_supported).toBeUndefined();
    });

    it('answers 429 with Retry-After past RATE_LIMIT_PER_MINUTE, also to callers with a wrong secret', async () => {
      const limited = await startApp({ env: { INTROSPECTION_TOKENS: SECRETS[0], RATE_LIMIT_PER_MINUTE: '2' } });
      try {
        expect((await postForm(limited, INTROSPECTION_PATH, { token: 'x' }, { authorization: 'Bearer wrong' })).status).toBe(401);
        expect((await postForm(limited, INTROSPECTION_PATH, { token: 'x' }, { authorization: `Bearer ${SECRETS[0]}` })).status).toBe(200);
        const third = await postForm(limited, INTROSPECTION_PATH, { token: 'x' }, { authorization: `Bearer ${SECRETS[0]}` });
        await expectProblem(third, 429);
        expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      } finally {
        await limited.close();
      }
    });
  });
});
