import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from './returned-rows';

/** A person's single sign-on session, started by one upstream login. */
export interface LoginSession {
  id: string;
  subject: string;
  userId: number;
  partyId: number;
  pid: string;
  acr: string;
  amr: string[];
  locale: string | null;
  /** Seconds since the epoch, of the upstream login. */
  authTime: number;
  upstreamIss: string;
  upstreamSid: string | null;
  /** For id_token_hint at ID-porten's end-session endpoint. */
  upstreamIdToken: string;
  idleExpiresAt: Date;
  expiresAt: Date;
}

export type NewLoginSession = LoginSession & { cookieSha256: string };

interface SessionRow {
  id: string;
  subject: string;
  user_id: number;
  party_id: number;
  pid: string;
  acr: string;
  amr: string[] | string;
  locale: string | null;
  auth_time: number;
  upstream_iss: string;
  upstream_sid: string | null;
  upstream_id_token: string;
  idle_expires_at: Date | string;
  expires_at: Date | string;
}

const COLUMNS = `id, subject, user_id, party_id, pid, acr, amr, locale, auth_time, upstream_iss, upstream_sid, upstream_id_token, idle_expires_at, expires_at`;

const toSession = (row: SessionRow): LoginSession => ({
  id: row.id,
  subject: row.subject,
  userId: Number(row.user_id),
  partyId: Number(row.party_id),
  pid: row.pid,
  acr: row.acr,
  amr: typeof row.amr === 'string' ? (JSON.parse(row.amr) as string[]) : row.amr,
  locale: row.locale,
  authTime: Number(row.auth_time),
  upstreamIss: row.upstream_iss,
  upstreamSid: row.upstream_sid,
  upstreamIdToken: row.upstream_id_token,
  idleExpiresAt: new Date(row.idle_expires_at),
  expiresAt: new Date(row.expires_at),
});

/** The login_sessions table. A session lives while not ended, before its absolute and its idle expiry. */
@Injectable()
export class LoginSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(session: NewLoginSession): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO login_sessions (id, cookie_sha256, subject, user_id, party_id, pid, acr, amr, locale, auth_time, upstream_iss, upstream_sid, upstream_id_token, idle_expires_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14, $15)`,
      [
        session.id,
        session.cookieSha256,
        session.subject,
        session.userId,
        session.partyId,
        session.pid,
        session.acr,
        JSON.stringify(session.amr),
        session.locale,
        session.authTime,
        session.upstreamIss,
        session.upstreamSid,
        session.upstreamIdToken,
        session.idleExpiresAt.toISOString(),
        session.expiresAt.toISOString(),
      ],
    );
  }

  /** The live session of a browser's cookie, its idle expiry moved on to `idleUntil` (never past the absolute one). */
  async touchByCookie(cookieSha256: string, now: Date, idleUntil: Date): Promise<LoginSession | undefined> {
    const rows = returnedRows<SessionRow>(
      await this.dataSource.query(
        `UPDATE login_sessions SET idle_expires_at = LEAST($3::timestamptz, expires_at)
         WHERE cookie_sha256 = $1 AND ended_at IS NULL AND expires_at > $2 AND idle_expires_at > $2
         RETURNING ${COLUMNS}`,
        [cookieSha256, now.toISOString(), idleUntil.toISOString()],
      ),
    );
    return rows[0] ? toSession(rows[0]) : undefined;
  }

  /** The session while it lives (for a refresh, and the userinfo endpoint). */
  async findLive(id: string, now: Date): Promise<LoginSession | undefined> {
    const rows = await this.dataSource.query<SessionRow[]>(
      `SELECT ${COLUMNS} FROM login_sessions WHERE id = $1 AND ended_at IS NULL AND expires_at > $2 AND idle_expires_at > $2`,
      [id, now.toISOString()],
    );
    return rows[0] ? toSession(rows[0]) : undefined;
  }

  /** Ends the session of a cookie; the ended session, if one lived. */
  async endByCookie(cookieSha256: string, now: Date): Promise<LoginSession | undefined> {
    const rows = returnedRows<SessionRow>(
      await this.dataSource.query(
        `UPDATE login_sessions SET ended_at = $2 WHERE cookie_sha256 = $1 AND ended_at IS NULL RETURNING ${COLUMNS}`,
        [cookieSha256, now.toISOString()],
      ),
    );
    return rows[0] ? toSession(rows[0]) : undefined;
  }

  async endById(id: string, now: Date): Promise<LoginSession | undefined> {
    const rows = returnedRows<SessionRow>(
      await this.dataSource.query(`UPDATE login_sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL RETURNING ${COLUMNS}`, [
        id,
        now.toISOString(),
      ]),
    );
    return rows[0] ? toSession(rows[0]) : undefined;
  }

  /** Ends every session an upstream session started (front-channel logout). */
  async endByUpstream(iss: string, sid: string, now: Date): Promise<LoginSession[]> {
    const rows = returnedRows<SessionRow>(
      await this.dataSource.query(
        `UPDATE login_sessions SET ended_at = $3 WHERE upstream_iss = $1 AND upstream_sid = $2 AND ended_at IS NULL RETURNING ${COLUMNS}`,
        [iss, sid, now.toISOString()],
      ),
    );
    return rows.map(toSession);
  }
}
