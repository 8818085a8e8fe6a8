// test-database: independent (uses the local PostgreSQL server in either pass)
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { Client } from 'pg';
import { KeyRing } from '../../src/keys/key-ring';
import { RunningApp, startApp } from '../helpers/app';
import { createTestDatabase, LOCAL_SERVER_URL, serverAnswers, TestDatabase } from '../helpers/database';
import { TestClock } from '../helpers/test-clock';

const SERVER = LOCAL_SERVER_URL;
const JWKS_PATH = '/authentication/api/v1/openid/.well-known/openid-configuration/jwks';

const jwksOf = async (app: RunningApp) => (await fetch(`${app.url}${JWKS_PATH}`)).text();

// Two replicas need a database server both can reach; the embedded one belongs to one process.
describe('two replicas on one PostgreSQL database', () => {
  let available = false;
  let database: TestDatabase;
  let a: RunningApp;
  let b: RunningApp;
  const clock = new TestClock();

  before(async () => {
    available = await serverAnswers();
    if (!available) return;
    database = await createTestDatabase(SERVER);
    // Started together so both race to create the first key.
    [a, b] = await Promise.all([startApp({ database, clock }), startApp({ database, clock })]);
  });
  after(async () => {
    if (!available) return;
    await Promise.all([a.close(), b.close()]);
    await database.drop();
  });

  it('creates exactly one key, publishes the same JWKS, and both see a rotation', async (t) => {
    if (!available) {
      t.skip('no PostgreSQL server on 127.0.0.1:5432; replica test not run');
      return;
    }
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      expect((await client.query('SELECT count(*)::int AS n FROM signing_keys')).rows[0].n).toBe(1);
      expect(await jwksOf(a)).toBe(await jwksOf(b));

      clock.advance(29 * 86_400_000);
      await Promise.all([a.app.get(KeyRing).refresh(), b.app.get(KeyRing).refresh()]);
      expect((await client.query('SELECT count(*)::int AS n FROM signing_keys')).rows[0].n).toBe(2);
      await b.app.get(KeyRing).refresh();
      const published = JSON.parse(await jwksOf(a)) as { keys: unknown[] };
      expect(published.keys).toHaveLength(2);
      expect(await jwksOf(b)).toBe(await jwksOf(a));
    } finally {
      await client.end();
    }
  });
});
