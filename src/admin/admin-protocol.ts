import type { AdminRequest } from './admin-request';

/** Where the service that owns an embedded data directory listens for admin commands. */
export function adminSocketPathOf(embeddedDir: string): string {
  return `${embeddedDir}.sock`;
}

/** Largest request line (a profile import is the big one), read only after the token was accepted. */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;
/** Largest first line, `{"token": "..."}`: all the service reads before it knows who is calling. */
export const MAX_TOKEN_FRAME_BYTES = 1024;
/** A connection that has not sent its token line within this long is closed. */
export const TOKEN_FRAME_TIMEOUT_MS = 5000;
/** Connections the service holds open at once; more are refused by the socket. */
export const MAX_ADMIN_CONNECTIONS = 4;

/**
 * Two lines of JSON in, one out: first `{"token": ...}` (the caller proves it can read the lock
 * file), then `{"request": ...}`; the service reads the second only once the first matched.
 */
export interface AdminEnvelope {
  token: string;
  request: AdminRequest;
}

export type AdminReply = { ok: true; lines: string[] } | { ok: false; error: string };
