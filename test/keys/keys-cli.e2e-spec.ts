import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { projectRoot } from '../../src/config/project-root';
import { createTestDatabase, TestDatabase } from '../helpers/database';
import { certificateFor, rsaPair } from '../helpers/pki';
import { CLI_LIMITS } from '../helpers/spawn';

const CLI = join(projectRoot(), 'dist', 'src', 'cli', 'main.js');

describe('keys CLI', () => {
  let database: TestDatabase;
  let files: string;
  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, 'keys', ...args], {
      env: { PATH: process.env.PATH, ...database.env, KEY_ENCRYPTION_KEY: 'cli-test-secret-0123456789abcdefghijkl', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      ...CLI_LIMITS,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const rows = () => run('list').stdout.trim().split('\n').slice(1);
  const write = (name: string, content: string) => {
    const path = join(files, name);
    writeFileSync(path, content);
    return path;
  };

  before(async () => {
    database = await createTestDatabase();
    files = mkdtempSync(join(tmpdir(), 'keys-cli-'));
  });
  after(() => database.drop());

  it('lists nothing on an empty database, then rotates in a next key', () => {
    expect(run('list')).toMatchObject({ code: 0, stdout: 'kid\tstate\tactivates_at\tretired_at\torigin\n' });
    const rotated = run('rotate');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/^acting on .*\n[A-Za-z0-9_-]{43} published; signs from /);
    expect(rows()).toHaveLength(1);
    expect(rows()[0]).toMatch(/\tnext\t.*\tgenerated$/);
  });

  it('refuses a second rotation while a next key is pending, unless --now', () => {
    const again = run('rotate');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is already published and starts signing at .*use --now/);
    expect(rows()).toHaveLength(1);
    const now = run('rotate', '--now');
    expect(now.code).toBe(0);
    expect(
      rows()
        .map((r) => r.split('\t')[1])
        .sort(),
    ).toEqual(['active', 'next']);
  });

  it('imports a matching certificate and key', async () => {
    const { privateKey, publicKey } = rsaPair();
    const cert = write('good-cert.pem', await certificateFor(privateKey, publicKey));
    const key = write('good-key.pem', privateKey.export({ format: 'pem', type: 'pkcs1' }).toString());
    const imported = run('import', '--cert', cert, '--key', key, '--now');
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(rows().filter((r) => r.endsWith('\timported'))).toHaveLength(1);
    const twice = run('import', '--cert', cert, '--key', key, '--now');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/is already stored/);
  });

  it('refuses bad input with a clear message and leaves the database unchanged', async () => {
    const before = rows();
    const { privateKey, publicKey } = rsaPair();
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
      const result = run(...args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const usage = run('import', '--cert');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: npm run keys/);
    expect(run('frobnicate').code).toBe(2);
    expect(rows()).toEqual(before);
  });
});
