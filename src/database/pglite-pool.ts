import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { claimDataDirectory } from './data-directory-lock';
import type { WorkerQuery, WorkerResult } from './pglite-worker';

type Release = (err?: unknown) => void;
type ConnectCallback = (err: unknown, client: PGliteClient | null, release: Release) => void;

interface PgResult {
  rows: unknown[];
  rowCount: number;
  command?: string;
}

/** An error from the embedded database, with its PostgreSQL fields (code, detail, constraint...). */
class EmbeddedDatabaseError extends Error {
  constructor(fields: Record<string, unknown>) {
    super(typeof fields.message === 'string' ? fields.message : 'embedded database error');
    Object.assign(this, fields);
    this.name = 'EmbeddedDatabaseError';
  }
}

const WORKER_SCRIPT = join(__dirname, 'pglite-worker.js');

/**
 * PostgreSQL's initdb grows PGlite's WebAssembly memory to about 700 MB, and WebAssembly memory never
 * shrinks. So a new data directory is initialised by a thread of its own, whose memory goes back to
 * the system when it ends; the serving thread then opens the directory at about a fifth of that.
 */
async function initialiseIfNew(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const worker = new Worker(WORKER_SCRIPT, { workerData: { dataDir, initialiseOnly: true } });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (message: WorkerResult) => (message.error ? reject(new EmbeddedDatabaseError(message.error)) : resolve()));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new EmbeddedDatabaseError({ message: `PGlite initialisation ended with exit code ${code}` })));
    });
  } finally {
    await worker.terminate();
  }
}

/** The PGlite thread: sends statements, matches answers by id. */
class EmbeddedDatabase {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: WorkerResult['result']) => void; reject: (e: unknown) => void }>();
  private nextId = 1;
  readonly ready: Promise<void>;
  private closed = false;

  /** Takes the directory's lock (or uses the one this process holds) before PGlite touches a file. */
  static async open(dataDir: string): Promise<EmbeddedDatabase> {
    const release = claimDataDirectory(dataDir, (pid) =>
      new Logger('EmbeddedDatabase').warn(`took over the lock of ${dataDir} from process ${pid}, which is no longer running`),
    );
    try {
      await initialiseIfNew(dataDir);
      const database = new EmbeddedDatabase(dataDir, release);
      await database.ready;
      return database;
    } catch (error) {
      release();
      throw new EmbeddedDatabaseError({
        message: `the embedded database in ${dataDir} cannot be opened: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }

  private constructor(
    dataDir: string,
    private readonly releaseDirectory: () => void,
  ) {
    this.worker = new Worker(WORKER_SCRIPT, { workerData: { dataDir } });
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve: () => resolve(), reject });
    });
    this.worker.on('message', (message: WorkerResult) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new EmbeddedDatabaseError(message.error));
      else waiter.resolve(message.result);
    });
    const failAll = (error: unknown) => {
      this.closed = true;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', failAll);
    this.worker.on('exit', () => failAll(new EmbeddedDatabaseError({ message: 'PGlite is closed', code: '57P01' })));
  }

  async query(sql: string, params?: unknown[]): Promise<PgResult> {
    const result = await this.send({ sql, params });
    const rows = result?.rows ?? [];
    const command = result?.command;
    return { rows, command, rowCount: command === 'SELECT' ? rows.length : (result?.affectedRows ?? rows.length) };
  }

  async close(): Promise<void> {
    if (!this.closed) {
      await this.send({ close: true }).catch(() => undefined);
      this.closed = true;
    }
    await this.worker.terminate();
    this.releaseDirectory();
  }

  private send(message: Omit<WorkerQuery, 'id'>): Promise<WorkerResult['result']> {
    if (this.closed) return Promise.reject(new EmbeddedDatabaseError({ message: 'PGlite is closed', code: '57P01' }));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id } satisfies WorkerQuery);
    });
  }
}

/** The one connection to the embedded database, as TypeORM's pg driver expects a client to look. */
class PGliteClient extends EventEmitter {
  constructor(private readonly db: EmbeddedDatabase) {
    super();
  }

  query(sql: string, params?: unknown[]): Promise<PgResult> {
    return this.db.query(sql, params);
  }
}

/**
 * A `pg.Pool` look-alike over PGlite running in a worker thread. PGlite has a single session, so
 * the pool hands it to one query runner at a time: a transaction never sees another request's
 * statements, exactly as with a real pool of size one.
 */
export function pgliteDriver(dataDir: string) {
  let database: Promise<EmbeddedDatabase> | undefined;
  const acquire = () => (database ??= EmbeddedDatabase.open(dataDir));

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
        const opening = database;
        database = undefined;
        const opened = await opening?.catch(() => undefined);
        await opened?.close();
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
