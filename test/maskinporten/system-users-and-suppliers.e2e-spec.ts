import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit-log';
import { RunningApp, startApp } from '../helpers/app';
import { exchange, verifyIssued } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';

const ISSUER = 'https://platform.test/authentication/api/v1/openid/';
const VENDOR = { authority: 'iso6523-actorid-upis', ID: '0192:991825827' };
const CUSTOMER = { authority: 'iso6523-actorid-upis', ID: '0192:974760673' };
const SYSTEM_USER_ID = 'a6355a68-86b8-4344-8a81-0248cb461468';
const SYSTEM_USER = {
  type: 'urn:altinn:systemuser',
  systemuser_id: [SYSTEM_USER_ID],
  systemuser_org: CUSTOMER,
  system_id: '991825827_smartcloud',
};

interface AuditRow {
  outcome: string;
  reason: string | null;
  org_number: string | null;
  system_user_id: string | null;
  supplier_org_number: string | null;
  issued_jti: string | null;
}

// One fake Maskinporten for both apps, which differ only in their org claim scope.
describe('Maskinporten system users, suppliers and the org claim', () => {
  let maskinporten: FakeIssuer;
  before(async () => {
    maskinporten = await FakeIssuer.start('maskinporten');
  });
  after(() => maskinporten?.close());

  describe('Maskinporten system users and supplier delegation', () => {
    let running: RunningApp;

    before(async () => {
      running = await startApp({ env: { ISSUER_URL: ISSUER, MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl } });
    });
    after(() => running?.close());

    /** Audit rows written since `since` rows, oldest first. */
    const auditRows = async (): Promise<AuditRow[]> => {
      await running.app.get(AuditLog).flush();
      return running.app
        .get(DataSource)
        .query<AuditRow[]>(
          'SELECT outcome, reason, org_number, system_user_id, supplier_org_number, issued_jti FROM authentication_events ORDER BY occurred_at, id',
        );
    };
    const clearAudit = async () => {
      await running.app.get(AuditLog).flush();
      await running.app.get(DataSource).query('DELETE FROM authentication_events');
    };

    it("still turns the seed's input into the seed's output, with neither claim", async () => {
      const payload = await verifyIssued(
        running,
        await (await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).text(),
        ISSUER,
      );
      expect(payload).not.toHaveProperty('authorization_details');
      expect(payload).not.toHaveProperty('supplier');
      expect(payload.org).toBe('brg');
    });

    it("copies a system user's authorization_details unchanged; consumer, orgNumber and org stay the vendor's", async () => {
      await clearAudit();
      const input = maskinporten.maskinportenClaims({ consumer: VENDOR, client_orgno: '991825827', authorization_details: [SYSTEM_USER] });
      const response = await exchange(running, 'maskinporten', await maskinporten.sign(input));
      expect(response.status).toBe(200);
      const { iat, nbf, exp, jti, ...rest } = await verifyIssued(running, await response.text(), ISSUER);
      expect(rest).toEqual({
        scope: 'altinn:instances.write',
        token_type: 'Bearer',
        client_id: '0de19f7a-f5fa-45d1-874c-3d2e88ce97d9',
        client_orgno: '991825827',
        consumer: VENDOR,
        authorization_details: [SYSTEM_USER],
        org: 'digdir',
        orgNumber: 991825827,
        iss: ISSUER,
        AuthenticateMethod: 'maskinporten',
        AuthenticationLevel: 3,
        'urn:altinn:org': 'digdir',
        'urn:altinn:orgNumber': '991825827',
        'urn:altinn:authenticatemethod': 'maskinporten',
        'urn:altinn:authlevel': 3,
      });
      expect([iat, nbf, exp]).toEqual([iat, iat, (iat as number) + 1800]);
      expect(await auditRows()).toEqual([
        {
          outcome: 'issued',
          reason: null,
          org_number: '991825827',
          system_user_id: SYSTEM_USER_ID,
          supplier_org_number: null,
          issued_jti: jti,
        },
      ]);
    });

    it('copies entries of other types unchanged beside the system user entry, and the system user entry with its known fields only', async () => {
      const other = {
        type: 'urn:example:resource',
        resource: 'urn:altinn:resource:ttd-app',
        actions: ['read'],
        nested: { z: 1, a: [true, null] },
      };
      const details = [other, { ...SYSTEM_USER, extension: 'kept' }];
      const token = await (
        await exchange(running, 'maskinporten', await maskinporten.maskinportenToken({ consumer: VENDOR, authorization_details: details }))
      ).text();
      const payload = await verifyIssued(running, token, ISSUER);
      expect(JSON.stringify(payload.authorization_details)).toBe(JSON.stringify([other, SYSTEM_USER]));
    });

    it("copies the supplier and keeps org and orgNumber the consumer's; the audit row names the supplier", async () => {
      await clearAudit();
      const response = await exchange(
        running,
        'maskinporten',
        await maskinporten.maskinportenToken({ supplier: { ...VENDOR, extra: 'dropped' } }),
      );
      expect(response.status).toBe(200);
      const payload = await verifyIssued(running, await response.text(), ISSUER);
      expect(payload.supplier).toEqual(VENDOR);
      expect(payload.consumer).toEqual(CUSTOMER);
      expect(payload.orgNumber).toBe(974760673);
      expect(payload['urn:altinn:orgNumber']).toBe('974760673');
      expect(payload.org).toBe('brg');
      expect(await auditRows()).toEqual([
        {
          outcome: 'issued',
          reason: null,
          org_number: '974760673',
          system_user_id: null,
          supplier_org_number: '991825827',
          issued_jti: payload.jti,
        },
      ]);
    });

    it('keeps both claims through a refresh', async () => {
      const token = await (
        await exchange(
          running,
          'maskinporten',
          await maskinporten.maskinportenToken({ consumer: VENDOR, supplier: CUSTOMER, authorization_details: [SYSTEM_USER] }),
        )
      ).text();
      const refreshed = await fetch(`${running.url}/authentication/api/v1/refresh`, { headers: { authorization: `Bearer ${token}` } });
      expect(refreshed.status).toBe(200);
      const payload = await verifyIssued(running, await refreshed.text(), ISSUER);
      expect(payload.authorization_details).toEqual([SYSTEM_USER]);
      expect(payload.supplier).toEqual(CUSTOMER);
    });

    describe('refusals: 401 invalid_token, nothing issued, one audit row and one metric with the reason', () => {
      const refused = async (claims: Record<string, unknown>, reason: string, detail: RegExp) => {
        await clearAudit();
        const response = await exchange(running, 'maskinporten', await maskinporten.maskinportenToken(claims));
        const body = await expectProblem(response, 401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", error_description="[^"]+"$/);
        expect(String(body.detail)).toMatch(detail);
        expect(await auditRows()).toEqual([
          { outcome: 'refused', reason, org_number: null, system_user_id: null, supplier_org_number: null, issued_jti: null },
        ]);
      };
      const metric = async (reason: string) => {
        const text = await (await fetch(`${running.url}/metrics`)).text();
        const line = text
          .split('\n')
          .find((l) => l.startsWith(`authentication_exchange_refusals_total{provider="maskinporten",reason="${reason}"}`));
        return Number(line?.split(' ').pop() ?? 0);
      };

      it('refuses authorization_details that are not an array of typed objects', async () => {
        const before = await metric('invalid_authorization_details');
        for (const details of [{ type: 'urn:altinn:systemuser' }, 'urn:altinn:systemuser', [], [7], [{ ...SYSTEM_USER, type: 5 }]]) {
          await refused({ consumer: VENDOR, authorization_details: details }, 'invalid_authorization_details', /authorization_details/);
        }
        expect(await metric('invalid_authorization_details')).toBe(before + 5);
      });

      it('refuses a system user entry with a bad id list, organisation or system id', async () => {
        const cases: Record<string, unknown>[] = [
          { systemuser_id: [] },
          { systemuser_id: ['not-a-uuid'] },
          { systemuser_id: SYSTEM_USER_ID },
          { systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:974760674' } },
          { systemuser_org: { authority: 'other', ID: '0192:974760673' } },
          { systemuser_org: undefined },
          { system_id: '' },
          { system_id: 'x'.repeat(129) },
        ];
        for (const patch of cases) {
          await refused(
            { consumer: VENDOR, authorization_details: [{ ...SYSTEM_USER, ...patch }] },
            'invalid_authorization_details',
            /systemuser_id|systemuser_org|system_id/,
          );
        }
      });

      it('refuses details without a system user entry with their own reason', async () => {
        const before = await metric('unsupported_authorization_details');
        await refused(
          { authorization_details: [{ type: 'urn:example:resource' }] },
          'unsupported_authorization_details',
          /without a urn:altinn:systemuser entry/,
        );
        expect(await metric('unsupported_authorization_details')).toBe(before + 1);
      });

      it('refuses a supplier in any other shape', async () => {
        const before = await metric('invalid_supplier');
        for (const supplier of [
          '0192:991825827',
          { ID: '0192:991825827' },
          { authority: 'iso6523-actorid-upis', ID: '0192:991825828' },
          { authority: 'iso6523-actorid-upis', ID: '991825827' },
          null,
        ]) {
          await refused({ supplier }, 'invalid_supplier', /supplier/);
        }
        expect(await metric('invalid_supplier')).toBe(before + 5);
      });
    });
  });

  describe('Maskinporten org claim bound to the service-owner scope', () => {
    let running: RunningApp;

    before(async () => {
      running = await startApp({
        env: {
          ISSUER_URL: ISSUER,
          MASKINPORTEN_WELL_KNOWN_URLS: maskinporten.wellKnownUrl,
          MASKINPORTEN_ORG_CLAIM_SCOPE: 'altinn:serviceowner',
        },
      });
    });
    after(() => running?.close());

    it('gives org only to a token with an altinn:serviceowner scope', async () => {
      const plain = await verifyIssued(
        running,
        await (await exchange(running, 'maskinporten', await maskinporten.maskinportenToken())).text(),
        ISSUER,
      );
      expect(plain.org).toBeUndefined();
      expect(plain['urn:altinn:org']).toBeUndefined();
      expect(plain.orgNumber).toBe(974760673);
      const owner = await maskinporten.maskinportenToken({ scope: 'altinn:serviceowner/instances.read' });
      const payload = await verifyIssued(running, await (await exchange(running, 'maskinporten', owner)).text(), ISSUER);
      expect(payload.org).toBe('brg');
      expect(payload['urn:altinn:org']).toBe('brg');
    });
  });
});
