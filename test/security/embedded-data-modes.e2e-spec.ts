import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { RunningApp, startApp } from '../helpers/app';
import type { TestDatabase } from '../helpers/database';

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

/**
 * The embedded database in a DATA_DIR the service makes itself, from nothing (initdb included),
 * started with umask 000: only the service's user may read or write any of it.
 */
describe('embedded data readable by its owner only', () => {
  let parent: string;
  let dataDir: string;
  let database: TestDatabase;
  let running: RunningApp | undefined;
  let umask: number;

  before(async () => {
    parent = mkdtempSync(join(tmpdir(), 'auth-modes-'));
    dataDir = join(parent, 'data');
    database = { env: { DATA_DIR: dataDir }, dataDir, drop: () => Promise.resolve() };
    umask = process.umask(0);
    // No KEY_ENCRYPTION_KEY: the development secret is generated into DATA_DIR.
    running = await startApp({ database, env: { KEY_ENCRYPTION_KEY: undefined, DATABASE_URL: undefined } });
  });
  after(async () => {
    process.umask(umask);
    await running?.close();
    rmSync(parent, { recursive: true, force: true });
  });

  it('creates DATA_DIR and pgdata 0700 and every file 0600, the generated key-encryption key included', () => {
    expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(dataDir, 'pgdata')).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(dataDir, 'key-encryption.key')).mode & 0o777).toBe(0o600);
    expect(lstatSync(join(dataDir, 'pgdata', 'global', 'pg_control')).mode & 0o777).toBe(0o600);
    expect(count(dataDir)).toBeGreaterThan(500);
    expect(openToOthers(dataDir)).toEqual([]);
  });

  it('keeps files the database creates while it runs owner-only', async () => {
    const db = (running as RunningApp).app.get(DataSource);
    const before = count(dataDir);
    for (let i = 0; i < 5; i++) await db.query(`CREATE TABLE mode_probe_${i} (id int PRIMARY KEY, note text)`);
    await db.query(`INSERT INTO mode_probe_0 SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g`);
    await db.query('CHECKPOINT');
    expect(count(dataDir)).toBeGreaterThan(before);
    expect(openToOthers(dataDir)).toEqual([]);
  });

  it('tightens a directory left with looser modes when it starts again', async () => {
    await (running as RunningApp).close();
    running = undefined;
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'pgdata'), 0o777);
    chmodSync(join(dataDir, 'pgdata', 'global'), 0o755);
    chmodSync(join(dataDir, 'pgdata', 'global', 'pg_control'), 0o666);
    chmodSync(join(dataDir, 'pgdata', 'postgresql.conf'), 0o644);
    chmodSync(join(dataDir, 'key-encryption.key'), 0o644);
    expect(openToOthers(dataDir)).toHaveLength(6);
    running = await startApp({ database, env: { KEY_ENCRYPTION_KEY: undefined, DATABASE_URL: undefined } });
    expect(openToOthers(dataDir)).toEqual([]);
    expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
  });
});
