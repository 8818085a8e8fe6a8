import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, type Entities } from '../../src/database/data-source-options';
import { databaseSchema, ENTITIES } from '../../src/entities';
import { MIGRATIONS } from '../../src/database/migrations';
import { connectAndMigrate, migrate } from '../../src/database/open-data-source';
import { TEST_IDP_MIGRATIONS } from '../../src/test-idp/migrations';
import { join } from 'node:path';
import { startApp } from '../helpers/app';
import { createTestDatabase, LOCAL_SERVER_URL, serverAnswers, TestDatabase } from '../helpers/database';
import { FakeIssuer } from '../helpers/fake-issuer';

const optionsFor = (database: TestDatabase, entities: Entities = ENTITIES) =>
  dataSourceOptions({ url: database.url, embeddedDir: join(database.dataDir, 'pgdata'), migrateOnStart: false }, entities);

/** The tables of the public schema, by name. */
async function tables(query: (sql: string) => Promise<{ table_name: string }[]>): Promise<string[]> {
  const rows = await query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
  return rows.map((r) => r.table_name);
}

const TEST_IDP_TABLES = [
  'test_idp_clients',
  'test_idp_delegations',
  'test_idp_keys',
  'test_idp_migrations',
  'test_idp_oidc_clients',
  'test_idp_scope_access',
  'test_idp_scopes',
  'test_idp_system_users',
  'test_idp_systems',
  'test_idp_used_assertions',
];

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
    database = await createTestDatabase(undefined, { migrated: false });
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

describe('production on a fresh PostgreSQL', () => {
  let unavailable = '';
  let database: TestDatabase | undefined;
  let issuer: FakeIssuer;

  before(async () => {
    if (!(await serverAnswers())) {
      unavailable = `no PostgreSQL server answers at ${LOCAL_SERVER_URL}`;
      return;
    }
    database = await createTestDatabase(LOCAL_SERVER_URL, { migrated: false });
    issuer = await FakeIssuer.start('maskinporten');
  });
  after(async () => {
    await issuer?.close();
    await database?.drop();
  });

  const query = async (sql: string) => {
    const client = new Client({ connectionString: database!.url });
    await client.connect();
    try {
      return (await client.query<{ table_name: string }>(sql)).rows;
    } finally {
      await client.end();
    }
  };

  it('creates no test_idp table; enabling the test IdP later adds its tables under their own migration table', async (t) => {
    if (unavailable) return t.skip(unavailable);
    const production = await startApp({
      database,
      env: {
        NODE_ENV: 'production',
        ISSUER_URL: 'https://platform.test/authentication/api/v1/openid/',
        MASKINPORTEN_WELL_KNOWN_URLS: issuer.wellKnownUrl,
        IDPORTEN_WELL_KNOWN_URLS: issuer.wellKnownUrl,
        MASKINPORTEN_AUDIENCE: 'https://tt02.altinn.no/maskinporten-api/',
        IDPORTEN_AUDIENCE: '38e634d9-5682-44ae-9b60-db636efe3156',
        PROFILES_AUTO_PROVISION: 'false',
        TEST_IDP_ENABLED: 'false',
      },
    });
    try {
      expect((await fetch(`${production.url}/health/live`)).status).toBe(200);
    } finally {
      await production.close();
    }
    const afterProduction = await tables(query);
    expect(afterProduction.filter((name) => name.startsWith('test_idp'))).toEqual([]);
    expect(afterProduction).toContain('migrations');

    const development = await startApp({ database, env: { TEST_IDP_ENABLED: 'true' } });
    try {
      expect((await fetch(`${development.url}/test-idp/maskinporten/jwks`)).status).toBe(200);
    } finally {
      await development.close();
    }
    expect((await tables(query)).filter((name) => name.startsWith('test_idp'))).toEqual(TEST_IDP_TABLES);
  });
});
