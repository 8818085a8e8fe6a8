import { DataSource } from 'typeorm';
import { AuditLog } from '../../src/audit/audit-log';
import type { RunningApp } from './app';

export const TOKEN_PATH = '/authentication/api/v1/token';
export const INTROSPECTION_PATH = '/authentication/api/v1/introspect';
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** POSTs a form (repeated names as arrays) to a path of the app. */
export function postForm(app: RunningApp, path: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
}

/** An RFC 8693 request for this subject token, with extra or overriding parameters. */
export function tokenExchange(
  app: RunningApp,
  subjectToken: string,
  extra: Record<string, string | string[]> = {},
  headers: Record<string, string> = {},
) {
  return postForm(
    app,
    TOKEN_PATH,
    { grant_type: TOKEN_EXCHANGE, subject_token: subjectToken, subject_token_type: ACCESS_TOKEN_TYPE, ...extra },
    headers,
  );
}

export interface AuditRow {
  provider: string;
  outcome: string;
  reason: string | null;
  client_id: string | null;
  org_number: string | null;
  user_id: number | null;
  issued_jti: string | null;
}

/** Every audit row so far, oldest first (flushed first). */
export async function auditRows(app: RunningApp): Promise<AuditRow[]> {
  await app.app.get(AuditLog).flush();
  return app.app
    .get(DataSource)
    .query<AuditRow[]>(
      'SELECT provider, outcome, reason, client_id, org_number, user_id, issued_jti FROM authentication_events ORDER BY occurred_at',
    );
}

/** Empties the audit trail (after writing what is buffered), so a test sees only its own rows. */
export async function clearAudit(app: RunningApp): Promise<void> {
  await app.app.get(AuditLog).flush();
  await app.app.get(DataSource).query('DELETE FROM authentication_events');
}
