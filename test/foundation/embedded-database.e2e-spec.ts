// test-database: independent (the embedded database, whatever DATABASE_URL says)
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/app';
import { spawnService, whileReady } from '../helpers/spawn';

const dataDir = () => mkdtempSync(join(tmpdir(), 'auth-embedded-'));

function residentMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

describe('the embedded database', () => {
  // initdb grows PGlite's WebAssembly memory to about 700 MB for good when it runs in the serving thread.
  it('initialises a new data directory without keeping initdb’s memory', { skip: !existsSync('/proc/self/status') }, async () => {
    const dir = dataDir();
    const port = String(await freePort());
    await whileReady({ DATA_DIR: dir, PORT: port, HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, port, (pid) => {
      expect(existsSync(join(dir, 'pgdata', 'PG_VERSION'))).toBe(true);
      expect(residentMb(pid)).toBeLessThan(600);
    });
  });

  it('refuses to start, in one line naming the directory, when the data directory cannot be initialised', async () => {
    const dir = dataDir();
    mkdirSync(join(dir, 'pgdata'));
    writeFileSync(join(dir, 'pgdata', 'global'), 'not a directory');
    const { exited } = spawnService({ DATA_DIR: dir, PORT: String(await freePort()), LOG_LEVEL: 'silent' });
    const { code, stderr } = await exited;
    expect(code).toBe(1);
    expect(stderr.trim().split('\n').at(-1)).toBe(
      `Start-up failed: the embedded database in ${join(dir, 'pgdata')} cannot be opened: ErrnoError (errno 54)`,
    );
    expect(existsSync(join(dir, 'pgdata', 'PG_VERSION'))).toBe(false);
  });
});
