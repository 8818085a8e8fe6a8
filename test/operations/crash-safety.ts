import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { decodeProtectedHeader } from 'jose';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../../src/database/open-data-source';
import { databaseSchema } from '../../src/entities';
import { runCliInProcess, startCliInProcess } from '../helpers/admin';
import { freePort } from '../helpers/app';
import { createTestDatabase, LOCAL_SERVER_URL, missingServer, serverAnswers, TestDatabase } from '../helpers/database';
import { CLI, spawnService, spawnTracked, waitFor } from '../helpers/spawn';

const ssnOf = (n: number) => `0202${String(n).padStart(7, '0')}`;

/** What the commands map and migrate: the test IdP's tables too, since the environment below enables it. */
const SCHEMA = databaseSchema(true);

/**
 * A profile import file of `count` people, numbered from `first`. `tag` goes into every name, so
 * that the first person's name (`marker`) is a text no other import wrote. Names and user names are
 * as long as the import allows, so that each person writes more of the WAL: fewer people (each two
 * statements) then fill the WAL buffers.
 */
function peopleFile(dir: string, name: string, first: number, count: number, tag = ''): { path: string; marker: string } {
  const parties = [];
  const users = [];
  const nameOf = (n: number) => `Person ${n}${tag && ` of import ${tag}`} `.padEnd(256, '.');
  for (let n = first; n < first + count; n++) {
    parties.push({
      partyId: 52_000_000 + n,
      partyUuid: `00000000-0000-4000-8000-${String(52_000_000 + n).padStart(12, '0')}`,
      type: 'person',
      ssn: ssnOf(n),
      name: nameOf(n),
    });
    users.push({ userId: 22_000_000 + n, userName: `user${n}-`.padEnd(64, '.'), ssn: ssnOf(n), partyId: 52_000_000 + n });
  }
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ parties, users }));
  return { path, marker: nameOf(first) };
}

/**
 * Opens the database in this process (under the directory's lock, like any other opener), runs
 * `use` on it and closes it. With `migrate`, it first migrates as `migration run` does.
 */
async function opened<T>(database: TestDatabase, use: (dataSource: DataSource) => Promise<T>, { migrate = false } = {}): Promise<T> {
  const dataSource = await openDataSource(
    { url: database.url, embeddedDir: join(database.dataDir, 'pgdata'), migrateOnStart: migrate },
    SCHEMA.entities,
    SCHEMA.migrationSets,
  );
  try {
    return await use(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

interface Inspection {
  people: number;
  xid: number;
  abortedSince: number;
}

/**
 * Counts the imported people and takes a transaction id (`xid`). Given the id an earlier inspection
 * took, it also counts the transactions since then that ended without a commit (`abortedSince`):
 * after a crash, a transaction that had written but not committed is aborted by recovery.
 */
async function inspect(dataSource: DataSource, since?: number): Promise<Inspection> {
  const [{ count, xid }] = await dataSource.query<{ count: number; xid: string }[]>(
    'SELECT count(*)::int AS count, txid_current()::text AS xid FROM users WHERE user_id > 22000000 AND user_id < 22010000',
  );
  let abortedSince = 0;
  if (since !== undefined) {
    const [{ aborted }] = await dataSource.query<{ aborted: number }[]>(
      `SELECT count(*)::int AS aborted FROM generate_series($1::bigint + 1, $2::bigint - 1) AS x WHERE txid_status(x) = 'aborted'`,
      [since, xid],
    );
    abortedSince = Number(aborted);
  }
  return { people: Number(count), xid: Number(xid), abortedSince };
}

/** Deletes the imported people again (users, then their parties), so that the next import starts from none. */
async function removePeople(dataSource: DataSource): Promise<void> {
  await dataSource.query('DELETE FROM users WHERE user_id > 22000000 AND user_id < 22010000');
  await dataSource.query('DELETE FROM parties WHERE party_id > 52000000 AND party_id < 52010000');
}

/** Exchanges a test IdP token for the person; the status and, when issued, our token. */
async function exchangeFor(base: string, pid: string): Promise<{ status: number; token?: string }> {
  const idp = await fetch(`${base}/test-idp/idporten/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pid, acr: 'idporten-loa-substantial', amr: ['Minid-PIN'] }),
  });
  const { access_token } = (await idp.json()) as { access_token: string };
  const response = await fetch(`${base}/authentication/api/v1/exchange/id-porten`, {
    headers: { authorization: `Bearer ${access_token}` },
  });
  return { status: response.status, token: response.ok ? await response.text() : undefined };
}

/**
 * Waits for a moment in a command's work, polling while `running()`; resolves true once the moment
 * came, false when the command ended first.
 */
type Moment = (running: () => boolean) => Promise<boolean>;

const tick = () => new Promise((r) => setTimeout(r, 5));

/**
 * Starts an admin command and SIGKILLs it at `moment`, which is awaited from the moment the command
 * said what it acts on (its first line, before it opens the database).
 */
async function killAt(
  args: string[],
  env: Record<string, string>,
  moment: Moment,
): Promise<{ stdout: string; signal: NodeJS.Signals | null; code: number | null }> {
  const { child, exited } = spawnTracked(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
  let running = true;
  void exited.then(() => (running = false));
  let killing: Promise<void> = Promise.resolve();
  child.stdout?.once('data', () => {
    killing = moment(() => running).then((came) => {
      if (came && running) child.kill('SIGKILL');
    });
  });
  const result = await exited;
  await killing;
  return result;
}

/**
 * On the embedded database: the WAL on disk holds `marker`, a text of the import's first row. The
 * import's transaction has begun, and part of it (with its transaction id) reached the disk before
 * its commit, because it writes more than the WAL buffers hold: a kill now lands inside it, and
 * recovery finds the transaction and aborts it.
 */
function walHolds(database: TestDatabase, marker: string): Moment {
  const wal = join(database.dataDir, 'pgdata', 'pg_wal');
  const needle = Buffer.from(marker);
  return async (running) => {
    // Each WAL file is read again only after it changed.
    const read = new Map<string, number>();
    while (running()) {
      for (const name of readdirSync(wal).filter((n) => /^[0-9A-F]{24}$/.test(n))) {
        try {
          const { mtimeMs } = statSync(join(wal, name));
          if (read.get(name) === mtimeMs) continue;
          read.set(name, mtimeMs);
          if (readFileSync(join(wal, name)).includes(needle)) return true;
        } catch (error) {
          // A WAL file recycled under another name between the listing and the read.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
      await tick();
    }
    return false;
  };
}

/**
 * On PostgreSQL: another session of the database has a transaction open that writes (the
 * import's), so that a kill now lands inside that transaction, before its commit.
 */
function writingTransactionOpen(database: TestDatabase): Moment {
  return (running) =>
    watchActivity(
      database,
      `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`,
      running,
    );
}

/** Polls `query` (which counts something as `n`) on a connection of its own until it counts one or more. */
async function watchActivity(database: TestDatabase, query: string, running: () => boolean, params: unknown[] = []): Promise<boolean> {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    while (running()) {
      const { rows } = await client.query<{ n: number }>(query, params);
      if (rows[0].n > 0) return true;
      await tick();
    }
    return false;
  } finally {
    await client.end();
  }
}

/**
 * The command has the database open: on the embedded database, PGlite wrote its postmaster.pid
 * (which a clean close removes); on PostgreSQL, a session that was not there before is connected.
 */
async function databaseOpened(database: TestDatabase): Promise<Moment> {
  if (!database.url) {
    const pidFile = join(database.dataDir, 'pgdata', 'postmaster.pid');
    expect(existsSync(pidFile)).toBe(false);
    return async (running) => {
      while (running() && !existsSync(pidFile)) await tick();
      return running();
    };
  }
  const client = new Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query<{ pids: number[] }>(
    "SELECT coalesce(array_agg(pid), '{}') AS pids FROM pg_stat_activity WHERE datname = current_database()",
  );
  await client.end();
  return (running) =>
    watchActivity(
      database,
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT pid = ANY($1)',
      running,
      [rows[0].pids],
    );
}

/**
 * SIGKILL at the worst moments, then reopen: `commands` kills admin commands mid-import and
 * mid-rotation; `service` kills the service under load with an import in flight.
 */
export function describeCrashSafety(kind: 'embedded' | 'postgresql', parts: ('commands' | 'service')[]): void {
  describe(`crash safety on the ${kind} database`, { timeout: 900_000 }, () => {
    let database: TestDatabase | undefined;
    let files: string;
    let env: Record<string, string>;
    let unavailable = '';

    before(async () => {
      if (kind === 'postgresql' && !(await serverAnswers())) {
        unavailable = missingServer(`no PostgreSQL server answers at ${LOCAL_SERVER_URL}`);
        return;
      }
      database = await createTestDatabase(kind === 'postgresql' ? LOCAL_SERVER_URL : null);
      files = mkdtempSync(join(tmpdir(), 'auth-crash-'));
      env = {
        ...database.env,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        KEY_ENCRYPTION_KEY: 'crash-safety-test-secret-0123456789abcdef',
        PROFILES_AUTO_PROVISION: 'false',
        RATE_LIMIT_PER_MINUTE: '0',
        // The service's load exchanges the test IdP's tokens.
        TEST_IDP_ENABLED: 'true',
      };
    });
    after(() => database?.drop());

    if (parts.includes('commands'))
      it('keeps nothing of an import whose command was killed before its commit, and everything of the next one; a killed rotation leaves a database that opens', async (t) => {
        if (!database) return t.skip(unavailable);
        // A kill proves something only when it landed inside the import's transaction, before its
        // commit. On PostgreSQL the kill comes once that transaction is seen open. The embedded
        // database lets nothing else look inside while the command runs: the kill comes once the
        // import's first row is in the WAL on disk, which happens before the commit when the
        // transaction writes more than the WAL buffers (1 MB) hold. Afterwards the database tells
        // where the kill landed: inside the transaction (nothing imported, and recovery aborted a
        // transaction), or too late (everything imported: the import was too small to spill before
        // its commit, and the next attempt imports twice as many).
        let people = kind === 'postgresql' ? 1000 : 1600;
        let file: string;
        // Migrated first, so that the import's transaction is the only one the command writes in.
        let before = await opened(database, (dataSource) => inspect(dataSource), { migrate: true });
        for (let attempt = 1; ; attempt++) {
          expect(attempt).toBeLessThanOrEqual(5);
          expect(before.people).toBe(0);
          const written = peopleFile(files, `import-${attempt}.json`, 1, people, `${attempt}-${randomBytes(4).toString('hex')}`);
          file = written.path;
          const moment = kind === 'postgresql' ? writingTransactionOpen(database) : walHolds(database, written.marker);
          const killed = await killAt(['profiles', 'import', file], env, moment);
          expect(killed.stdout.split('\n')[0]).toMatch(/^acting on /);
          const after = await opened(database, (dataSource) => inspect(dataSource, before.xid));
          t.diagnostic(
            `${people} people, killed once ${kind === 'postgresql' ? 'the transaction was seen open' : 'the first row was in the WAL'}: ${killed.signal ?? `exit ${killed.code}`}, ${after.people} people, ${after.abortedSince} aborted`,
          );
          // Never half of it, wherever the kill landed; done before the kill came, everything.
          expect([0, people]).toContain(after.people);
          if (killed.signal !== 'SIGKILL') expect([killed.code, after.people]).toEqual([0, people]);
          // On PostgreSQL other databases of the server take transaction ids too: the open transaction seen is the proof.
          const inside = killed.signal === 'SIGKILL' && after.people === 0 && (kind === 'postgresql' || after.abortedSince > 0);
          if (inside) break;
          if (after.people === people) {
            before = await opened(database, async (dataSource) => {
              await removePeople(dataSource);
              return inspect(dataSource);
            });
            // Within the user ids inspect counts.
            people = Math.min(people * 2, 8000);
          } else before = after;
        }
        // A rotation killed once it has the database open, before it ended: the database opens.
        let rotation;
        for (let attempt = 1; ; attempt++) {
          expect(attempt).toBeLessThanOrEqual(5);
          rotation = await killAt(['keys', 'rotate', '--now'], env, await databaseOpened(database));
          expect(rotation.stdout).toMatch(/^acting on /);
          t.diagnostic(`rotation killed once the database was open: ${rotation.signal ?? `exit ${rotation.code}`}`);
          if (rotation.signal === 'SIGKILL') break;
          expect(rotation.code).toBe(0);
        }
        // The killed rotation left its lock of the embedded directory: the next command takes it over and says so.
        expect(await runCliInProcess(['keys', 'list'], env)).toMatchObject({
          code: 0,
          stderr: expect.stringMatching(
            kind === 'embedded' ? /^took over the lock of .*pgdata from process \d+, which is no longer running\n$/ : /^$/,
          ),
        });
        const imported = await runCliInProcess(['profiles', 'import', file], env);
        expect([imported.code, imported.stderr]).toEqual([0, '']);
        expect((await opened(database, (dataSource) => inspect(dataSource))).people).toBe(people);
      });

    if (parts.includes('service'))
      it('keeps every acknowledged write when the service is killed under load, and the next start opens the directory', async (t) => {
        if (!database) return t.skip(unavailable);
        const port = String(await freePort());
        const base = `http://127.0.0.1:${port}`;
        const serviceEnv = { ...env, PORT: port };
        let service = spawnService(serviceEnv);
        let loading = true;
        let exchanges = 0;
        // The killed service's lock is taken over by whoever comes next: the import in flight, or the restart.
        const takeover = { seenBy: '' };
        try {
          await waitFor(`${base}/health/ready`, 180_000, service.exited);
          // Exchanges for the development person: audit writes and signatures, all the time.
          const load = Array.from({ length: 2 }, async () => {
            while (loading) {
              try {
                if ((await exchangeFor(base, '19108000239')).status === 200) exchanges++;
              } catch {
                await new Promise((r) => setTimeout(r, 50));
              }
            }
          });
          const file = peopleFile(files, 'acknowledged.json', 10_000, 100).path;
          const imported = await runCliInProcess(['profiles', 'import', file], serviceEnv);
          expect([imported.code, imported.stderr]).toEqual([0, '']);
          const acknowledged = [ssnOf(10_000), ssnOf(10_099)];
          const rotated = await runCliInProcess(['keys', 'rotate', '--now'], serviceEnv);
          expect(rotated.code).toBe(0);
          const kid = /([A-Za-z0-9_-]{43}) published/.exec(rotated.stdout)?.[1];
          // One more import in flight when the service dies: the service is killed once the command
          // (the CLI's code, in this process: the service is what dies) has said what it acts on, and
          // exchanges are under way.
          const inFlight = startCliInProcess(['profiles', 'import', peopleFile(files, 'in-flight.json', 20_000, 500).path], serviceEnv);
          await inFlight.said;
          while (exchanges === 0) await new Promise((r) => setTimeout(r, 20));
          service.child.kill('SIGKILL');
          await service.exited;
          loading = false;
          await Promise.all(load);
          const inFlightResult = await inFlight.done;
          takeover.seenBy = inFlightResult.stderr;

          service = spawnService(serviceEnv);
          await waitFor(`${base}/health/ready`, 180_000, service.exited);
          // Every acknowledged person exchanges, with the acknowledged key; the one in flight landed whole or not at all.
          for (const ssn of acknowledged) {
            const exchanged = await exchangeFor(base, ssn);
            expect([ssn, exchanged.status]).toEqual([ssn, 200]);
            expect(decodeProtectedHeader(exchanged.token!).kid).toBe(kid);
          }
          // The one in flight: acknowledged, it is all there; not acknowledged, it is all there or none of it, never half.
          const first = (await exchangeFor(base, ssnOf(20_000))).status;
          const last = (await exchangeFor(base, ssnOf(20_499))).status;
          t.diagnostic(
            `the import in flight ended with exit ${inFlightResult.code} ${inFlightResult.stderr.trim()}; its first and last person: ${first}, ${last}`,
          );
          if (inFlightResult.code === 0) expect([first, last]).toEqual([200, 200]);
          else
            expect([
              [200, 200],
              [401, 401],
            ]).toContainEqual([first, last]);
        } finally {
          loading = false;
          service.child.kill('SIGKILL');
          await service.exited;
        }
        if (kind === 'embedded') {
          // The killed service's lock was taken over, and whoever took it said so.
          expect(takeover.seenBy + (await service.exited).stdout).toContain('which is no longer running');
        }
      });
  });
}
