// test-database: independent (the local PostgreSQL server in either pass)
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { startApp } from '../helpers/app';
import { createTestDatabase, LOCAL_SERVER_URL, serverAnswers, TestDatabase } from '../helpers/database';
import { FakeIssuer } from '../helpers/fake-issuer';

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
