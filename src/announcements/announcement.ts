/** The one PostgreSQL channel every replica listens on. */
export const ANNOUNCEMENT_CHANNEL = 'platform_authentication';

/** What changed in the database: each kind names the caches a replica reloads. */
export const ANNOUNCEMENT_KINDS = ['keys', 'profiles', 'organisations'] as const;
export type AnnouncementKind = (typeof ANNOUNCEMENT_KINDS)[number];

/** The payload on the channel: small JSON, never data, only what to reload. */
export interface Announcement {
  kind: AnnouncementKind;
}

/** Anything that can run a query on the database that changed: a TypeORM DataSource or a pg client. */
export interface AnnouncementQueryRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export const payloadOf = (kind: AnnouncementKind): string => JSON.stringify({ kind } satisfies Announcement);

/** The announcement a payload carries, or undefined for anything else (another writer's, a newer version's). */
export function parseAnnouncement(payload: string | undefined): Announcement | undefined {
  if (!payload || payload.length > 1024) return undefined;
  try {
    const value = JSON.parse(payload) as { kind?: unknown };
    return ANNOUNCEMENT_KINDS.includes(value.kind as AnnouncementKind) ? { kind: value.kind as AnnouncementKind } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Tells every replica on this PostgreSQL database that `kind` changed. Sent inside a transaction, it
 * is delivered when the transaction commits, so no replica reloads before the change is visible.
 */
export async function announce(database: AnnouncementQueryRunner, kind: AnnouncementKind): Promise<void> {
  await database.query('SELECT pg_notify($1, $2)', [ANNOUNCEMENT_CHANNEL, payloadOf(kind)]);
}
