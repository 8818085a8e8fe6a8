import { after, before, beforeEach, describe, it } from 'node:test';
import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit-log';
import { ExchangeEvents } from '../../src/common/exchange-events';
import type { RunningApp } from '../helpers/app';
import { AppWithIssuers, startAppWithIssuers } from '../helpers/app-with-issuers';
import { exchange } from '../helpers/exchange';
import { FakeIssuer } from '../helpers/fake-issuer';
import { expectProblem } from '../helpers/problem';
import { auditRows, clearAudit } from '../helpers/token-endpoint';

const SYSTEM_USER = {
  type: 'urn:altinn:systemuser',
  systemuser_id: ['a6355a68-86b8-4344-8a81-0248cb461468'],
  systemuser_org: { authority: 'iso6523-actorid-upis', ID: '0192:991825827' },
  system_id: '974760673_smartcloud',
};

/** Upstream text is checked for control characters, and the audit trail never loses good rows to a bad one. */
describe('control characters in upstream claims and the audit trail', () => {
  let started: AppWithIssuers;
  let maskinporten: FakeIssuer;
  let idporten: FakeIssuer;
  let running: RunningApp;

  const refusedForControl = async (response: Response, claim: string) => {
    const body = await expectProblem(response, 401);
    expect(body.detail).toBe(`the ${claim} claim holds a control or bidirectional formatting character`);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  };

  before(async () => {
    started = await startAppWithIssuers({ env: { AUDIT_FLUSH_MS: '60000' } });
    ({ running, maskinporten, idporten } = started);
  });
  after(() => started?.close());
  beforeEach(() => clearAudit(running));

  it('refuses NUL, C0, C1 and bidi characters in Maskinporten string claims, each with its reason', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ client_id: 'evil\u0000client' }, 'client_id'],
      [{ client_orgno: '974760673\u001b' }, 'client_orgno'],
      [{ token_type: 'Bearer\u0085' }, 'token_type'],
      [{ scope: 'altinn:serviceowner \u202eadmin' }, 'scope'],
      [{ authorization_details: [{ ...SYSTEM_USER }, { type: 'urn:other', note: { deep: 'a\u2066b' } }] }, 'authorization_details'],
      [{ authorization_details: [{ ...SYSTEM_USER }, { type: 'urn:other', ['k\u0007']: 1 }] }, 'authorization_details'],
    ];
    for (const [claims, name] of cases)
      await refusedForControl(await exchange(running, 'maskinporten', await maskinporten.maskinportenToken(claims)), name);
    const rows = await auditRows(running);
    expect(rows).toHaveLength(cases.length);
    for (const row of rows) expect(row).toMatchObject({ outcome: 'refused', reason: 'control_character_in_claim', client_id: null });
  });

  it('refuses control characters in ID-porten string claims', async () => {
    await refusedForControl(await exchange(running, 'id-porten', await idporten.idportenToken({ locale: 'nb\u200f' })), 'locale');
    await refusedForControl(await exchange(running, 'id-porten', await idporten.idportenToken({ amr: ['BankID\u0000'] })), 'amr');
    await refusedForControl(await exchange(running, 'id-porten', await idporten.idportenToken({ nonce: 'n\u009b1' })), 'nonce');
  });

  it('audits five good exchanges and a NUL client id made in the same second: six rows', async () => {
    const tokens = await Promise.all([
      ...Array.from({ length: 5 }, () => maskinporten.maskinportenToken()),
      maskinporten.maskinportenToken({ client_id: 'evil\u0000client' }),
    ]);
    const statuses = (await Promise.all(tokens.map((t) => exchange(running, 'maskinporten', t)))).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 200, 200, 200, 200, 401]);
    const rows = await auditRows(running);
    expect(rows.filter((r) => r.outcome === 'issued')).toHaveLength(5);
    expect(rows.filter((r) => r.outcome === 'refused')).toEqual([
      expect.objectContaining({ reason: 'control_character_in_claim', client_id: null }),
    ]);
  });

  it('writes the good rows of a batch the database refuses for one row, and that row without its upstream fields', async () => {
    const audit = running.app.get(AuditLog);
    const dropped = audit.dropped;
    const events = running.app.get(ExchangeEvents);
    for (let i = 0; i < 5; i++) events.issued('maskinporten', { clientId: `good-${i}`, orgNumber: '974760673', issuedJti: `jti-${i}` });
    // A user id past the integer column's range: PostgreSQL refuses the statement that holds it.
    events.publish({ provider: 'id-porten', outcome: 'refused', reason: 'unknown_person', userId: 2 ** 31, clientId: 'c\u0000x' });
    expect(audit.pending).toBe(6);
    await audit.flush();
    const rows = await running.app
      .get(DataSource)
      .query<{ outcome: string; reason: string | null; client_id: string | null; user_id: number | null }[]>(
        'SELECT outcome, reason, client_id, user_id FROM authentication_events ORDER BY client_id',
      );
    expect(rows).toHaveLength(6);
    expect(rows.filter((r) => r.outcome === 'issued').map((r) => r.client_id)).toEqual(['good-0', 'good-1', 'good-2', 'good-3', 'good-4']);
    expect(rows.find((r) => r.outcome === 'refused')).toEqual({
      outcome: 'refused',
      reason: 'audit_row_refused:unknown_person',
      client_id: null,
      user_id: null,
    });
    expect(audit.dropped).toBe(dropped);
    expect(audit.pending).toBe(0);
  });
});
