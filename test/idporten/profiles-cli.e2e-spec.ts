import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { InProcessAdmin } from '../helpers/admin';
import { createTestDatabase, TestDatabase } from '../helpers/database';
import { runCommand } from '../helpers/spawn';

/** A production environment: the profile commands need nothing of what production adds (the key secret, the issuers). */
const ENV = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  KEY_ENCRYPTION_KEY: 'x'.repeat(40),
  ISSUER_URL: 'https://a.test/',
  MASKINPORTEN_WELL_KNOWN_URLS: 'https://m.test/',
  IDPORTEN_WELL_KNOWN_URLS: 'https://i.test/',
  MASKINPORTEN_AUDIENCE: 'https://a.test/',
};

const party = (partyId: number, ssn: string) => ({
  partyId,
  partyUuid: `00000000-0000-4000-8000-${String(partyId).padStart(12, '0')}`,
  type: 'person',
  ssn,
  name: `Person ${partyId}`,
});
const user = (userId: number, ssn: string, partyId: number) => ({ userId, userName: `user${userId}`, ssn, partyId });

describe('profiles CLI', () => {
  let database: TestDatabase;
  let admin: InProcessAdmin;
  let dir: string;
  const run = (...args: string[]) => admin.run('profiles', ...args);
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  before(async () => {
    database = await createTestDatabase();
    admin = await InProcessAdmin.open(database, ENV);
    dir = mkdtempSync(join(tmpdir(), 'profiles-cli-'));
  });
  after(async () => {
    await admin?.close();
    await database?.drop();
  });

  it('imports a good file and shows a person with the ssn masked', async () => {
    const good = file('good.json', {
      parties: [
        party(50000001, '01010100001'),
        { partyId: 50000002, partyUuid: '00000000-0000-4000-8000-000050000002', type: 'organisation', orgNumber: '974760673', name: 'BRG' },
      ],
      users: [user(20000001, '01010100001', 50000001)],
    });
    const imported = await run('import', good);
    expect(imported).toEqual({ code: 0, stdout: 'imported 2 parties and 1 users\n', stderr: '' });
    const shown = await run('show', '01010100001');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual({
      ssn: '010101*****',
      userId: 20000001,
      userName: 'user20000001',
      partyId: 50000001,
      partyUuid: '00000000-0000-4000-8000-000050000001',
      name: 'Person 50000001',
    });
    expect(shown.stdout).not.toContain('01010100001');
    expect((await run('import', good)).code).toBe(0);
  });

  it('refuses a bad file, naming each bad record by index, and changes nothing', async () => {
    const bad = file('bad.json', {
      parties: [party(50000003, '0101010000'), { ...party(50000004, '01010100004'), type: 'robot' }, party(50000005, '01010100005')],
      users: [user(20000003, '01010100003', 50000003), { ...user(20000004, '01010100004', 50000004), extra: true }],
    });
    const result = await run('import', bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^nothing imported; the file has \d+ problem\(s\):/);
    expect(result.stderr).toContain('parties[0].ssn: ssn must be 11 digits');
    expect(result.stderr).toContain('parties[1].type:');
    expect(result.stderr).toContain('users[1].extra:');
    expect(await run('show', '01010100005')).toMatchObject({ code: 1, stderr: 'no person with ssn 010101*****\n' });
  });

  it('rolls back everything when a user names a party that does not exist', async () => {
    const orphan = file('orphan.json', { parties: [party(50000006, '01010100006')], users: [user(20000006, '01010100006', 59999999)] });
    const result = await run('import', orphan);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^nothing imported:/);
    expect((await run('show', '01010100006')).code).toBe(1);
  });

  it('refuses files that are missing, not JSON, or of the wrong shape, and bad invocations', async () => {
    expect(await run('import', join(dir, 'missing.json'))).toMatchObject({ code: 1, stderr: expect.stringMatching(/it does not exist/) });
    expect((await run('import', file('text.json', 'not json'))).stderr).toMatch(/is not valid JSON/);
    expect((await run('import', file('array.json', []))).stderr).toMatch(/"parties" and "users"/);
    expect(await run('show', '123')).toMatchObject({ code: 1, stderr: 'an ssn is 11 digits\n' });
    expect(await run('import')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^import needs an argument\nusage: npm run profiles/),
    });
    expect((await run('delete', 'x')).code).toBe(2);
  });
});

// The same commands as an operator runs them: one process each, on a database of their own.
describe('profiles CLI, spawned', () => {
  let database: TestDatabase;
  let dir: string;
  const cli = (...args: string[]) => runCommand(['profiles', ...args], { ...database.env, ...ENV });

  before(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'profiles-cli-'));
  });
  after(() => database?.drop());

  it('imports and shows as separate processes, announcing the database the import acts on', async () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ parties: [party(50000011, '01010100011')], users: [user(20000011, '01010100011', 50000011)] }));
    const imported = await cli('import', good);
    expect([imported.code, imported.stderr]).toEqual([0, '']);
    expect(imported.stdout).toMatch(
      /^acting on (the embedded database in .*pgdata \(no service has it open\)|PostgreSQL .*)\nimported 1 parties and 1 users\n$/,
    );
    const shown = await cli('show', '01010100011');
    expect([shown.code, shown.stderr]).toEqual([0, '']);
    expect(JSON.parse(shown.stdout)).toMatchObject({ ssn: '010101*****', userId: 20000011, partyId: 50000011 });
  });
});
