import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeJwt } from 'jose';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit-log';
import { RunningApp, startApp } from '../helpers/app';
import { eventually, exchange } from '../helpers/exchange';
import { expectProblem } from '../helpers/problem';
import { assertion, json, provisionClient, SCOPE, StandInClient, tokenRequest } from '../helpers/test-idp-client';

const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const MP = '/test-idp/maskinporten';
const VENDOR = '991825827';
const CUSTOMER = '974760673';
const SUPPLIER = '889640782';
const iso = (orgno: string) => ({ authority: 'iso6523-actorid-upis', ID: `0192:${orgno}` });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('test IdP system users and supplier delegation', () => {
  let running: RunningApp;
  let vendor: StandInClient;
  let systemUserId: string;

  before(async () => {
    running = await startApp({ env: { TEST_IDP_ENABLED: 'true' } });
    vendor = await provisionClient(running, VENDOR);
    // The exchange trusts the stand-in once it has fetched its keys, just after the app listens.
    await eventually(async () => (await fetch(`${running.url}/health/ready`)).ok, 20_000);
  });
  after(() => running.close());

  const count = async (table: string) =>
    (await running.app.get(DataSource).query<{ n: number }[]>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  const grant = (client: StandInClient, claims: Record<string, unknown>) =>
    assertion(running, client, claims).then((a) => tokenRequest(running, { grant_type: GRANT, assertion: a }));
  const oauthError = async (response: Response, error: string, description: RegExp) => {
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body).toEqual({ error, error_description: expect.stringMatching(description) });
  };
  const auditOf = async (jti: unknown) => {
    await running.app.get(AuditLog).flush();
    return running.app
      .get(DataSource)
      .query<Record<string, unknown>[]>(
        'SELECT org_number, system_user_id, supplier_org_number FROM authentication_events WHERE issued_jti = $1',
        [jti],
      );
  };

  it('advertises the system-user authorization detail type', async () => {
    const metadata = (await (await fetch(`${running.url}${MP}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata.authorization_details_types_supported).toEqual(['urn:altinn:systemuser']);
  });

  it('registers a system for the vendor and creates a system user for a customer', async () => {
    const system = await json(running, 'POST', `${MP}/systems`, {
      system_id: `${VENDOR}_smartcloud`,
      vendor_orgno: VENDOR,
      name: 'SmartCloud',
      client_ids: [vendor.clientId],
    });
    expect(system.status).toBe(201);
    expect(await system.json()).toEqual({
      system_id: `${VENDOR}_smartcloud`,
      vendor_orgno: VENDOR,
      name: 'SmartCloud',
      client_ids: [vendor.clientId],
    });
    const user = await json(running, 'POST', `${MP}/systemusers`, { system_id: `${VENDOR}_smartcloud`, customer_orgno: CUSTOMER });
    expect(user.status).toBe(201);
    const body = (await user.json()) as { id: string };
    expect(body).toEqual({ id: expect.stringMatching(UUID), system_id: `${VENDOR}_smartcloud`, systemuser_org: iso(CUSTOMER) });
    systemUserId = body.id;
  });

  it('issues a system-user token through the JWT-bearer grant, which the exchange carries through and audits', async () => {
    const response = await grant(vendor, { authorization_details: [{ type: 'urn:altinn:systemuser', systemuser_org: iso(CUSTOMER) }] });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    const details = [
      { type: 'urn:altinn:systemuser', systemuser_id: [systemUserId], systemuser_org: iso(CUSTOMER), system_id: `${VENDOR}_smartcloud` },
    ];
    expect(decodeJwt(token)).toMatchObject({ consumer: iso(VENDOR), client_orgno: VENDOR, authorization_details: details });
    const exchanged = await exchange(running, 'maskinporten', token);
    expect(exchanged.status).toBe(200);
    const ours = decodeJwt(await exchanged.text());
    expect(ours).toMatchObject({
      authorization_details: details,
      consumer: iso(VENDOR),
      orgNumber: Number(VENDOR),
      'urn:altinn:orgNumber': VENDOR,
    });
    expect(await auditOf(ours.jti)).toEqual([{ org_number: VENDOR, system_user_id: systemUserId, supplier_org_number: null }]);
  });

  it('answers invalid_authorization_details for a customer without a system user, another type or a malformed request', async () => {
    await oauthError(
      await grant(vendor, { authorization_details: [{ type: 'urn:altinn:systemuser', systemuser_org: iso(SUPPLIER) }] }),
      'invalid_authorization_details',
      /no system user for 889640782/,
    );
    await oauthError(
      await grant(vendor, { authorization_details: [{ type: 'urn:example:other', systemuser_org: iso(CUSTOMER) }] }),
      'invalid_authorization_details',
      /urn:altinn:systemuser/,
    );
    await oauthError(
      await grant(vendor, { authorization_details: { type: 'urn:altinn:systemuser', systemuser_org: iso(CUSTOMER) } }),
      'invalid_authorization_details',
      /one entry/,
    );
    await oauthError(
      await grant(vendor, {
        authorization_details: [{ type: 'urn:altinn:systemuser', systemuser_org: { authority: 'x', ID: `0192:${CUSTOMER}` } }],
      }),
      'invalid_authorization_details',
      /systemuser_org/,
    );
    await oauthError(
      await grant(vendor, {
        authorization_details: [{ type: 'urn:altinn:systemuser', systemuser_org: iso(CUSTOMER) }],
        consumer_org: CUSTOMER,
      }),
      'invalid_request',
      /not both/,
    );
  });

  it("answers invalid_authorization_details to a client that is not one of the system's", async () => {
    const other = await provisionClient(running, VENDOR);
    await oauthError(
      await grant(other, { authorization_details: [{ type: 'urn:altinn:systemuser', systemuser_org: iso(CUSTOMER) }] }),
      'invalid_authorization_details',
      /no system user/,
    );
  });

  it('refuses bad systems and system users, writing nothing', async () => {
    const systems = await count('test_idp_systems');
    const users = await count('test_idp_system_users');
    const bad = async (path: string, body: Record<string, unknown>, status: number, detail: RegExp) => {
      const problem = await expectProblem(await json(running, 'POST', `${MP}/${path}`, body), status);
      expect(JSON.stringify(problem)).toMatch(detail);
    };
    const system = { system_id: `${VENDOR}_other`, vendor_orgno: VENDOR, client_ids: [vendor.clientId] };
    await bad('systems', { ...system, system_id: `${CUSTOMER}_other` }, 400, /start with the vendor/);
    await bad('systems', { ...system, system_id: 'no-vendor-prefix' }, 400, /system_id/);
    await bad('systems', { ...system, system_id: `${VENDOR}_with space` }, 400, /system_id/);
    await bad('systems', { ...system, client_ids: ['00000000-0000-4000-8000-000000000000'] }, 400, /no client/);
    await bad('systems', { ...system, client_ids: [] }, 400, /client_ids/);
    await bad('systems', { ...system, vendor_orgno: CUSTOMER, system_id: `${CUSTOMER}_x` }, 400, /not the vendor's/);
    await bad('systems', { ...system, system_id: `${VENDOR}_smartcloud` }, 409, /already exists/);
    await bad('systems', { ...system, extra: 1 }, 400, /extra/);
    await bad('systemusers', { system_id: `${VENDOR}_unknown`, customer_orgno: CUSTOMER }, 404, /no system/);
    await bad('systemusers', { system_id: `${VENDOR}_smartcloud`, customer_orgno: '974760674' }, 400, /customer_orgno/);
    await bad('systemusers', { system_id: `${VENDOR}_smartcloud`, customer_orgno: CUSTOMER }, 409, /already has a system user/);
    expect([await count('test_idp_systems'), await count('test_idp_system_users')]).toEqual([systems, users]);
  });

  describe('supplier delegation', () => {
    let supplier: StandInClient;

    it('records a delegation, and the supplier may then make a client with the delegated scope', async () => {
      await json(running, 'PUT', `${MP}/scopes/access/${CUSTOMER}?scope=${encodeURIComponent(SCOPE)}`);
      const response = await json(running, 'POST', `${MP}/delegations`, {
        consumer_orgno: CUSTOMER,
        supplier_orgno: SUPPLIER,
        scope: SCOPE,
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ consumer_orgno: CUSTOMER, supplier_orgno: SUPPLIER, scope: SCOPE });
      supplier = await provisionClient(running, SUPPLIER);
      expect(supplier.clientId).toMatch(UUID);
    });

    it('issues a token with supplier and consumer for consumer_org, which the exchange carries through and audits', async () => {
      const response = await grant(supplier, { consumer_org: CUSTOMER });
      expect(response.status).toBe(200);
      const { access_token: token } = (await response.json()) as { access_token: string };
      expect(decodeJwt(token)).toMatchObject({ consumer: iso(CUSTOMER), supplier: iso(SUPPLIER), client_id: supplier.clientId });
      const ours = decodeJwt(await (await exchange(running, 'maskinporten', token)).text());
      expect(ours).toMatchObject({
        consumer: iso(CUSTOMER),
        supplier: iso(SUPPLIER),
        org: 'brg',
        orgNumber: Number(CUSTOMER),
        'urn:altinn:orgNumber': CUSTOMER,
      });
      expect(await auditOf(ours.jti)).toEqual([{ org_number: CUSTOMER, system_user_id: null, supplier_org_number: SUPPLIER }]);
    });

    it('answers an RFC 6749 error without a delegation, for a malformed consumer_org, or once the consumer lost the scope', async () => {
      await oauthError(await grant(supplier, { consumer_org: VENDOR }), 'invalid_grant', /has not delegated/);
      await oauthError(await grant(supplier, { consumer_org: '974760674' }), 'invalid_request', /consumer_org/);
      await oauthError(await grant(supplier, { consumer_org: 974760673 }), 'invalid_request', /consumer_org/);
      await json(running, 'DELETE', `${MP}/scopes/access/${CUSTOMER}?scope=${encodeURIComponent(SCOPE)}`);
      await oauthError(await grant(supplier, { consumer_org: CUSTOMER }), 'invalid_scope', /not granted to 974760673/);
    });

    it('refuses bad delegations, writing nothing', async () => {
      const before = await count('test_idp_delegations');
      const bad = async (body: Record<string, unknown>, status: number, detail: RegExp) => {
        expect(JSON.stringify(await expectProblem(await json(running, 'POST', `${MP}/delegations`, body), status))).toMatch(detail);
      };
      await bad({ consumer_orgno: SUPPLIER, supplier_orgno: SUPPLIER, scope: SCOPE }, 400, /itself/);
      await bad({ consumer_orgno: '123456789', supplier_orgno: SUPPLIER, scope: SCOPE }, 400, /consumer_orgno/);
      await bad({ consumer_orgno: CUSTOMER, supplier_orgno: SUPPLIER, scope: 'altinn:nothing' }, 404, /no scope/);
      await bad({ consumer_orgno: CUSTOMER, supplier_orgno: VENDOR, scope: SCOPE }, 400, /not granted to 974760673/);
      await json(running, 'PUT', `${MP}/scopes/access/${CUSTOMER}?scope=${encodeURIComponent(SCOPE)}`);
      await bad({ consumer_orgno: CUSTOMER, supplier_orgno: SUPPLIER, scope: SCOPE }, 409, /already delegates/);
      expect(await count('test_idp_delegations')).toBe(before);
    });
  });
});
