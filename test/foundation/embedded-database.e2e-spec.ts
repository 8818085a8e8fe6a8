// test-database: independent (the embedded database, whatever DATABASE_URL says)
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/open-data-source';
import { freePort, RunningApp, startApp, startUpRefusalOf } from '../helpers/app';
import { createTestDatabase, TestDatabase } from '../helpers/database';
import { whileReady } from '../helpers/spawn';

const dataDir = () => mkdtempSync(join(tmpdir(), 'auth-embedded-'));
/** The app's database in a DATA_DIR this file made and looks at: left in place when the app closes. */
const inPlace = (dir: string): TestDatabase => ({ env: { DATA_DIR: dir }, dataDir: dir, drop: () => Promise.resolve() });

function residentMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

/** Every entry under `root` whose mode lets its group or others in, as `mode path`. */
function openToOthers(root: string): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    const stat = lstatSync(path);
    if ((stat.mode & 0o077) !== 0) found.push(`${(stat.mode & 0o777).toString(8)} ${path}`);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return found;
}

function count(root: string): number {
  let n = 0;
  const visit = (path: string) => {
    n += 1;
    if (lstatSync(path).isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(root);
  return n;
}

/** What the service showed of a DATA_DIR it made from nothing, while it served. */
interface FirstStart {
  dataDir: string;
  initialised: boolean;
  /** Undefined where /proc is missing. */
  residentMb?: number;
  modes: { dataDir: number; pgdata: number; keyEncryptionKey: number; pgControl: number };
  entries: number;
  openToOthers: string[];
}

/**
 * The file's one initdb (seconds of CPU): the built service started on a DATA_DIR that does not exist
 * yet, with umask 000 so that only the service's own modes keep others out. Its tests read what it saw.
 */
describe('the embedded database', () => {
  let parent: string;
  let first: FirstStart;
  let umask: number;

  before(async () => {
    parent = mkdtempSync(join(tmpdir(), 'auth-embedded-'));
    const dir = join(parent, 'data');
    const port = String(await freePort());
    umask = process.umask(0);
    // No KEY_ENCRYPTION_KEY: the development secret is generated into DATA_DIR.
    first = await whileReady({ DATA_DIR: dir, PORT: port, HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, port, (pid) => ({
      dataDir: dir,
      initialised: existsSync(join(dir, 'pgdata', 'PG_VERSION')),
      residentMb: existsSync('/proc/self/status') ? residentMb(pid) : undefined,
      modes: {
        dataDir: lstatSync(dir).mode & 0o777,
        pgdata: lstatSync(join(dir, 'pgdata')).mode & 0o777,
        keyEncryptionKey: lstatSync(join(dir, 'key-encryption.key')).mode & 0o777,
        pgControl: lstatSync(join(dir, 'pgdata', 'global', 'pg_control')).mode & 0o777,
      },
      entries: count(dir),
      openToOthers: openToOthers(dir),
    }));
  });
  after(() => {
    process.umask(umask);
    rmSync(parent, { recursive: true, force: true });
  });

  // initdb grows PGlite's WebAssembly memory to about 700 MB for good when it runs in the serving thread.
  it('initialises a new data directory without keeping initdb’s memory', { skip: !existsSync('/proc/self/status') }, () => {
    expect(first.initialised).toBe(true);
    expect(first.residentMb).toBeLessThan(600);
  });

  // The app's start in this process, and the line main.ts prints of its failure before it exits 1
  // (start-up-refusals shows a spawned service doing that).
  it('opens a directory where a killed process left PostgreSQL’s lock file empty (killed between creating and writing it)', async () => {
    const database = await createTestDatabase(null);
    const embeddedDir = join(database.dataDir, 'pgdata');
    const postgresLock = join(embeddedDir, 'postmaster.pid');
    try {
      writeFileSync(postgresLock, '');
      const dataSource = await openDataSource({ embeddedDir, migrateOnStart: false }, []);
      try {
        expect(await dataSource.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      } finally {
        await dataSource.destroy();
      }
      expect(existsSync(postgresLock)).toBe(false);
    } finally {
      await database.drop();
    }
  });

  it('refuses to start, in one line naming the directory, when the data directory cannot be initialised', async () => {
    const dir = dataDir();
    mkdirSync(join(dir, 'pgdata'));
    writeFileSync(join(dir, 'pgdata', 'global'), 'not a directory');
    const refusal = await startUpRefusalOf(startApp({ database: inPlace(dir), env: { DATABASE_URL: undefined } }));
    expect(refusal).toBe(`Start-up failed: the embedded database in ${join(dir, 'pgdata')} cannot be opened: ErrnoError (errno 54)`);
    expect(existsSync(join(dir, 'pgdata', 'PG_VERSION'))).toBe(false);
  });

  /**
   * The DATA_DIR the service made, left with looser modes (as an older version, a copy or a restore
   * may leave it), then opened again by the app in this process (umask still 000).
   */
  describe('embedded data readable by its owner only', () => {
    let running: RunningApp | undefined;
    let loosened: string[];

    before(async () => {
      const dir = first.dataDir;
      chmodSync(dir, 0o755);
      chmodSync(join(dir, 'pgdata'), 0o777);
      chmodSync(join(dir, 'pgdata', 'global'), 0o755);
      chmodSync(join(dir, 'pgdata', 'global', 'pg_control'), 0o666);
      chmodSync(join(dir, 'pgdata', 'postgresql.conf'), 0o644);
      chmodSync(join(dir, 'key-encryption.key'), 0o644);
      loosened = openToOthers(dir);
      running = await startApp({ database: inPlace(dir), env: { KEY_ENCRYPTION_KEY: undefined, DATABASE_URL: undefined } });
    });
    after(async () => {
      await running?.close();
    });

    it('creates DATA_DIR and pgdata 0700 and every file 0600, the generated key-encryption key included', () => {
      expect(first.modes).toEqual({ dataDir: 0o700, pgdata: 0o700, keyEncryptionKey: 0o600, pgControl: 0o600 });
      expect(first.entries).toBeGreaterThan(500);
      expect(first.openToOthers).toEqual([]);
    });

    it('tightens a directory left with looser modes when it starts again', () => {
      expect(loosened).toHaveLength(6);
      expect(openToOthers(first.dataDir)).toEqual([]);
      expect(lstatSync(first.dataDir).mode & 0o777).toBe(0o700);
    });

    it('keeps files the database creates while it runs owner-only', async () => {
      const db = (running as RunningApp).app.get(DataSource);
      const before = count(first.dataDir);
      for (let i = 0; i < 5; i++) await db.query(`CREATE TABLE mode_probe_${i} (id int PRIMARY KEY, note text)`);
      await db.query(`INSERT INTO mode_probe_0 SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g`);
      await db.query('CHECKPOINT');
      expect(count(first.dataDir)).toBeGreaterThan(before);
      expect(openToOthers(first.dataDir)).toEqual([]);
    });
  });
});
