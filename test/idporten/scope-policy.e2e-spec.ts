import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit-log';
import { validateImport } from '../../src/profiles/profile-import';
import { ProfileRepository } from '../../src/profiles/profile.repository';
import { RunningApp, startApp } from '../helpers/app';
import { exchange, verifyIssued } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';

const ISSUER = 'https://platform.test/authentication/api/v1/openid/';

/** 403 insufficient_scope, problem body naming the prefixes, one refused audit row, nothing issued. */
async function expectScopeRefused(running: RunningApp, token: string, prefixes: RegExp): Promise<void> {
  const audit = running.app.get(AuditLog);
  const dataSource = running.app.get(DataSource);
  await audit.flush();
  await dataSource.query('DELETE FROM authentication_events');
  const response = await exchange(running, 'id-porten', token);
  const body = await expectProblem(response, 403);
  expect(String(body.detail)).toMatch(prefixes);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="insufficient_scope", error_description="[^"]+"$/);
  await audit.flush();
  expect(await dataSource.query('SELECT provider, outcome, reason, issued_jti FROM authentication_events')).toEqual([
    { provider: 'idporten', outcome: 'refused', reason: 'scope_not_accepted', issued_jti: null },
  ]);
}

// One fake ID-porten for the three apps: the policy is the app's, whoever signs the tokens.
describe('ID-porten scope policy', () => {
  let idporten: FakeIssuer;
  before(async () => {
    idporten = await FakeIssuer.start('idporten');
  });
  after(() => idporten?.close());

  describe('ID-porten accepted-scope policy', () => {
    let running: RunningApp;
    before(async () => {
      running = await startApp({
        env: { ISSUER_URL: ISSUER, IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl, IDPORTEN_ACCEPTED_SCOPE_PREFIXES: 'altinn:,partner:' },
      });
    });
    after(() => running?.close());

    it('accepts a token with a scope in any accepted namespace', async () => {
      for (const scope of ['openid altinn:portal/enduser', 'partner:api']) {
        const response = await exchange(running, 'id-porten', await idporten.idportenToken({ scope }));
        expect([scope, response.status]).toEqual([scope, 200]);
        expect((await verifyIssued(running, await response.text(), ISSUER))['urn:altinn:userid']).toBe('20000011');
      }
    });

    it('answers 403 for a token minted for another relying party, whatever else it has', async () => {
      for (const scope of ['openid profile', 'xaltinn:portal', 'openid:altinn:x', 'altinn:', '']) {
        await expectScopeRefused(running, await idporten.idportenToken({ scope }), /starting with altinn: or partner:/);
      }
      await expectScopeRefused(running, await idporten.idportenToken({ scope: undefined }), /altinn:/);
    });
  });

  describe('ID-porten scope policy outside production by default', () => {
    let running: RunningApp;
    before(async () => {
      running = await startApp({ env: { IDPORTEN_WELL_KNOWN_URLS: idporten.wellKnownUrl } });
    });
    after(() => running?.close());

    it('accepts any scope, and none', async () => {
      expect((await exchange(running, 'id-porten', await idporten.idportenToken({ scope: 'openid profile' }))).status).toBe(200);
      expect((await exchange(running, 'id-porten', await idporten.idportenToken({ scope: undefined }))).status).toBe(200);
    });
  });

  describe('ID-porten scope policy in production by default', () => {
    let running: RunningApp;
    before(async () => {
      // Production settings as an operator would set them (https upstreams), then pointed at the local fake issuer.
      running = await startApp({
        env: {
          NODE_ENV: 'production',
          ISSUER_URL: ISSUER,
          IDPORTEN_WELL_KNOWN_URLS: 'https://idporten.example/.well-known/openid-configuration',
          MASKINPORTEN_WELL_KNOWN_URLS: 'https://maskinporten.example/.well-known/oauth-authorization-server',
          MASKINPORTEN_AUDIENCE: 'https://platform.test/',
        },
        adjust: (settings) => {
          expect(settings.issuers.idporten.acceptedScopePrefixes).toEqual(['altinn:']);
          settings.issuers.idporten.wellKnownUrls = [idporten.wellKnownUrl];
          settings.issuers.maskinporten.wellKnownUrls = [];
        },
      });
      const person = validateImport({
        parties: [
          {
            partyId: 50002119,
            partyUuid: '8b2a6cf1-1d6e-4d4b-9f59-2c0a3c6f1a01',
            type: 'person',
            ssn: '19108000239',
            name: 'Test Testesen',
          },
        ],
        users: [{ userId: 20000011, userName: '', ssn: '19108000239', partyId: 50002119 }],
      });
      await new ProfileRepository(running.app.get(DataSource)).import(person);
    });
    after(() => running?.close());

    it('refuses a token for another relying party with only openid profile (403), accepts an altinn: scope', async () => {
      await expectScopeRefused(
        running,
        await idporten.idportenToken({ aud: 'https://another-relying-party.example/', scope: 'openid profile' }),
        /starting with altinn:/,
      );
      const response = await exchange(running, 'id-porten', await idporten.idportenToken({ scope: 'openid altinn:portal/enduser' }));
      expect(response.status).toBe(200);
      expect((await verifyIssued(running, await response.text(), ISSUER))['urn:altinn:partyid']).toBe(50002119);
    });
  });
});
