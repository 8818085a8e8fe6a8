import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { InProcessAdmin } from '../helpers/admin';
import { createTestDatabase, TestDatabase } from '../helpers/database';
import { certificateFor, rsaPair } from '../helpers/pki';
import { runCommand } from '../helpers/spawn';

const ENV = { KEY_ENCRYPTION_KEY: 'cli-test-secret-0123456789abcdefghijkl', LOG_LEVEL: 'silent' };

/** An operator's key pair, made once (a 2048-bit pair costs a few hundred ms of CPU): each database imports it once. */
const operatorKey = rsaPair();

describe('keys CLI', () => {
  let database: TestDatabase;
  let admin: InProcessAdmin;
  let files: string;
  const run = (...args: string[]) => admin.run('keys', ...args);
  const rows = async () => (await run('list')).stdout.trim().split('\n').slice(1);
  const write = (name: string, content: string) => {
    const path = join(files, name);
    writeFileSync(path, content);
    return path;
  };

  before(async () => {
    database = await createTestDatabase();
    admin = await InProcessAdmin.open(database, ENV);
    files = mkdtempSync(join(tmpdir(), 'keys-cli-'));
  });
  after(async () => {
    await admin?.close();
    await database?.drop();
  });

  it('lists nothing on an empty database, then rotates in a next key', async () => {
    expect(await run('list')).toMatchObject({ code: 0, stdout: 'kid\tstate\tactivates_at\tretired_at\torigin\n' });
    const rotated = await run('rotate');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/^[A-Za-z0-9_-]{43} published; signs from /);
    expect(await rows()).toHaveLength(1);
    expect((await rows())[0]).toMatch(/\tnext\t.*\tgenerated$/);
  });

  it('refuses a second rotation while a next key is pending, unless --now', async () => {
    const again = await run('rotate');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is already published and starts signing at .*use --now/);
    expect(await rows()).toHaveLength(1);
    const now = await run('rotate', '--now');
    expect(now.code).toBe(0);
    expect((await rows()).map((r) => r.split('\t')[1]).sort()).toEqual(['active', 'next']);
  });

  it('imports a matching certificate and key', async () => {
    const { privateKey, publicKey } = operatorKey;
    const cert = write('good-cert.pem', await certificateFor(privateKey, publicKey));
    const key = write('good-key.pem', privateKey.export({ format: 'pem', type: 'pkcs1' }).toString());
    const imported = await run('import', '--cert', cert, '--key', key, '--now');
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect((await rows()).filter((r) => r.endsWith('\timported'))).toHaveLength(1);
    const twice = await run('import', '--cert', cert, '--key', key, '--now');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/is already stored/);
  });

  it('refuses bad input with a clear message and leaves the database unchanged', async () => {
    const before = await rows();
    // The operator's key, stored already: each refusal below is decided before the database is asked.
    const { privateKey, publicKey } = operatorKey;
    const other = rsaPair();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const small = rsaPair(1024);
    const cases: [string[], RegExp][] = [
      [
        ['import', '--cert', join(files, 'missing.pem'), '--key', join(files, 'missing-key.pem')],
        /certificate file .*missing\.pem: it does not exist/,
      ],
      [
        [
          'import',
          '--cert',
          write('junk.pem', 'not a certificate'),
          '--key',
          write('k.pem', privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
        ],
        /not a PEM or DER X\.509 certificate/,
      ],
      [
        [
          'import',
          '--cert',
          write('c1.pem', await certificateFor(privateKey, publicKey)),
          '--key',
          write('other.pem', other.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
        ],
        /do not belong together/,
      ],
      [
        [
          'import',
          '--cert',
          write('ec-cert.pem', await certificateFor(ec.privateKey, ec.publicKey, 'EC')),
          '--key',
          write('ec.pem', ec.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
        ],
        /private key is ec; only RSA/,
      ],
      [
        [
          'import',
          '--cert',
          write('small-cert.pem', await certificateFor(small.privateKey, small.publicKey)),
          '--key',
          write('small.pem', small.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()),
        ],
        /1024 bits; at least 2048/,
      ],
      [
        ['import', '--cert', write('c2.pem', await certificateFor(privateKey, publicKey)), '--key', write('garbage-key.pem', 'garbage')],
        /not a PEM private key/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await run(...args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const usage = await run('import', '--cert');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run keys/);
    expect((await run('frobnicate')).code).toBe(2);
    expect(await rows()).toEqual(before);
  });
});

// The same commands as an operator runs them: one process each, on a database of their own.
describe('keys CLI, spawned', () => {
  let database: TestDatabase;
  let files: string;
  const cli = (...args: string[]) => runCommand(['keys', ...args], { ...database.env, ...ENV });

  before(async () => {
    database = await createTestDatabase();
    files = mkdtempSync(join(tmpdir(), 'keys-cli-'));
  });
  after(() => database?.drop());

  // One process per command; their refusals and wrong invocations are the in-process tests' above.
  it('lists, rotates and imports as separate processes, announcing the database each write acts on', async () => {
    const rotated = await cli('rotate');
    expect([rotated.code, rotated.stderr]).toEqual([0, '']);
    expect(rotated.stdout).toMatch(
      /^acting on (the embedded database in .*pgdata \(no service has it open\)|PostgreSQL .*)\n[A-Za-z0-9_-]{43} published; signs from /,
    );
    const { privateKey, publicKey } = operatorKey;
    const cert = join(files, 'cert.pem');
    const key = join(files, 'key.pem');
    writeFileSync(cert, await certificateFor(privateKey, publicKey));
    writeFileSync(key, privateKey.export({ format: 'pem', type: 'pkcs1' }).toString());
    const imported = await cli('import', '--cert', cert, '--key', key, '--now');
    expect([imported.code, imported.stderr]).toEqual([0, '']);
    expect(imported.stdout).toMatch(/^acting on /);
    const listed = await cli('list');
    expect(listed.code).toBe(0);
    const origins = listed.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => row.split('\t').at(-1))
      .sort();
    expect(origins).toEqual(['generated', 'imported']);
  });
});
