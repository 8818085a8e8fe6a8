import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from './returned-rows';

/** One refresh token of a family: each use rotates it; the family is one login at one client. */
export interface RefreshTokenRecord {
  tokenSha256: string;
  familyId: string;
  clientId: string;
  sessionId: string;
  /** The code the family was issued from, so that a replayed code revokes it. */
  codeSha256: string;
  scope: string;
  expiresAt: Date;
}

interface RefreshRow {
  token_sha256: string;
  family_id: string;
  client_id: string;
  session_id: string;
  code_sha256: string;
  scope: string;
  expires_at: Date | string;
  consumed_at: Date | string | null;
  revoked_at: Date | string | null;
}

const toRecord = (row: RefreshRow): RefreshTokenRecord => ({
  tokenSha256: row.token_sha256,
  familyId: row.family_id,
  clientId: row.client_id,
  sessionId: row.session_id,
  codeSha256: row.code_sha256,
  scope: row.scope,
  expiresAt: new Date(row.expires_at),
});

export type RefreshUse =
  { outcome: 'rotated'; token: RefreshTokenRecord } | { outcome: 'reused'; token: RefreshTokenRecord } | { outcome: 'unknown' };

/** The refresh_tokens table. */
@Injectable()
export class RefreshTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(token: RefreshTokenRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO refresh_tokens (token_sha256, family_id, client_id, session_id, code_sha256, scope, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [token.tokenSha256, token.familyId, token.clientId, token.sessionId, token.codeSha256, token.scope, token.expiresAt.toISOString()],
    );
  }

  /**
   * Uses the token: one conditional UPDATE, so it rotates once however many requests race. A token
   * used before is reported as reused (the caller revokes its family); expired or revoked: unknown.
   */
  async use(tokenSha256: string, now: Date): Promise<RefreshUse> {
    const rows = returnedRows<RefreshRow>(
      await this.dataSource.query(
        `UPDATE refresh_tokens SET consumed_at = $2
         WHERE token_sha256 = $1 AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > $2 RETURNING *`,
        [tokenSha256, now.toISOString()],
      ),
    );
    if (rows[0]) return { outcome: 'rotated', token: toRecord(rows[0]) };
    const used = await this.dataSource.query<RefreshRow[]>(
      `SELECT * FROM refresh_tokens WHERE token_sha256 = $1 AND consumed_at IS NOT NULL`,
      [tokenSha256],
    );
    return used[0] ? { outcome: 'reused', token: toRecord(used[0]) } : { outcome: 'unknown' };
  }

  async revokeFamily(familyId: string, now: Date): Promise<void> {
    await this.dataSource.query(`UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL`, [
      familyId,
      now.toISOString(),
    ]);
  }

  async revokeIssuedFromCode(codeSha256: string, now: Date): Promise<void> {
    await this.dataSource.query(`UPDATE refresh_tokens SET revoked_at = $2 WHERE code_sha256 = $1 AND revoked_at IS NULL`, [
      codeSha256,
      now.toISOString(),
    ]);
  }

  async revokeSession(sessionId: string, now: Date): Promise<void> {
    await this.dataSource.query(`UPDATE refresh_tokens SET revoked_at = $2 WHERE session_id = $1 AND revoked_at IS NULL`, [
      sessionId,
      now.toISOString(),
    ]);
  }
}
