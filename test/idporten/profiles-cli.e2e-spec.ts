import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { projectRoot } from '../../src/config/project-root';
import { createTestDatabase, TestDatabase } from '../helpers/database';
import { CLI_LIMITS } from '../helpers/spawn';

const CLI = join(projectRoot(), 'dist', 'src', 'cli', 'main.js');

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
  let dir: string;
  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, 'profiles', ...args], {
      env: {
        PATH: process.env.PATH,
        ...database.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        KEY_ENCRYPTION_KEY: 'x'.repeat(40),
        ISSUER_URL: 'https://a.test/',
        MASKINPORTEN_WELL_KNOWN_URLS: 'https://m.test/',
        IDPORTEN_WELL_KNOWN_URLS: 'https://i.test/',
        MASKINPORTEN_AUDIENCE: 'https://a.test/',
      },
      encoding: 'utf8',
      ...CLI_LIMITS,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  before(async () => {
    database = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'profiles-cli-'));
  });
  after(() => database.drop());

  it('imports a good file and shows a person with the ssn masked', () => {
    const good = file('good.json', {
      parties: [
        party(50000001, '01010100001'),
        { partyId: 50000002, partyUuid: '00000000-0000-4000-8000-000050000002', type: 'organisation', orgNumber: '974760673', name: 'BRG' },
      ],
      users: [user(20000001, '01010100001', 50000001)],
    });
    const imported = run('import', good);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(
      /^acting on (the embedded database in .*pgdata \(no service has it open\)|PostgreSQL .*)\nimported 2 parties and 1 users\n$/,
    );
    const shown = run('show', '01010100001');
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
    expect(run('import', good).code).toBe(0);
  });

  it('refuses a bad file, naming each bad record by index, and changes nothing', () => {
    const bad = file('bad.json', {
      parties: [party(50000003, '0101010000'), { ...party(50000004, '01010100004'), type: 'robot' }, party(50000005, '01010100005')],
      users: [user(20000003, '01010100003', 50000003), { ...user(20000004, '01010100004', 50000004), extra: true }],
    });
    const result = run('import', bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^nothing imported; the file has \d+ problem\(s\):/);
    expect(result.stderr).toContain('parties[0].ssn: ssn must be 11 digits');
    expect(result.stderr).toContain('parties[1].type:');
    expect(result.stderr).toContain('users[1].extra:');
    expect(run('show', '01010100005')).toMatchObject({ code: 1, stderr: 'no person with ssn 010101*****\n' });
  });

  it('rolls back everything when a user names a party that does not exist', () => {
    const orphan = file('orphan.json', { parties: [party(50000006, '01010100006')], users: [user(20000006, '01010100006', 59999999)] });
    const result = run('import', orphan);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^nothing imported:/);
    expect(run('show', '01010100006').code).toBe(1);
  });

  it('refuses files that are missing, not JSON, or of the wrong shape, and bad invocations', () => {
    expect(run('import', join(dir, 'missing.json'))).toMatchObject({ code: 1 });
    expect(run('import', file('text.json', 'not json')).stderr).toMatch(/is not valid JSON/);
    expect(run('import', file('array.json', [])).stderr).toMatch(/"parties" and "users"/);
    expect(run('show', '123').stderr).toMatch(/11 digits/);
    expect(run('import').code).toBe(2);
    expect(run('delete', 'x').code).toBe(2);
  });
});
