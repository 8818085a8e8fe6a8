// test-database: independent (start-up refusals; the PostgreSQL ones use the local server in either pass)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { checkDatabaseServer } from '../../src/database/database-server';
import { PinoLoggerService } from '../../src/logging/logging.module';
import { freePort, startApp, startUpRefusalOf } from '../helpers/app';
import { createTestDatabase, LOCAL_SERVER_URL, serverAnswers, TestDatabase, withDatabase } from '../helpers/database';
import { spawnService } from '../helpers/spawn';

/** The one line a refused start prints: no stack, nothing else on stderr. */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0];
}

/** The line main.ts prints for a start that fails as `start` does: one line. */
async function refusalOf(start: Promise<{ close(): Promise<void> } | void>): Promise<string> {
  return oneLine(await startUpRefusalOf(start));
}

describe('a start that refuses what it cannot serve', { timeout: 600_000 }, () => {
  // The one real process: main.ts checks the server before the framework loads and turns the
  // failure into one line on stderr and exit code 1. The other refusals reach that same line from
  // the error they raise, so they are checked in-process.
  it('refuses a DATABASE_URL that refuses connections, in one line naming it with the password masked', async () => {
    const port = await freePort();
    const { code, stderr } = await spawnService({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'auth-refusal-')),
      PORT: String(await freePort()),
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      DATABASE_URL: `postgres://auth:s3cret-pw@127.0.0.1:${port}/authentication`,
    }).exited;
    expect(code).toBe(1);
    expect(oneLine(stderr)).toBe(
      `Start-up failed: DATABASE_URL=postgres://auth:***@127.0.0.1:${port}/authentication cannot be used: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(stderr).not.toContain('s3cret-pw');
  });

  it('refuses a database the server does not have, naming DATABASE_URL and the server’s answer', async (t) => {
    if (!(await serverAnswers())) return t.skip('no PostgreSQL server answers at ' + LOCAL_SERVER_URL);
    const url = withDatabase(LOCAL_SERVER_URL, 'no_such_database_here');
    expect(await refusalOf(checkDatabaseServer(url))).toMatch(
      /^Start-up failed: DATABASE_URL=postgres:\/\/.*\/no_such_database_here cannot be used: database "no_such_database_here" does not exist$/,
    );
  });

  describe('the organisation source', () => {
    let database: TestDatabase;
    let files: string;
    before(async () => {
      database = await createTestDatabase();
      files = mkdtempSync(join(tmpdir(), 'auth-orgs-'));
    });
    after(() => database.drop());

    it('refuses to start, naming ORGANISATIONS_SOURCE, when it cannot be read or parsed and nothing was synced before', async () => {
      const unparsable = join(files, 'broken.json');
      writeFileSync(unparsable, '{"orgs": ');
      for (const [source, cause] of [
        ['/nonexistent/orgs.json', 'cannot read /nonexistent/orgs.json'],
        [unparsable, `${unparsable} is not JSON`],
      ]) {
        expect(await refusalOf(startApp({ database, env: { ORGANISATIONS_SOURCE: source } }))).toBe(
          `Start-up failed: ORGANISATIONS_SOURCE=${source} cannot be used (${cause}) and the database holds no organisation list synced before`,
        );
      }
    });

    it('starts on the list synced before when the source fails, says so, and readiness reports its count and age', async (t) => {
      const source = join(files, 'orgs.json');
      writeFileSync(
        source,
        JSON.stringify({
          orgs: { brg: { name: { nb: 'Brreg' }, orgnr: '974760673' }, skd: { name: { nb: 'Skatt' }, orgnr: '974761076' } },
        }),
      );
      const env = { ORGANISATIONS_SOURCE: source };
      await (await startApp({ database, env })).close();
      writeFileSync(source, 'not json');
      const warnings = t.mock.method(PinoLoggerService.prototype, 'warn');
      const second = await startApp({ database, env });
      try {
        const ready = (await (await fetch(`${second.url}/health/ready`)).json()) as {
          details: { organisations: Record<string, unknown> };
        };
        expect(ready.details.organisations).toMatchObject({ status: 'up', count: 2, lastError: expect.any(String) });
        expect(ready.details.organisations.ageSeconds).toEqual(expect.any(Number));
        expect(Date.parse(ready.details.organisations.syncedAt as string)).toBeLessThanOrEqual(Date.now());
      } finally {
        await second.close();
      }
      expect(warnings.mock.calls.map((call) => call.arguments[0])).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^starting on the 2 organisations synced from ${source} at [0-9T:.Z-]+: ORGANISATIONS_SOURCE=${source} cannot be used \\(${source} is not JSON\\)$`,
          ),
        ),
      );
    });
  });
});
