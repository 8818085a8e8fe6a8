import { ServiceUnavailableError } from '../common/errors';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/**
 * True when the error says the database is away (refused, dropped, shutting down), as opposed to
 * a query that is wrong. SQLSTATE class 08 is connection exceptions, 57P0x operator intervention.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    const code = typeof e.code === 'string' ? e.code : '';
    if (CONNECTION_CODES.has(code) || code.startsWith('08') || /^57P0[1-3]$/.test(code)) return true;
    const message = typeof e.message === 'string' ? e.message : '';
    if (
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|Query read timeout|PGlite is closed/i.test(
        message,
      )
    ) {
      return true;
    }
    current = e.driverError ?? e.cause;
  }
  return false;
}

/**
 * Rethrows a database outage as 503 so the client knows to retry, keeping the driver's error as the
 * cause the problem-details filter logs; other errors pass unchanged.
 */
export function asServiceUnavailable(error: unknown): never {
  if (isDatabaseUnavailable(error)) {
    throw new ServiceUnavailableError('the database is not reachable; retry shortly', 'database_unavailable', 5, error);
  }
  throw error;
}
