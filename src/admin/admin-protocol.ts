import type { AdminRequest } from './admin-request';

/** Where the service that owns an embedded data directory listens for admin commands. */
export function adminSocketPathOf(embeddedDir: string): string {
  return `${embeddedDir}.sock`;
}

/** Largest request line (a profile import is the big one). */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

/** One line of JSON each way: the caller proves it can read the lock file by sending its token. */
export interface AdminEnvelope {
  token: string;
  request: AdminRequest;
}

export type AdminReply = { ok: true; lines: string[] } | { ok: false; error: string };
