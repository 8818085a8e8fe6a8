import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticationEvent } from './authentication-event.entity';

/**
 * One statement per batch, parameters as arrays: cheap to build however large the batch. Idempotent,
 * because a batch whose connection dropped after the commit is sent again.
 */
const INSERT_BATCH = `INSERT INTO authentication_events (id, occurred_at, provider, outcome, reason, client_id, org_number, user_id, system_user_id, supplier_org_number, issued_jti, replaced_jti, session_id)
  SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::int[], $9::uuid[], $10::varchar[], $11::varchar[], $12::varchar[], $13::uuid[])
  ON CONFLICT (id) DO NOTHING`;

function columnsOf(batch: AuthenticationEvent[]): unknown[][] {
  return [
    batch.map((e) => e.id),
    batch.map((e) => e.occurredAt.toISOString()),
    batch.map((e) => e.provider),
    batch.map((e) => e.outcome),
    batch.map((e) => e.reason),
    batch.map((e) => e.clientId),
    batch.map((e) => e.orgNumber),
    batch.map((e) => e.userId),
    batch.map((e) => e.systemUserId),
    batch.map((e) => e.supplierOrgNumber),
    batch.map((e) => e.issuedJti),
    batch.map((e) => e.replacedJti),
    batch.map((e) => e.sessionId),
  ];
}

/** The authentication_events table, in SQL: the audit trail only ever appends. */
@Injectable()
export class AuthenticationEventRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends the batch in one statement; a row already stored (same id) is skipped. */
  async insertBatch(batch: AuthenticationEvent[]): Promise<void> {
    await this.dataSource.query(INSERT_BATCH, columnsOf(batch));
  }
}
