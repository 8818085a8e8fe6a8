import { EventEmitter } from 'node:events';
import type { PGlite, Results } from '@electric-sql/pglite';

type Release = (err?: unknown) => void;
type ConnectCallback = (err: unknown, client: PGliteClient | null, release: Release) => void;

interface PgResult {
  rows: unknown[];
  rowCount: number;
  command?: string;
}

function toPgResult(result: Results | undefined): PgResult {
  if (!result) return { rows: [], rowCount: 0 };
  const command = (result as Results & { command?: string }).command;
  const rowCount = command === 'SELECT' ? result.rows.length : (result.affectedRows ?? result.rows.length);
  return { rows: result.rows, rowCount, command };
}

/** The one connection to the embedded database, as TypeORM's pg driver expects a client to look. */
class PGliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(sql: string, params?: unknown[]): Promise<PgResult> {
    if (params && params.length > 0) return toPgResult(await this.db.query(sql, params));
    // Without parameters a string may hold several statements (migrations do): exec runs them all.
    const results = await this.db.exec(sql);
    return toPgResult(results[results.length - 1]);
  }
}

/**
 * A `pg.Pool` look-alike over one PGlite instance. PGlite has a single session, so the pool hands
 * it to one query runner at a time: a transaction never sees another request's statements, exactly
 * as with a real pool of size one.
 */
export function pgliteDriver(open: () => Promise<PGlite>) {
  let instance: Promise<PGlite> | undefined;
  const acquire = () => (instance ??= open());

  class PGlitePool extends EventEmitter {
    private busy = false;
    private readonly waiting: (() => void)[] = [];
    private client?: PGliteClient;

    connect(callback?: ConnectCallback): Promise<PGliteClient> | void {
      const promise = this.lease();
      if (!callback) return promise.then(([client]) => client);
      promise.then(
        ([client, release]) => callback(null, client, release),
        (err: unknown) => callback(err, null, () => undefined),
      );
    }

    async query(sql: string, params?: unknown[]): Promise<PgResult> {
      const [client, release] = await this.lease();
      try {
        return await client.query(sql, params);
      } finally {
        release();
      }
    }

    end(callback?: (err?: unknown) => void): Promise<void> | void {
      const closing = (async () => {
        if (instance) {
          const db = await instance;
          instance = undefined;
          if (!db.closed) await db.close();
        }
      })();
      if (!callback) return closing;
      closing.then(() => callback(), callback);
    }

    private async lease(): Promise<[PGliteClient, Release]> {
      if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
      this.busy = true;
      try {
        this.client ??= new PGliteClient(await acquire());
      } catch (err) {
        this.handOver();
        throw err;
      }
      let released = false;
      return [
        this.client,
        () => {
          if (released) return;
          released = true;
          this.handOver();
        },
      ];
    }

    private handOver(): void {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy = false;
    }
  }

  return { Pool: PGlitePool };
}
