import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { DataSource } from 'typeorm';
import { dataSourceOptions, type Entities } from '../../src/database/data-source-options';
import { databaseSchema, ENTITIES } from '../../src/entities';
import { MIGRATIONS } from '../../src/database/migrations';
import { connectAndMigrate, migrate } from '../../src/database/open-data-source';
import { TEST_IDP_MIGRATIONS } from '../../src/test-idp/migrations';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from '../helpers/database';

const optionsFor = (database: TestDatabase, entities: Entities = ENTITIES) =>
  dataSourceOptions({ url: database.url, embeddedDir: join(database.dataDir, 'pgdata'), migrateOnStart: false }, entities);

/** The tables of the public schema, by name. */
async function tables(query: (sql: string) => Promise<{ table_name: string }[]>): Promise<string[]> {
  const rows = await query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  before(async () => {
    database = await createTestDatabase(undefined, { migrated: false });
    dataSource = new DataSource(optionsFor(database));
    await dataSource.initialize();
  });
  after(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('runs every migration once and a second run is a no-op', async () => {
    const first = await migrate(dataSource);
    expect(first).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await migrate(dataSource)).toEqual([]);
    const executed = await dataSource.query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id');
    expect(executed.map((r) => r.name)).toEqual(first);
  });

  it('leaves a schema equal to what the entities describe (migration:generate would yield nothing)', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('makes no test_idp table: the test IdP has its own migrations', async () => {
    expect((await tables((sql) => dataSource.query(sql))).filter((name) => name.startsWith('test_idp'))).toEqual([]);
  });
});

describe("the test IdP's migrations", () => {
  let database: TestDatabase;

  before(async () => {
    // The service's migrations applied, as the migrated template has them: the tests above run them.
    database = await createTestDatabase();
  });
  after(async () => {
    await database.drop();
  });

  it('keep the test_idp tables and rows of a database whose test IdP tables came with the service’s migrations', async () => {
    // A database as the service's migrations left it before the test IdP had its own set: the
    // tables made, the old migration names recorded in the service's table, a row written.
    const old = await connectAndMigrate(optionsFor(database), true);
    try {
      const runner = old.createQueryRunner();
      for (const Migration of TEST_IDP_MIGRATIONS.migrations) await new Migration().up(runner);
      await runner.release();
      for (const [timestamp, name] of [
        [1795655943315, 'TestIdp1795655943315'],
        [1796331874615, 'TestIdpOidcClients1796331874615'],
      ] as const) {
        await old.query('INSERT INTO migrations (timestamp, name) VALUES ($1, $2)', [timestamp, name]);
      }
      await old.query(`INSERT INTO test_idp_scopes (name, prefix, subscope) VALUES ('altinn:kept', 'altinn', 'kept')`);
    } finally {
      await old.destroy();
    }

    const schema = databaseSchema(true);
    const withTestIdp = await connectAndMigrate(optionsFor(database, schema.entities), false, schema.migrationSets);
    try {
      expect(await migrate(withTestIdp)).toEqual(TEST_IDP_MIGRATIONS.migrations.map((m) => m.name));
      expect(await migrate(withTestIdp)).toEqual([]);
      const recorded = await withTestIdp.query<{ name: string }[]>('SELECT name FROM test_idp_migrations ORDER BY id');
      expect(recorded.map((r) => r.name)).toEqual(TEST_IDP_MIGRATIONS.migrations.map((m) => m.name));
      expect(await withTestIdp.query('SELECT name FROM test_idp_scopes')).toEqual([{ name: 'altinn:kept' }]);
      const pending = await withTestIdp.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await withTestIdp.destroy();
    }
  });
});
