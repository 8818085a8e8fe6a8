import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthorizationRequest } from './authorization-request';
import { returnedRows } from './returned-rows';

/** One round trip to ID-porten: what we sent, what we must find in the answer, and what to resume. */
export interface LoginTransaction {
  stateSha256: string;
  nonce: string;
  codeVerifier: string;
  /** The client's authorization request, or a `goto` of the platform cookie, to resume after the callback. */
  request: ResumableRequest;
  /** SHA-256 of the value of the browser's transaction cookie. */
  browserSha256: string;
  /** The level asked of ID-porten. */
  acr: string;
  expiresAt: Date;
}

export type ResumableRequest = { kind: 'authorize'; authorization: AuthorizationRequest } | { kind: 'goto'; goto: string };

interface TransactionRow {
  state_sha256: string;
  nonce: string;
  code_verifier: string;
  request: ResumableRequest | string;
  browser_sha256: string;
  acr: string;
  expires_at: Date | string;
}

/** The login_transactions table: kept in the database so that the callback may land on any replica. */
@Injectable()
export class LoginTransactionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(transaction: LoginTransaction): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO login_transactions (state_sha256, nonce, code_verifier, request, browser_sha256, acr, expires_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)`,
      [
        transaction.stateSha256,
        transaction.nonce,
        transaction.codeVerifier,
        JSON.stringify(transaction.request),
        transaction.browserSha256,
        transaction.acr,
        transaction.expiresAt.toISOString(),
      ],
    );
  }

  /** Takes the transaction of this state: once, and only while it lasts. Two callbacks never both get it. */
  async consume(stateSha256: string, now: Date): Promise<LoginTransaction | undefined> {
    const rows = returnedRows<TransactionRow>(
      await this.dataSource.query(
        `UPDATE login_transactions SET consumed_at = $2
       WHERE state_sha256 = $1 AND consumed_at IS NULL AND expires_at > $2
       RETURNING state_sha256, nonce, code_verifier, request, browser_sha256, acr, expires_at`,
        [stateSha256, now.toISOString()],
      ),
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      stateSha256: row.state_sha256,
      nonce: row.nonce,
      codeVerifier: row.code_verifier,
      request: typeof row.request === 'string' ? (JSON.parse(row.request) as ResumableRequest) : row.request,
      browserSha256: row.browser_sha256,
      acr: row.acr,
      expiresAt: new Date(row.expires_at),
    };
  }

  /** Forgets transactions that ended or expired before `before`. */
  async sweep(before: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_transactions WHERE expires_at < $1`, [before.toISOString()]);
  }
}
