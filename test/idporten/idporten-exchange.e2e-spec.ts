import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeJwt } from 'jose';
import { DataSource } from 'typeorm';
import { RunningApp, startApp } from '../helpers/app';
import { exchange, verifyIssued } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';

const ISSUER = 'https://platform.test/authentication/api/v1/openid/';

describe('ID-porten exchange', () => {
  let idporten: FakeIssuer;
  let maskinporten: FakeIssuer;
  let running: RunningApp;

  before(async () => {
    // Both issuers on one host, told apart only by their paths.
    idporten = await FakeIssuer.start('idporten', '/idporten-oidc-provider');
    maskinporten = await FakeIssuer.start('maskinporten', '/idporten-oidc-provider/maskinporten');
    running = await startApp({
      env: {
        ISSUER_URL: ISSUER,
        IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl,
        MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
        IDPORTEN_AUDIENCE: '38e634d9-5682-44ae-9b60-db636efe3156',
        PROFILES_AUTO_PROVISION: 'false',
      },
    });
  });
  after(async () => {
    await running.close();
    await idporten.close();
    await maskinporten.close();
  });

  it("turns the seed's input into the seed's output, claim for claim", async () => {
    const input = idporten.idportenClaims();
    const response = await exchange(running, 'id-porten', await idporten.sign(input));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const payload = await verifyIssued(running, await response.text(), ISSUER);
    const { iat, nbf, exp, jti, sid, ...rest } = payload;
    expect(rest).toEqual({
      nameid: '20000011',
      'urn:altinn:userid': '20000011',
      'urn:altinn:username': '',
      'urn:altinn:partyid': 50002119,
      'urn:altinn:party:uuid': '8b2a6cf1-1d6e-4d4b-9f59-2c0a3c6f1a01',
      'urn:altinn:authenticatemethod': 'Minid-PIN',
      'urn:altinn:authlevel': 3,
      amr: 'Minid-PIN',
      pid: '19108000239',
      locale: 'nb',
      nonce: '1584978003167642',
      acr: 'Level3',
      auth_time: input.auth_time,
      iss: ISSUER,
    });
    expect(nbf).toBe(iat);
    expect((exp as number) - (iat as number)).toBe(1800);
    expect(sid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sid).not.toBe(input.sid);
    expect(jti).not.toBe(input.jti);
  });

  it('maps every known acr to its authentication level', async () => {
    const levels: Record<string, number> = {
      Level0: 0,
      'idporten-loa-low': 0,
      Level3: 3,
      'idporten-loa-substantial': 3,
      Level4: 4,
      'idporten-loa-high': 4,
    };
    for (const [acr, level] of Object.entries(levels)) {
      const response = await exchange(running, 'id-porten', await idporten.idportenToken({ acr }));
      expect(response.status).toBe(200);
      const payload = decodeJwt(await response.text());
      expect(payload['urn:altinn:authlevel']).toBe(level);
      expect(payload.acr).toBe(acr);
    }
  });

  it('accepts amr as a plain string', async () => {
    const payload = decodeJwt(await (await exchange(running, 'id-porten', await idporten.idportenToken({ amr: 'BankID' }))).text());
    expect(payload.amr).toBe('BankID');
    expect(payload['urn:altinn:authenticatemethod']).toBe('BankID');
  });

  it('answers JSON on Accept: application/json', async () => {
    const response = await exchange(running, 'id-porten', await idporten.idportenToken(), { accept: 'application/json' });
    expect(await response.json()).toMatchObject({ token_type: 'Bearer', expires_in: 1800 });
  });

  describe('refusals', () => {
    const refused = async (token: string, detail: RegExp, status = 401) => {
      const response = await exchange(running, 'id-porten', token);
      const body = await expectProblem(response, status);
      expect(String(body.detail)).toMatch(detail);
      expect(JSON.stringify(body)).not.toContain('19108000239');
      return response;
    };

    it('refuses a missing or malformed pid', async () => {
      for (const pid of [undefined, '1910800023', '191080002390', '1910800023a', 19108000239]) {
        await refused(await idporten.idportenToken({ pid }), /pid/);
      }
    });

    it('refuses a missing or unknown acr', async () => {
      await refused(await idporten.idportenToken({ acr: undefined }), /acr/);
      await refused(await idporten.idportenToken({ acr: 'Level2' }), /acr/);
    });

    it('refuses an unknown person when auto-provisioning is off', async () => {
      const response = await refused(await idporten.idportenToken({ pid: '01010112345' }), /unknown person/);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const count = await running.app
        .get(DataSource)
        .query<{ n: number }[]>("SELECT count(*)::int AS n FROM users WHERE ssn = '01010112345'");
      expect(count[0].n).toBe(0);
    });

    it('refuses a token for another audience', async () => {
      await refused(await idporten.idportenToken({ aud: 'someone-else' }), /audience/);
    });

    it('refuses a Maskinporten token here, and an ID-porten token at Maskinporten', async () => {
      await refused(await maskinporten.maskinportenToken(), /issuer is not trusted/);
      const response = await exchange(running, 'maskinporten', await idporten.idportenToken());
      expect(String((await expectProblem(response, 401)).detail)).toMatch(/issuer is not trusted/);
    });

    it('refuses one of our own tokens presented back', async () => {
      const ours = await (await exchange(running, 'id-porten', await idporten.idportenToken())).text();
      await refused(ours, /issuer is not trusted/);
    });
  });
});

describe('ID-porten required scope and auto-provisioning', () => {
  let idporten: FakeIssuer;
  let running: RunningApp;
  before(async () => {
    idporten = await FakeIssuer.start('idporten');
    // One app for both: the provisioning test's tokens carry the required scope.
    running = await startApp({
      env: { IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl, IDPORTEN_REQUIRED_SCOPE: 'altinn:enduser', PROFILES_AUTO_PROVISION: 'true' },
    });
  });
  after(async () => {
    await running.close();
    await idporten.close();
  });

  it('answers 403 insufficient_scope without the scope, 200 with it', async () => {
    const response = await exchange(running, 'id-porten', await idporten.idportenToken({ scope: 'openid profile' }));
    await expectProblem(response, 403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect((await exchange(running, 'id-porten', await idporten.idportenToken({ scope: 'openid altinn:enduser' }))).status).toBe(200);
  });

  it('creates exactly one user and party under 50 concurrent first requests', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => idporten.idportenToken({ pid: '05057012345', scope: 'openid altinn:enduser' })),
    );
    const responses = await Promise.all(tokens.map((t) => exchange(running, 'id-porten', t)));
    const payloads = await Promise.all(responses.map(async (r) => decodeJwt(await r.text())));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(payloads.map((p) => p['urn:altinn:userid'])).size).toBe(1);
    expect(new Set(payloads.map((p) => p['urn:altinn:partyid'])).size).toBe(1);
    const dataSource = running.app.get(DataSource);
    const users = await dataSource.query<{ n: number }[]>("SELECT count(*)::int AS n FROM users WHERE ssn = '05057012345'");
    const parties = await dataSource.query<{ n: number }[]>("SELECT count(*)::int AS n FROM parties WHERE ssn = '05057012345'");
    expect([users[0].n, parties[0].n]).toEqual([1, 1]);
    expect(Number(payloads[0]['urn:altinn:userid'])).toBeGreaterThanOrEqual(21000000);
  });
});
