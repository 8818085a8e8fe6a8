import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { claimDataDirectory } from './data-directory-lock';
import { OWNER_ONLY_DIRECTORY, tightenToOwnerOnly } from './owner-only';
import type { WorkerQuery, WorkerResult } from './pglite-worker';

type Release = (err?: unknown) => void;
type ConnectCallback = (err: unknown, client: PGliteClient | null, release: Release) => void;

export interface PgResult {
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
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  // A new directory is built beside its place and renamed into it when complete, so that a process
  // killed during initdb leaves nothing the next start would take for a database. (The caller holds
  // the directory's lock, so a half-built one left there is a dead process's.)
  const inPlace = existsSync(dataDir);
  const building = inPlace ? dataDir : `${dataDir}.initialising`;
  if (!inPlace) rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true, mode: OWNER_ONLY_DIRECTORY });
  const worker = new Worker(WORKER_SCRIPT, { workerData: { dataDir: building, initialiseOnly: true } });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (message: WorkerResult) => (message.error ? reject(new EmbeddedDatabaseError(message.error)) : resolve()));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new EmbeddedDatabaseError({ message: `PGlite initialisation ended with exit code ${code}` })));
    });
  } finally {
    await worker.terminate();
  }
  tightenToOwnerOnly(building);
  if (!inPlace) renameSync(building, dataDir);
}

/**
 * DATA_DIR (the embedded database's parent) and everything in it: directories 0700, files 0600,
 * whatever the umask. A directory left looser (an older version, a copy, a restore) is tightened
 * with a log line, before the database opens a file.
 */
function ownDataDirectory(dataDir: string): void {
  const root = dirname(dataDir);
  mkdirSync(root, { recursive: true, mode: OWNER_ONLY_DIRECTORY });
  // DATA_DIR itself and the files directly in it (lock, socket, generated secret), then all of
  // pgdata; other folders an operator keeps in DATA_DIR are left as they are.
  let tightened = 0;
  for (const entry of readdirSync(root, { withFileTypes: true }))
    if (!entry.isDirectory()) tightened += tightenToOwnerOnly(join(root, entry.name));
  tightened += tightenToOwnerOnly(root, 0);
  if (existsSync(dataDir)) tightened += tightenToOwnerOnly(dataDir);
  if (tightened > 0)
    new Logger('EmbeddedDatabase').warn(`tightened ${tightened} files and directories under ${root} to owner-only access (0700/0600)`);
}

/**
 * PostgreSQL's own lock file, which PGlite writes as it opens the directory and removes when it
 * closes. Under this directory's lock no other process has the database open, so one found now was
 * left by a process that was killed. PostgreSQL takes over a stale one, but refuses to start on an
 * empty one (left by a kill between creating and writing it), since it cannot tell whose it is:
 * here it can, so the directory still opens.
 */
function removeLeftPostgresLock(dataDir: string): void {
  rmSync(join(dataDir, 'postmaster.pid'), { force: true });
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
      ownDataDirectory(dataDir);
      removeLeftPostgresLock(dataDir);
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

/** What a session needs of the database behind it; the worker-backed EmbeddedDatabase in the service. */
export interface SessionDatabase {
  query(sql: string, params?: unknown[]): Promise<PgResult>;
  close(): Promise<void>;
}

/** The one connection to the embedded database, as TypeORM's pg driver expects a client to look. */
class PGliteClient extends EventEmitter {
  constructor(private readonly db: SessionDatabase) {
    super();
  }

  query(sql: string, params?: unknown[]): Promise<PgResult> {
    return this.db.query(sql, params);
  }
}

/**
 * PGlite's single session and the lock that lends it to one holder at a time, in one object: every
 * pool TypeORM builds from one driver borrows from the same session, so a transaction never sees
 * another holder's statements, however many pools there are. The database opens on the first lease.
 */
export class EmbeddedSession {
  private busy = false;
  private readonly waiting: (() => void)[] = [];
  private database?: Promise<SessionDatabase>;
  private client?: PGliteClient;

  constructor(private readonly open: () => Promise<SessionDatabase>) {}

  /** Waits for the session, then holds it until `release` is called (once; further calls do nothing). */
  async lease(): Promise<[PGliteClient, Release]> {
    if (this.busy) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.busy = true;
    try {
      this.client ??= new PGliteClient(await (this.database ??= this.open()));
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

  /** Closes the database; a later lease opens it again. */
  async close(): Promise<void> {
    const opening = this.database;
    this.database = undefined;
    this.client = undefined;
    const opened = await opening?.catch(() => undefined);
    await opened?.close();
  }

  private handOver(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy = false;
  }
}

/** A `pg.Pool` look-alike lending one EmbeddedSession, as TypeORM's pg driver expects a pool to look. */
export function sessionPool(session: EmbeddedSession) {
  return class PGlitePool extends EventEmitter {
    connect(callback?: ConnectCallback): Promise<PGliteClient> | void {
      const promise = session.lease();
      if (!callback) return promise.then(([client]) => client);
      promise.then(
        ([client, release]) => callback(null, client, release),
        (err: unknown) => callback(err, null, () => undefined),
      );
    }

    async query(sql: string, params?: unknown[]): Promise<PgResult> {
      const [client, release] = await session.lease();
      try {
        return await client.query(sql, params);
      } finally {
        release();
      }
    }

    end(callback?: (err?: unknown) => void): Promise<void> | void {
      const closing = session.close();
      if (!callback) return closing;
      closing.then(() => callback(), callback);
    }
  };
}

/**
 * The pg driver TypeORM is given for the embedded database: PGlite in a worker thread, behind pools
 * that all lend its one session, exactly as a real pool of size one would.
 */
export function pgliteDriver(dataDir: string) {
  return { Pool: sessionPool(new EmbeddedSession(() => EmbeddedDatabase.open(dataDir))) };
}
