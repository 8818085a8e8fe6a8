import { Client } from 'pg';

/** The configured PostgreSQL server cannot be used: refused, unreachable, wrong credentials or database. */
export class DatabaseUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnreachableError';
  }
}

/** A database URL fit for a log line or a message: the password (in the URL or its query) masked. */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const name of ['password', 'sslpassword']) if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
    return parsed.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@').replace(/(password=)[^&]*/gi, '$1***');
  }
}

/** Where a URL points, for "acting on ..." lines: host, port, database and user, the password only as ***. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    const user = decodeURIComponent(parsed.username) || 'the current user';
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user;
    const password = parsed.password || parsed.searchParams.has('password') ? ', password ***' : '';
    return `PostgreSQL ${parsed.hostname || 'localhost'}:${parsed.port || '5432'}, database ${database}, user ${user}${password}`;
  } catch {
    return `PostgreSQL ${maskDatabaseUrl(url)}`;
  }
}

/** The driver's error in a few words: a refused connection to two addresses is an AggregateError without a message. */
export function describeConnectionError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map((e: unknown) => describeConnectionError(e)))].join('; ');
  }
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}

/**
 * Connects once and asks `SELECT 1`, so that a start-up on a server it cannot use fails in one line
 * naming DATABASE_URL and the cause, before any module starts.
 */
export async function checkDatabaseServer(url: string, timeoutMs = 5000): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, application_name: 'authentication' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new DatabaseUnreachableError(`DATABASE_URL=${maskDatabaseUrl(url)} cannot be used: ${describeConnectionError(error)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
