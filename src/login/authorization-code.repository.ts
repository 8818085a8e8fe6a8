import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from './returned-rows';

/** A one-time code, as issued to a client at its redirect_uri. */
export interface AuthorizationCode {
  codeSha256: string;
  clientId: string;
  sessionId: string;
  redirectUri: string;
  codeChallenge: string;
  nonce: string | null;
  scope: string;
  expiresAt: Date;
}

interface CodeRow {
  code_sha256: string;
  client_id: string;
  session_id: string;
  redirect_uri: string;
  code_challenge: string;
  nonce: string | null;
  scope: string;
  expires_at: Date | string;
  consumed_at: Date | string | null;
}

const toCode = (row: CodeRow): AuthorizationCode => ({
  codeSha256: row.code_sha256,
  clientId: row.client_id,
  sessionId: row.session_id,
  redirectUri: row.redirect_uri,
  codeChallenge: row.code_challenge,
  nonce: row.nonce,
  scope: row.scope,
  expiresAt: new Date(row.expires_at),
});

/** What redeeming a code found: the code taken now, one taken before (a replay), or nothing. */
export type Redemption =
  { outcome: 'redeemed'; code: AuthorizationCode } | { outcome: 'replayed'; code: AuthorizationCode } | { outcome: 'unknown' };

/** The authorization_codes table. */
@Injectable()
export class AuthorizationCodeRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(code: AuthorizationCode): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO authorization_codes (code_sha256, client_id, session_id, redirect_uri, code_challenge, nonce, scope, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        code.codeSha256,
        code.clientId,
        code.sessionId,
        code.redirectUri,
        code.codeChallenge,
        code.nonce,
        code.scope,
        code.expiresAt.toISOString(),
      ],
    );
  }

  /**
   * Takes the code: one conditional UPDATE, so two concurrent redemptions never both succeed. An
   * expired code counts as unknown; one already taken is reported as replayed.
   */
  async redeem(codeSha256: string, now: Date): Promise<Redemption> {
    const rows = returnedRows<CodeRow>(
      await this.dataSource.query(
        `UPDATE authorization_codes SET consumed_at = $2 WHERE code_sha256 = $1 AND consumed_at IS NULL AND expires_at > $2 RETURNING *`,
        [codeSha256, now.toISOString()],
      ),
    );
    if (rows[0]) return { outcome: 'redeemed', code: toCode(rows[0]) };
    const taken = await this.dataSource.query<CodeRow[]>(
      `SELECT * FROM authorization_codes WHERE code_sha256 = $1 AND consumed_at IS NOT NULL`,
      [codeSha256],
    );
    return taken[0] ? { outcome: 'replayed', code: toCode(taken[0]) } : { outcome: 'unknown' };
  }
}
