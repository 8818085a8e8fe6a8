import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit-log';
import { RunningApp, startApp } from '../helpers/app';
import { exchange, verifyIssued } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';

const ISSUER = 'https://platform.test/authentication/api/v1/openid/';

describe('Maskinporten exchange', () => {
  let maskinporten: FakeIssuer;
  let other: FakeIssuer;
  let running: RunningApp;

  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
    other = await FakeIssuer.start('maskinporten', '/elsewhere');
    running = await startApp({ env: { ISSUER_URL: ISSUER, MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl } });
  });
  after(async () => {
    await running.close();
    await maskinporten.close();
    await other.close();
  });

  it("turns the seed's input into the seed's output, claim for claim", async () => {
    const input = maskinporten.maskinportenClaims();
    const response = await exchange(running, 'maskinporten', await maskinporten.sign(input));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    const token = await response.text();
    const payload = await verifyIssued(running, token, ISSUER);
    const { iat, nbf, exp, jti, ...rest } = payload;
    expect(rest).toEqual({
      scope: 'altinn:instances.write',
      token_type: 'Bearer',
      client_id: '0de19f7a-f5fa-45d1-874c-3d2e88ce97d9',
      client_orgno: '974760673',
      consumer: { authority: 'iso6523-actorid-upis', ID: '0192:974760673' },
      org: 'brg',
      orgNumber: 974760673,
      iss: ISSUER,
      AuthenticateMethod: 'maskinporten',
      AuthenticationLevel: 3,
      'urn:altinn:org': 'brg',
      'urn:altinn:orgNumber': '974760673',
      'urn:altinn:authenticatemethod': 'maskinporten',
      'urn:altinn:authlevel': 3,
    });
    expect(nbf).toBe(iat);
    expect((exp as number) - (iat as number)).toBe(1800);
    expect(jti).not.toBe(input.jti);
    expect(jti).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers the RFC 8693 JSON shape on Accept: application/json', async () => {
    const response = await exchange(running, 'maskinporten', await maskinporten.maskinportenToken(), { accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 1800,
      issued_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    });
    await verifyIssued(running, body.access_token as string, ISSUER);
  });

  it('leaves org out for an organisation that is not registered', async () => {
    const token = await maskinporten.maskinportenToken({ consumer: { authority: 'iso6523-actorid-upis', ID: '0192:123456789' } });
    const payload = await verifyIssued(running, await (await exchange(running, 'maskinporten', token)).text(), ISSUER);
    expect(payload.org).toBeUndefined();
    expect(payload['urn:altinn:org']).toBeUndefined();
    expect(payload.orgNumber).toBe(123456789);
  });

  it('maps digdir to ttd with ?test=true outside production', async () => {
    const token = await maskinporten.maskinportenToken({ consumer: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' } });
    const plain = await verifyIssued(running, await (await exchange(running, 'maskinporten', token)).text(), ISSUER);
    expect(plain.org).toBe('digdir');
    const test = await verifyIssued(
      running,
      await (await exchange(running, 'maskinporten', token, { query: '?test=true' })).text(),
      ISSUER,
    );
    expect(test.org).toBe('ttd');
    await expectProblem(await exchange(running, 'maskinporten', token, { query: '?test=maybe' }), 400);
  });

  it('writes one audit row per exchange, never the token', async () => {
    const audit = running.app.get(AuditLog);
    const dataSource = running.app.get(DataSource);
    await audit.flush();
    await dataSource.query('DELETE FROM authentication_events');
    const token = await maskinporten.maskinportenToken();
    const issued = await verifyIssued(running, await (await exchange(running, 'maskinporten', token)).text(), ISSUER);
    await exchange(running, 'maskinporten', await maskinporten.maskinportenToken({ consumer: undefined }));
    await audit.flush();
    const rows = await dataSource.query<Record<string, unknown>[]>(
      'SELECT provider, outcome, reason, client_id, org_number, issued_jti FROM authentication_events ORDER BY occurred_at, outcome',
    );
    expect(rows).toEqual([
      {
        provider: 'maskinporten',
        outcome: 'issued',
        reason: null,
        client_id: '0de19f7a-f5fa-45d1-874c-3d2e88ce97d9',
        org_number: '974760673',
        issued_jti: issued.jti,
      },
      { provider: 'maskinporten', outcome: 'refused', reason: 'missing_consumer', client_id: null, org_number: null, issued_jti: null },
    ]);
    const all = JSON.stringify(await dataSource.query('SELECT * FROM authentication_events'));
    expect(all).not.toContain(token.split('.')[2]);
  });

  describe('refusals', () => {
    const refused = async (token: string | undefined, reason: RegExp, status = 401) => {
      const response = await exchange(running, 'maskinporten', token);
      const body = await expectProblem(response, status);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_(token|request)", error_description="[^"]+"$/);
      expect(String(body.detail)).toMatch(reason);
      if (token) expect(JSON.stringify(body) + response.headers.get('www-authenticate')).not.toContain(token.split('.')[1]);
      return response;
    };

    it('refuses a request without a token as invalid_request', async () => {
      const response = await refused(undefined, /Authorization header/);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"');
    });

    it('refuses an expired token', async () => {
      const now = maskinporten.now();
      await refused(await maskinporten.maskinportenToken({ iat: now - 600, exp: now - 60 }), /expired/);
    });

    it('accepts a token expired within the clock skew', async () => {
      const now = maskinporten.now();
      const response = await exchange(running, 'maskinporten', await maskinporten.maskinportenToken({ iat: now - 600, exp: now - 5 }));
      expect(response.status).toBe(200);
    });

    it('refuses a token without exp', async () => {
      await refused(await maskinporten.maskinportenToken({ exp: undefined }), /exp/);
    });

    it('refuses a token from an issuer that is not configured', async () => {
      await refused(await other.maskinportenToken(), /issuer is not trusted/);
    });

    it('refuses a token whose iss only starts with the trusted issuer', async () => {
      await refused(await maskinporten.maskinportenToken({ iss: `${maskinporten.issuer}x` }), /issuer is not trusted/);
    });

    it('refuses a token signed by another key under a trusted kid', async () => {
      const stranger = await FakeIssuer.newKey();
      const token = await maskinporten.sign(maskinporten.maskinportenClaims(), { key: { ...stranger, kid: maskinporten.keys[0].kid } });
      await refused(token, /signature/);
    });

    it('refuses a token without consumer, with another authority, or a malformed ID', async () => {
      await refused(await maskinporten.maskinportenToken({ consumer: undefined }), /no consumer/);
      await refused(await maskinporten.maskinportenToken({ consumer: { authority: 'other', ID: '0192:974760673' } }), /authority/);
      for (const ID of ['0192:97476067', '0193:974760673', '0192:9747606730', 974760673, '0192:97476067a']) {
        await refused(await maskinporten.maskinportenToken({ consumer: { authority: 'iso6523-actorid-upis', ID } }), /consumer ID/);
      }
    });

    it('refuses a scope that is not a string', async () => {
      await refused(await maskinporten.maskinportenToken({ scope: ['altinn:a'] }), /scope/);
    });

    it('refuses another provider path with 400', async () => {
      const body = await expectProblem(await exchange(running, 'foo', await maskinporten.maskinportenToken()), 400);
      expect(body.detail).toBe('supported providers are maskinporten, id-porten');
    });
  });
});
