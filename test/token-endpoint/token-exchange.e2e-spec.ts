import { after, before, beforeEach, describe, it } from 'node:test';
import { expect } from 'expect';
import * as client from 'openid-client';
import { JwksClient } from 'jwks-rsa';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { freePort, RunningApp, startApp } from '../helpers/app';
import { AppWithIssuers, startAppWithIssuers } from '../helpers/app-with-issuers';
import { exchange, verifyIssued } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { createTestDatabase, LOCAL_SERVER_URL, serverMissing, TestDatabase } from '../helpers/database';
import { expectProblem } from '../helpers/problem';
import {
  ACCESS_TOKEN_TYPE,
  auditRows,
  clearAudit,
  JWT_TOKEN_TYPE,
  postForm,
  TOKEN_EXCHANGE,
  TOKEN_PATH,
  tokenExchange,
} from '../helpers/token-endpoint';

const AUDIENCE = 'https://storage.platform.test/';
const OTHER_AUDIENCE = 'platform-events';

/** The value of one Prometheus sample, 0 when absent. */
async function metric(app: RunningApp, sample: string): Promise<number> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

/** An RFC 6749 §5.2 error: 400 (unless said), JSON, never cached, the code given. */
async function expectOAuthError(response: Response, error: string, status = 400): Promise<string> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = (await response.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
  expect(body.error_description).not.toMatch(/at \w+ \(|node_modules|\/src\//);
  return body.error_description as string;
}

describe('POST /token (RFC 8693 token exchange)', () => {
  let started: AppWithIssuers;
  let maskinporten: FakeIssuer;
  let idporten: FakeIssuer;
  let running: RunningApp;
  let issuer: string;
  let config: client.Configuration;

  before(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}/authentication/api/v1/openid/`;
    started = await startAppWithIssuers({
      env: {
        PORT: String(port),
        ISSUER_URL: issuer,
        TOKEN_AUDIENCES: `${AUDIENCE}, ${OTHER_AUDIENCE}`,
      },
    });
    ({ running, maskinporten, idporten } = started);
    // openid-client as a platform client would use it: our issuer, discovery, no client authentication.
    // It refuses plain http unless told that this loopback test server is meant.
    config = await client.discovery(new URL(issuer), 'platform-client', undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
  });
  after(() => started?.close());
  beforeEach(() => clearAudit(running));

  describe('with openid-client', () => {
    it('exchanges a Maskinporten token through the discovered token endpoint, with the GET exchange’s claims', async () => {
      expect(config.serverMetadata().token_endpoint).toBe(`${running.url}${TOKEN_PATH}`);
      const input = maskinporten.maskinportenClaims();
      const response = await client.genericGrantRequest(config, TOKEN_EXCHANGE, {
        subject_token: await maskinporten.sign(input),
        subject_token_type: ACCESS_TOKEN_TYPE,
      });
      expect(response.token_type).toBe('bearer');
      expect(response.expires_in).toBe(1800);
      expect(response.issued_token_type).toBe(JWT_TOKEN_TYPE);
      const viaPost = await verifyIssued(running, response.access_token, issuer);
      const viaGet = await verifyIssued(
        running,
        await (await exchange(running, 'maskinporten', await maskinporten.sign(input))).text(),
        issuer,
      );
      const stable = ({ iat: _iat, nbf: _nbf, exp: _exp, jti: _jti, ...rest }: Record<string, unknown>) => rest;
      expect(stable(viaPost)).toEqual(stable(viaGet));
      expect(viaPost).toMatchObject({ orgNumber: 974760673, org: 'brg', scope: 'altinn:instances.write' });
      expect(viaPost.aud).toBeUndefined();
    });

    it('exchanges an ID-porten token, the provider following from its issuer', async () => {
      const input = idporten.idportenClaims();
      const response = await client.genericGrantRequest(config, TOKEN_EXCHANGE, {
        subject_token: await idporten.sign(input),
        subject_token_type: JWT_TOKEN_TYPE,
      });
      const viaPost = await verifyIssued(running, response.access_token, issuer);
      const viaGet = await verifyIssued(running, await (await exchange(running, 'id-porten', await idporten.sign(input))).text(), issuer);
      const stable = ({ iat: _iat, nbf: _nbf, exp: _exp, jti: _jti, sid: _sid, ...rest }: Record<string, unknown>) => rest;
      expect(stable(viaPost)).toEqual(stable(viaGet));
      expect(viaPost).toMatchObject({ pid: '19108000239', 'urn:altinn:authlevel': 3 });
      expect(viaPost.sid).not.toBe(input.sid);
    });

    it('surfaces our refusal as an OAuth error openid-client parses', async () => {
      const expired = await maskinporten.maskinportenToken({ iat: maskinporten.now() - 300, exp: maskinporten.now() - 60 });
      const error = await client
        .genericGrantRequest(config, TOKEN_EXCHANGE, { subject_token: expired, subject_token_type: ACCESS_TOKEN_TYPE })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(client.ResponseBodyError);
      expect(error).toMatchObject({ status: 400, error: 'invalid_grant', error_description: 'the token has expired' });
    });

    it('binds the token to a requested audience, which an API checks as RFC 9068 asks: jose with the discovered JWKS', async () => {
      const response = await client.genericGrantRequest(config, TOKEN_EXCHANGE, {
        subject_token: await maskinporten.maskinportenToken(),
        subject_token_type: ACCESS_TOKEN_TYPE,
        audience: AUDIENCE,
      });
      // The API: keys from jwks_uri of our discovery document, issuer, audience, expiry, RS256 only.
      const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri as string));
      const check = (token: string, audience: string) =>
        jwtVerify(token, jwks, {
          issuer,
          audience,
          algorithms: ['RS256'],
          requiredClaims: ['exp', 'iat', 'jti'],
          currentDate: new Date(running.clock.now()),
        });
      const { payload } = await check(response.access_token, AUDIENCE);
      expect(payload).toMatchObject({ aud: AUDIENCE, iss: issuer, orgNumber: 974760673 });
      // Another API refuses it, and an API that requires its audience refuses a token bound to none.
      await expect(check(response.access_token, OTHER_AUDIENCE)).rejects.toMatchObject({
        code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
        claim: 'aud',
      });
      const unbound = await client.genericGrantRequest(config, TOKEN_EXCHANGE, {
        subject_token: await maskinporten.maskinportenToken(),
        subject_token_type: ACCESS_TOKEN_TYPE,
      });
      await expect(check(unbound.access_token, AUDIENCE)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
    });

    it('gives an audience-bound token that an API using jwks-rsa verifies, and a second audience it also accepts', async () => {
      const response = await client.genericGrantRequest(config, TOKEN_EXCHANGE, {
        subject_token: await idporten.idportenToken(),
        subject_token_type: ACCESS_TOKEN_TYPE,
        audience: AUDIENCE,
      });
      const keys = new JwksClient({ jwksUri: config.serverMetadata().jwks_uri as string, cache: true, rateLimit: true });
      const { kid } = decodeProtectedHeader(response.access_token);
      const key = await keys.getSigningKey(kid);
      const publicKey = await importSPKI(key.getPublicKey(), 'RS256');
      const { payload } = await jwtVerify(response.access_token, publicKey, {
        issuer,
        audience: AUDIENCE,
        algorithms: ['RS256'],
        currentDate: new Date(running.clock.now()),
      });
      expect(payload).toMatchObject({ aud: AUDIENCE, pid: '19108000239' });
      const both = await client.genericGrantRequest(config, TOKEN_EXCHANGE, {
        subject_token: await idporten.idportenToken(),
        subject_token_type: ACCESS_TOKEN_TYPE,
        audience: OTHER_AUDIENCE,
        resource: AUDIENCE,
      });
      for (const audience of [AUDIENCE, OTHER_AUDIENCE]) {
        const verified = await jwtVerify(both.access_token, publicKey, {
          issuer,
          audience,
          algorithms: ['RS256'],
          currentDate: new Date(running.clock.now()),
        });
        expect(verified.payload.aud).toEqual([OTHER_AUDIENCE, AUDIENCE]);
      }
    });
  });

  it('answers the RFC 8693 JSON form, never cached, and records the same audit row and metrics as the GET exchange', async () => {
    const issuedBefore = await metric(running, 'authentication_exchanges_total{provider="maskinporten",outcome="issued"}');
    const timedBefore = await metric(running, 'authentication_exchange_duration_seconds_count{provider="maskinporten"}');
    const response = await tokenExchange(running, await maskinporten.maskinportenToken());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 1800, issued_token_type: JWT_TOKEN_TYPE });
    const jti = decodeJwt(body.access_token as string).jti;
    expect(await auditRows(running)).toEqual([
      {
        provider: 'maskinporten',
        outcome: 'issued',
        reason: null,
        client_id: '0de19f7a-f5fa-45d1-874c-3d2e88ce97d9',
        org_number: '974760673',
        user_id: null,
        issued_jti: jti,
      },
    ]);
    expect(await metric(running, 'authentication_exchanges_total{provider="maskinporten",outcome="issued"}')).toBe(issuedBefore + 1);
    expect(await metric(running, 'authentication_exchange_duration_seconds_count{provider="maskinporten"}')).toBe(timedBefore + 1);
  });

  it('echoes requested_token_type as issued_token_type', async () => {
    const response = await tokenExchange(running, await maskinporten.maskinportenToken(), { requested_token_type: ACCESS_TOKEN_TYPE });
    expect(((await response.json()) as Record<string, unknown>).issued_token_type).toBe(ACCESS_TOKEN_TYPE);
  });

  it('ignores a public client’s client_id, as RFC 6749 asks of unknown parameters', async () => {
    expect((await tokenExchange(running, await maskinporten.maskinportenToken(), { client_id: 'anything', unknown: 'x' })).status).toBe(
      200,
    );
  });

  describe('audience binding', () => {
    it('puts an allowed audience or resource in aud, several as a list', async () => {
      const token = () => maskinporten.maskinportenToken();
      const aud = async (extra: Record<string, string | string[]>) =>
        decodeJwt(((await (await tokenExchange(running, await token(), extra)).json()) as { access_token: string }).access_token).aud;
      expect(await aud({ audience: AUDIENCE })).toBe(AUDIENCE);
      expect(await aud({ resource: AUDIENCE })).toBe(AUDIENCE);
      expect(await aud({ audience: [OTHER_AUDIENCE, AUDIENCE], resource: AUDIENCE })).toEqual([OTHER_AUDIENCE, AUDIENCE]);
      expect(await aud({ audience: '' })).toBeUndefined();
    });

    it('binds GET exchanges through ?audience=, and refuses an audience not allowed there with a 400 problem', async () => {
      const bound = await exchange(running, 'maskinporten', await maskinporten.maskinportenToken(), {
        query: `?audience=${encodeURIComponent(AUDIENCE)}`,
      });
      expect((await verifyIssued(running, await bound.text(), issuer)).aud).toBe(AUDIENCE);
      const person = await exchange(running, 'id-porten', await idporten.idportenToken(), { query: `?audience=${OTHER_AUDIENCE}` });
      expect((await verifyIssued(running, await person.text(), issuer)).aud).toBe(OTHER_AUDIENCE);
      await clearAudit(running);
      for (const [provider, token] of [
        ['maskinporten', await maskinporten.maskinportenToken()],
        ['id-porten', await idporten.idportenToken()],
      ]) {
        const refused = await exchange(running, provider, token, { query: '?audience=https://evil.example/' });
        const problem = await expectProblem(refused, 400);
        expect(problem.type).toBe('urn:problem-type:authentication:invalid-target');
      }
      expect((await auditRows(running)).map((r) => [r.provider, r.outcome, r.reason])).toEqual([
        ['maskinporten', 'refused', 'invalid_target'],
        ['idporten', 'refused', 'invalid_target'],
      ]);
    });

    it('keeps aud on refresh, and refuses the refresh once TOKEN_AUDIENCES no longer allows it', async (t) => {
      // The narrowed replica shares the database, which on the embedded one only a single process may
      // own: there, both replicas of this test share the local PostgreSQL server instead.
      let wide = running;
      let wideIssuer = issuer;
      let shared: TestDatabase | undefined;
      if (!running.database.url) {
        const noServer = await serverMissing();
        if (noServer) return t.skip(noServer);
        shared = await createTestDatabase(LOCAL_SERVER_URL);
        const port = await freePort();
        wideIssuer = `http://127.0.0.1:${port}/authentication/api/v1/openid/`;
        wide = await startApp({
          database: shared,
          env: {
            PORT: String(port),
            ISSUER_URL: wideIssuer,
            MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
            TOKEN_AUDIENCES: `${AUDIENCE}, ${OTHER_AUDIENCE}`,
          },
        });
      }
      try {
        const bound = (await (await tokenExchange(wide, await maskinporten.maskinportenToken(), { audience: AUDIENCE })).json()) as {
          access_token: string;
        };
        const refresh = (app: RunningApp) =>
          fetch(`${app.url}/authentication/api/v1/refresh`, { headers: { authorization: `Bearer ${bound.access_token}` } });
        const refreshed = await refresh(wide);
        expect(refreshed.status).toBe(200);
        expect((await verifyIssued(wide, await refreshed.text(), wideIssuer)).aud).toBe(AUDIENCE);
        // A replica on the same database (same keys and issuer) whose list no longer holds the audience.
        const narrowed = await startApp({
          database: wide.database,
          env: { ISSUER_URL: wideIssuer, MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl, TOKEN_AUDIENCES: OTHER_AUDIENCE },
        });
        try {
          const problem = await expectProblem(await refresh(narrowed), 400);
          expect(problem.type).toBe('urn:problem-type:authentication:invalid-target');
        } finally {
          await narrowed.close();
        }
      } finally {
        if (shared) {
          await wide.close();
          await shared.drop();
        }
      }
    });

    it('refuses an audience not in TOKEN_AUDIENCES, one that only resembles an allowed one, and a resource that is no absolute URI', async () => {
      const refusedTargets: Record<string, string | string[]>[] = [
        { audience: 'https://evil.example/' },
        { audience: AUDIENCE.slice(0, -1) },
        { audience: AUDIENCE.toUpperCase() },
        { audience: [AUDIENCE, 'https://evil.example/'] },
        { resource: 'https://evil.example/' },
        { resource: 'storage' },
        { resource: `${AUDIENCE}#fragment` },
        { audience: Array.from({ length: 11 }, (_, i) => `${OTHER_AUDIENCE}${i}`) },
      ];
      for (const extra of refusedTargets) {
        await expectOAuthError(await tokenExchange(running, await maskinporten.maskinportenToken(), extra), 'invalid_target');
      }
      const rows = await auditRows(running);
      expect(rows).toHaveLength(8);
      expect(rows.every((r) => r.outcome === 'refused' && r.reason === 'invalid_target' && r.issued_jti === null)).toBe(true);
    });
  });

  describe('refusals, each RFC 6749 §5.2 JSON with 400, audited, nothing issued', () => {
    const subject = () => maskinporten.maskinportenToken();

    const cases: [string, () => Promise<Response>, string][] = [
      [
        'a JSON body',
        async () =>
          fetch(`${running.url}${TOKEN_PATH}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ grant_type: TOKEN_EXCHANGE, subject_token: await subject(), subject_token_type: ACCESS_TOKEN_TYPE }),
          }),
        'invalid_request',
      ],
      ['no body at all', () => fetch(`${running.url}${TOKEN_PATH}`, { method: 'POST' }), 'invalid_request'],
      [
        'an Authorization header (no client authentication is used)',
        async () => tokenExchange(running, await subject(), {}, { authorization: `Bearer ${await subject()}` }),
        'invalid_request',
      ],
      [
        'grant_type missing',
        async () => postForm(running, TOKEN_PATH, { subject_token: await subject(), subject_token_type: ACCESS_TOKEN_TYPE }),
        'invalid_request',
      ],
      [
        'grant_type sent twice',
        async () => tokenExchange(running, await subject(), { grant_type: [TOKEN_EXCHANGE, TOKEN_EXCHANGE] }),
        'invalid_request',
      ],
      [
        'another grant type',
        async () => tokenExchange(running, await subject(), { grant_type: 'client_credentials' }),
        'unsupported_grant_type',
      ],
      [
        'a grant type that only resembles token exchange',
        async () => tokenExchange(running, await subject(), { grant_type: `${TOKEN_EXCHANGE} ` }),
        'unsupported_grant_type',
      ],
      [
        'subject_token missing',
        () => postForm(running, TOKEN_PATH, { grant_type: TOKEN_EXCHANGE, subject_token_type: ACCESS_TOKEN_TYPE }),
        'invalid_request',
      ],
      ['subject_token empty', () => tokenExchange(running, ''), 'invalid_request'],
      [
        'two subject tokens',
        async () => tokenExchange(running, await subject(), { subject_token: [await subject(), await subject()] }),
        'invalid_request',
      ],
      ['a subject token over 8 KB', () => tokenExchange(running, 'a'.repeat(8 * 1024 + 1)), 'invalid_request'],
      [
        'subject_token_type missing',
        async () => postForm(running, TOKEN_PATH, { grant_type: TOKEN_EXCHANGE, subject_token: await subject() }),
        'invalid_request',
      ],
      [
        'subject_token_type id_token',
        async () => tokenExchange(running, await subject(), { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }),
        'invalid_request',
      ],
      [
        'requested_token_type refresh_token',
        async () => tokenExchange(running, await subject(), { requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }),
        'invalid_request',
      ],
      [
        'an actor token (delegation)',
        async () => tokenExchange(running, await subject(), { actor_token: await subject(), actor_token_type: ACCESS_TOKEN_TYPE }),
        'invalid_request',
      ],
      ['a scope', async () => tokenExchange(running, await subject(), { scope: 'altinn:admin' }), 'invalid_scope'],
      ['a subject token that is no JWT', () => tokenExchange(running, 'not-a-jwt'), 'invalid_grant'],
      [
        'an expired subject token',
        async () =>
          tokenExchange(running, await maskinporten.maskinportenToken({ iat: maskinporten.now() - 300, exp: maskinporten.now() - 60 })),
        'invalid_grant',
      ],
      [
        'a subject token from an untrusted issuer',
        async () => tokenExchange(running, await maskinporten.maskinportenToken({ iss: 'https://evil.example/' })),
        'invalid_grant',
      ],
      [
        'a Maskinporten token without consumer',
        async () => tokenExchange(running, await maskinporten.maskinportenToken({ consumer: undefined })),
        'invalid_grant',
      ],
      [
        'an ID-porten token with a bad pid',
        async () => tokenExchange(running, await idporten.idportenToken({ pid: '123' })),
        'invalid_grant',
      ],
    ];

    for (const [what, send, error] of cases) {
      it(`refuses ${what} with ${error}`, async () => {
        await expectOAuthError(await send(), error);
        const rows = await auditRows(running);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          outcome: 'refused',
          reason: error === 'invalid_grant' ? expect.any(String) : error,
          issued_jti: null,
        });
      });
    }

    it('names the provider in the audit row once the issuer told it, and "unknown" before', async () => {
      await tokenExchange(running, await idporten.idportenToken({ pid: '123' }));
      await tokenExchange(running, await maskinporten.maskinportenToken({ iss: 'https://evil.example/' }));
      await tokenExchange(running, await subject(), { grant_type: 'password' });
      const rows = await auditRows(running);
      expect(rows.map((r) => [r.provider, r.reason]).sort()).toEqual([
        ['idporten', 'invalid_pid'],
        ['unknown', 'unsupported_grant_type'],
        ['unknown', 'untrusted_issuer'],
      ]);
    });

    it('answers other methods with a 405 problem, and a body over 16 KB with a 413 invalid_request, issuing nothing', async () => {
      const get = await fetch(`${running.url}${TOKEN_PATH}`);
      await expectProblem(get, 405);
      expect(get.headers.get('allow')).toBe('POST');
      const large = await tokenExchange(running, await subject(), { padding: 'x'.repeat(17 * 1024) });
      expect(await expectOAuthError(large, 'invalid_request', 413)).toBe('the request body is larger than 16 KB');
      expect((await auditRows(running)).filter((r) => r.outcome === 'issued')).toEqual([]);
    });
  });
});

describe('POST /token without TOKEN_AUDIENCES, with a rate limit, and with an issuer away', () => {
  let maskinporten: FakeIssuer;
  let idporten: FakeIssuer;
  let running: RunningApp;

  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    idporten = await FakeIssuer.start('idporten');
    idporten.mode = 'down';
    running = await startApp({
      env: {
        MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
        IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl,
        // One bucket per client across the exchange endpoints: the GET below counts too.
        RATE_LIMIT_PER_MINUTE: '3',
      },
    });
  });
  after(async () => {
    await running.close();
    await maskinporten.close();
    await idporten.close();
  });

  it('refuses any requested audience with invalid_target, and answers 503 temporarily_unavailable while an issuer cannot be discovered, then 429 past the limit', async () => {
    const description = await expectOAuthError(
      await tokenExchange(running, await maskinporten.maskinportenToken(), { audience: 'anything' }),
      'invalid_target',
    );
    expect(description).toContain('TOKEN_AUDIENCES');
    const problem = await expectProblem(
      await exchange(running, 'maskinporten', await maskinporten.maskinportenToken(), { query: '?audience=anything' }),
      400,
    );
    expect(problem.type).toBe('urn:problem-type:authentication:invalid-target');
    // ID-porten has never been discovered: a token naming an unknown issuer might be its, so retry later.
    const away = await tokenExchange(running, await idporten.idportenToken());
    await expectOAuthError(away, 'temporarily_unavailable', 503);
    expect(away.headers.get('retry-after')).toBe('10');
    const limited = await tokenExchange(running, await maskinporten.maskinportenToken());
    await expectOAuthError(limited, 'temporarily_unavailable', 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
