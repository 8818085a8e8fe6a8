import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** A database no other test run sees: a new PostgreSQL database, or a new embedded data directory. */
export interface TestDatabase {
  /** Environment to start the app with: DATA_DIR, and DATABASE_URL on a server. */
  env: Record<string, string>;
  dataDir: string;
  url?: string;
  drop(): Promise<void>;
}

/** Set by .ci/run (and by a developer) to run the suite against a real PostgreSQL server. */
export const SERVER_URL = process.env.DATABASE_URL;

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export interface TestDatabaseOptions {
  /**
   * False for an empty, unmigrated database (tests of the migrations themselves). By default the
   * database is a copy of the migrated template the test runner made (scripts/run-tests.js), so an
   * app starting on it finds no pending migration; without a template, the app migrates it.
   */
  migrated?: boolean;
}

/**
 * A new DATA_DIR whose embedded database is initialised: a copy of the template the test runner
 * made (scripts/run-tests.js), migrated unless `migrated` is false, or nothing when there is none,
 * so the app initialises it. Tests of the initialisation itself use a plain empty directory instead.
 */
export function newDataDir(prefix = 'auth-test-', { migrated = true }: TestDatabaseOptions = {}): string {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const template = migrated
    ? (process.env.TEST_EMBEDDED_MIGRATED_TEMPLATE ?? process.env.TEST_EMBEDDED_TEMPLATE)
    : process.env.TEST_EMBEDDED_TEMPLATE;
  if (template && existsSync(join(template, 'PG_VERSION'))) cpSync(template, join(dataDir, 'pgdata'), { recursive: true });
  return dataDir;
}

/** On `server`, by default DATABASE_URL's; `null` asks for the embedded database whatever DATABASE_URL says. */
export async function createTestDatabase(
  server: string | null = SERVER_URL ?? null,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const dataDir = server ? mkdtempSync(join(tmpdir(), 'auth-test-')) : newDataDir('auth-test-', options);
  if (!server) {
    return { env: { DATA_DIR: dataDir }, dataDir, drop: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })) };
  }
  const name = `auth_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  // The runner's migrated template lives on the server DATABASE_URL names; another server starts empty.
  const template = process.env.TEST_PG_MIGRATED_TEMPLATE;
  const fromTemplate = options.migrated !== false && template !== undefined && SERVER_URL !== undefined && sameServer(server, SERVER_URL);
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(fromTemplate ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`);
  await admin.end();
  const url = withDatabase(server, name);
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url },
    dataDir,
    url,
    drop: async () => {
      const client = new Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** True when both URLs name the same server (host, port, user), whatever database they name. */
function sameServer(a: string, b: string): boolean {
  const [x, y] = [new URL(a), new URL(b)];
  return x.host === y.host && x.username === y.username;
}

/** The PostgreSQL server tests that need one use: DATABASE_URL, or the local one. */
export const LOCAL_SERVER_URL = SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Why a test that needs a server (PostgreSQL, Redis) cannot run here, for `t.skip(reason)`. With
 * CI=true a missing server is a failure instead: a CI run must not pass without the tests that need it.
 */
export function missingServer(reason: string): string {
  if (process.env.CI === 'true') throw new Error(`${reason}, and CI=true requires it`);
  return reason;
}

/**
 * Undefined when a PostgreSQL server answers at the URL within a second, else why not, for
 * `t.skip`; with CI=true a missing server throws instead (see missingServer). Suites of replicas
 * use the local server whichever pass runs them: the embedded database has one owner.
 */
export async function serverMissing(url = LOCAL_SERVER_URL): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch {
    return missingServer(`no PostgreSQL server answers at ${new URL(url).host}`);
  }
}

/** True when a PostgreSQL server answers at the URL within a second: see serverMissing. */
export async function serverAnswers(url = LOCAL_SERVER_URL): Promise<boolean> {
  return (await serverMissing(url)) === undefined;
}
