import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit-log';
import type { RunningApp } from '../helpers/app';
import { AppWithIssuers, startAppWithIssuers } from '../helpers/app-with-issuers';
import { EXCHANGE } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { rawGet, RawResponse, rawSocketGet } from '../helpers/raw-request';

const METRICS_TOKEN = 'metrics-token-0123456789';
const ADMIN = 'admin-token-0123456789abcdef';

/** A 400 invalid_request problem that names the rule, with nothing of either header echoed. */
function expectAmbiguous(response: RawResponse, ...sent: string[]): void {
  expect(response.status).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.headers['www-authenticate']).toMatch(/^Bearer error="invalid_request"/);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  expect(body).toMatchObject({ status: 400, title: 'Invalid request', detail: 'send exactly one Authorization header' });
  for (const header of sent) expect(response.body).not.toContain(header.slice(7, 40));
}

/** Node keeps only the first of repeated Authorization headers; every endpoint taking a token must see them all. */
describe('exactly one Authorization header', () => {
  let started: AppWithIssuers;
  let maskinporten: FakeIssuer;
  let idporten: FakeIssuer;
  let running: RunningApp;

  before(async () => {
    // The test IdP too, for its admin endpoints: one app serves every endpoint that takes a token.
    started = await startAppWithIssuers({ env: { METRICS_TOKEN, TEST_IDP_ENABLED: 'true', TEST_IDP_ADMIN_TOKEN: ADMIN } });
    ({ running, maskinporten, idporten } = started);
  });
  after(() => started.close());

  const rows = async () => {
    await running.app.get(AuditLog).flush();
    return running.app
      .get(DataSource)
      .query<{ outcome: string; reason: string | null; org_number: string | null }[]>(
        'SELECT outcome, reason, org_number FROM authentication_events ORDER BY occurred_at, id',
      );
  };

  it('refuses two valid tokens of two organisations with 400 and issues nothing (first one used to win)', async () => {
    const first = `Bearer ${await maskinporten.maskinportenToken()}`;
    const second = `Bearer ${await maskinporten.maskinportenToken({ client_orgno: '991825827', consumer: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' } })}`;
    // Each alone is exchanged: the refusal below is about the pair, not either token.
    expect((await rawGet(`${running.url}${EXCHANGE}/maskinporten`, { authorization: second })).status).toBe(200);
    const before = (await rows()).length;
    const response = await rawGet(`${running.url}${EXCHANGE}/maskinporten`, { authorization: [first, second] });
    expectAmbiguous(response, first, second);
    const after = await rows();
    expect(after.length).toBe(before + 1);
    expect(after[after.length - 1]).toMatchObject({ outcome: 'refused', reason: 'multiple_authorization_headers', org_number: null });
  });

  it('refuses a Bearer header followed by a Basic one', async () => {
    const bearer = `Bearer ${await maskinporten.maskinportenToken()}`;
    const response = await rawGet(`${running.url}${EXCHANGE}/maskinporten`, { authorization: [bearer, 'Basic dXNlcjpwYXNzd29yZA=='] });
    expectAmbiguous(response, bearer);
  });

  it('refuses two headers at the ID-porten exchange', async () => {
    const token = `Bearer ${await idporten.idportenToken()}`;
    expectAmbiguous(await rawGet(`${running.url}${EXCHANGE}/id-porten`, { authorization: [token, token] }), token);
  });

  it('refuses two headers at refresh, even when both carry the same valid token', async () => {
    const ours = await (
      await fetch(`${running.url}${EXCHANGE}/maskinporten`, {
        headers: { authorization: `Bearer ${await maskinporten.maskinportenToken()}` },
      })
    ).text();
    const url = `${running.url}/authentication/api/v1/refresh`;
    expect((await rawGet(url, { authorization: `Bearer ${ours}` })).status).toBe(200);
    expectAmbiguous(await rawGet(url, { authorization: [`Bearer ${ours}`, `Bearer ${ours}`] }), `Bearer ${ours}`);
  });

  it('refuses two headers at /metrics, even when the first holds the right token', async () => {
    expect((await rawGet(`${running.url}/metrics`, { authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
    expectAmbiguous(
      await rawGet(`${running.url}/metrics`, { authorization: [`Bearer ${METRICS_TOKEN}`, 'Bearer other-token-0123456789'] }),
      `Bearer ${METRICS_TOKEN}`,
    );
  });

  it('refuses a second Authorization after 2,000 filler header lines, which Node drops unread', async () => {
    const first = `Authorization: Bearer ${await maskinporten.maskinportenToken()}`;
    const second = 'Authorization: Bearer second-token-after-the-filler';
    const filler = Array.from({ length: 2000 }, () => 'x:a');
    const lines = [first, ...filler, second];
    expect(lines.join('\r\n').length).toBeLessThan(16 * 1024);
    expectAmbiguous(await rawSocketGet(`${running.url}${EXCHANGE}/maskinporten`, lines), first.slice(15));
    // Over the limit even without a second Authorization: what came after it was never seen.
    expectAmbiguous(await rawSocketGet(`${running.url}${EXCHANGE}/maskinporten`, [first, ...filler]), first.slice(15));
    // Well under it, the same token is exchanged.
    expect((await rawSocketGet(`${running.url}${EXCHANGE}/maskinporten`, [first, ...filler.slice(0, 100)])).status).toBe(200);
  });

  it('refuses a second Authorization wherever it stands, in any letter case', async () => {
    const token = `Bearer ${await maskinporten.maskinportenToken()}`;
    const lines = [`authorization: ${token}`, 'Accept: */*', `AUTHORIZATION: ${token}`];
    expectAmbiguous(await rawSocketGet(`${running.url}${EXCHANGE}/maskinporten`, lines), token);
  });

  it('still reads one header as before: one Bearer token is exchanged, a comma-joined pair is malformed', async () => {
    const token = await maskinporten.maskinportenToken();
    expect((await rawGet(`${running.url}${EXCHANGE}/maskinporten`, { authorization: `Bearer ${token}` })).status).toBe(200);
    const joined = await rawGet(`${running.url}${EXCHANGE}/maskinporten`, { authorization: `Bearer ${token}, Bearer ${token}` });
    expect(joined.status).toBe(401);
    expect(joined.headers['www-authenticate']).toMatch(/^Bearer error="invalid_request"/);
  });

  it('refuses two headers on an admin endpoint, even when the first holds the admin token', async () => {
    const url = `${running.url}/test-idp/maskinporten/scopes`;
    const wrong = await rawGet(url, { authorization: 'Bearer not-the-admin-token-000' });
    expect(wrong.status).toBe(401);
    expectAmbiguous(await rawGet(url, { authorization: [`Bearer ${ADMIN}`, 'Bearer not-the-admin-token-000'] }), `Bearer ${ADMIN}`);
  });
});
