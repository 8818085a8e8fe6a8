import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { RunningApp, startApp } from '../helpers/app';
import { exchange } from '../helpers/exchange';
import { expectProblem } from '../helpers/problem';
import { json } from '../helpers/test-idp-client';

const MP_TOKEN = '/test-idp/maskinporten/token';
const ID_TOKEN = '/test-idp/idporten/token';

interface Issued {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

async function issued(response: Response): Promise<Issued> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return (await response.json()) as Issued;
}

async function refusedAsExpired(response: Response): Promise<void> {
  await expectProblem(response, 401);
  expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token".*expired/);
}

// One app for the whole file: each start costs seconds on a loaded machine.
let running: RunningApp;
before(async () => {
  // The first exchange fetches the stand-in's discovery and keys from this same process: on a
  // loaded machine that can outlast the 3 s default (it answered 503 in a run beside others).
  running = await startApp({ env: { TEST_IDP_ENABLED: 'true', UPSTREAM_TIMEOUT_MS: '20000' } });
});
after(() => running.close());

describe('the Maskinporten token shortcut', () => {
  it('issues a token for any organisation and scope in one call, which the exchange accepts', async () => {
    const body = await issued(
      await json(running, 'POST', MP_TOKEN, { orgno: '974760673', scope: 'altinn:instances.read altinn:instances.write' }),
    );
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 120,
      scope: 'altinn:instances.read altinn:instances.write',
    });
    const issuer = `${running.url}/test-idp/maskinporten/`;
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createRemoteJWKSet(new URL(`${issuer}jwks`)), {
      issuer,
      algorithms: ['RS256'],
      currentDate: new Date(running.clock.now()),
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(Object.keys(payload).sort()).toEqual([
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
    expect(payload).toMatchObject({
      client_orgno: '974760673',
      consumer: { authority: 'iso6523-actorid-upis', ID: '0192:974760673' },
      token_type: 'Bearer',
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(120);
    const exchanged = await exchange(running, 'maskinporten', body.access_token);
    expect(exchanged.status).toBe(200);
    expect(decodeJwt(await exchanged.text())).toMatchObject({
      org: 'brg',
      orgNumber: 974760673,
      scope: 'altinn:instances.read altinn:instances.write',
    });
  });

  it('gives one organisation the same client_id every time, and another organisation another', async () => {
    const a1 = decodeJwt((await issued(await json(running, 'POST', MP_TOKEN, { orgno: '974760673', scope: 's:a' }))).access_token);
    const a2 = decodeJwt((await issued(await json(running, 'POST', MP_TOKEN, { orgno: '974760673', scope: 's:b' }))).access_token);
    const b = decodeJwt((await issued(await json(running, 'POST', MP_TOKEN, { orgno: '991825827', scope: 's:a' }))).access_token);
    expect(a1.client_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a2.client_id).toBe(a1.client_id);
    expect(b.client_id).not.toBe(a1.client_id);
    expect(a1.jti).not.toBe(a2.jti);
  });

  it('adds and overrides claims, and removes one set to null', async () => {
    const body = await issued(
      await json(running, 'POST', MP_TOKEN, {
        orgno: '974760673',
        scope: 'altinn:instances.read',
        claims: {
          aud: 'https://api.example/',
          supplier: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' },
          client_amr: null,
          scope: 'altinn:other',
        },
      }),
    );
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({ aud: 'https://api.example/', supplier: { ID: '0192:991825827' }, scope: 'altinn:other' });
    expect(claims).not.toHaveProperty('client_amr');
    expect(body.scope).toBe('altinn:other');
  });

  it('issues a token that the exchange refuses as invalid when an override breaks its shape', async () => {
    const body = await issued(
      await json(running, 'POST', MP_TOKEN, {
        orgno: '974760673',
        scope: 'a:b',
        claims: { consumer: { authority: 'other', ID: '0192:974760673' } },
      }),
    );
    await expectProblem(await exchange(running, 'maskinporten', body.access_token), 401);
  });

  it('issues an expired token for a negative expires_in, which the exchange refuses as expired', async () => {
    const body = await issued(await json(running, 'POST', MP_TOKEN, { orgno: '974760673', scope: 'a:b', expires_in: -60 }));
    expect(body.expires_in).toBe(-60);
    const claims = decodeJwt(body.access_token);
    expect((claims.exp as number) - (claims.iat as number)).toBe(-60);
    await refusedAsExpired(await exchange(running, 'maskinporten', body.access_token));
  });

  it('issues a token that expires at once for expires_in 0, refused once the clock skew has passed', async () => {
    const body = await issued(await json(running, 'POST', MP_TOKEN, { orgno: '974760673', scope: 'a:b', expires_in: 0 }));
    const claims = decodeJwt(body.access_token);
    expect(claims.exp).toBe(claims.iat);
    running.clock.advance(11_000);
    try {
      await refusedAsExpired(await exchange(running, 'maskinporten', body.access_token));
    } finally {
      running.clock.advance(-11_000);
    }
  });

  it('refuses to set iss or exp through claims', async () => {
    for (const claims of [{ iss: 'https://elsewhere/' }, { exp: 4102444800 }]) {
      const problem = await expectProblem(await json(running, 'POST', MP_TOKEN, { orgno: '974760673', scope: 'a:b', claims }), 400);
      expect(problem.errors).toEqual([{ field: 'claims', message: expect.stringMatching(/iss .*exp/) }]);
    }
  });

  it('refuses each bad request with a problem naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ scope: 'a:b' }, 'orgno'],
      [{ orgno: '97476067', scope: 'a:b' }, 'orgno'],
      [{ orgno: '974760673' }, 'scope'],
      [{ orgno: '974760673', scope: '' }, 'scope'],
      [{ orgno: '974760673', scope: 'a  b' }, 'scope'],
      [{ orgno: '974760673', scope: 'a:b', claims: ['aud'] }, 'claims'],
      [{ orgno: '974760673', scope: 'a:b', claims: 'aud' }, 'claims'],
      [{ orgno: '974760673', scope: 'a:b', claims: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`c${i}`, i])) }, 'claims'],
      [{ orgno: '974760673', scope: 'a:b', expires_in: 1.5 }, 'expires_in'],
      [{ orgno: '974760673', scope: 'a:b', expires_in: '60' }, 'expires_in'],
      [{ orgno: '974760673', scope: 'a:b', expires_in: 86_401 }, 'expires_in'],
      [{ orgno: '974760673', scope: 'a:b', expires_in: -86_401 }, 'expires_in'],
      [{ orgno: '974760673', scope: 'a:b', client: 'x' }, 'client'],
    ];
    for (const [body, field] of cases) {
      const problem = await expectProblem(await json(running, 'POST', MP_TOKEN, body), 400);
      expect([body, (problem.errors as { field: string }[]).map((e) => e.field)]).toEqual([body, expect.arrayContaining([field])]);
    }
  });

  it('still answers a form-encoded request as the JWT-bearer grant, in RFC 6749 form', async () => {
    const response = await fetch(`${running.url}${MP_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'orgno=974760673&scope=a%3Ab',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'unsupported_grant_type', error_description: expect.any(String) });
  });
});

describe('the ID-porten token shortcut', () => {
  it('adds and overrides claims and sets the lifetime', async () => {
    const body = await issued(
      await json(running, 'POST', ID_TOKEN, {
        pid: '19108000239',
        expires_in: 3600,
        claims: { aud: 'my-api', acr: 'idporten-loa-high', extra: [1, 2] },
      }),
    );
    expect(body.expires_in).toBe(3600);
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({
      aud: 'my-api',
      acr: 'idporten-loa-high',
      extra: [1, 2],
      pid: '19108000239',
      iss: `${running.url}/test-idp/idporten/`,
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    const exchanged = await exchange(running, 'id-porten', body.access_token);
    expect(exchanged.status).toBe(200);
    expect(decodeJwt(await exchanged.text())).toMatchObject({ 'urn:altinn:authlevel': 4 });
  });

  it('issues an expired token for a negative expires_in, which the exchange refuses as expired', async () => {
    const body = await issued(await json(running, 'POST', ID_TOKEN, { pid: '19108000239', expires_in: -1 }));
    running.clock.advance(11_000);
    try {
      await refusedAsExpired(await exchange(running, 'id-porten', body.access_token));
    } finally {
      running.clock.advance(-11_000);
    }
  });

  it('refuses iss, exp and bad lifetimes', async () => {
    for (const extra of [{ claims: { iss: 'x' } }, { claims: { exp: 1 } }, { expires_in: 'soon' }, { expires_in: 100_000 }]) {
      await expectProblem(await json(running, 'POST', ID_TOKEN, { pid: '19108000239', ...extra }), 400);
    }
  });
});
