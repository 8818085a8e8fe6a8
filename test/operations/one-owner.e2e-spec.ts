// test-database: independent (the embedded directory's lock, whatever DATABASE_URL says)
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { freePort } from '../helpers/app';
import { newDataDir } from '../helpers/database';
import { spawnService, waitFor } from '../helpers/spawn';

const QUIET = { LOG_LEVEL: 'silent', HOST: '127.0.0.1', KEY_ENCRYPTION_KEY: 'one-owner-test-secret-0123456789abcdef' };

describe('one owner of the embedded data directory', () => {
  let dir: string;
  let port: string;
  let first: ReturnType<typeof spawnService>;

  before(async () => {
    dir = newDataDir('auth-owner-');
    port = String(await freePort());
    first = spawnService({ ...QUIET, DATA_DIR: dir, PORT: port });
    await waitFor(`http://127.0.0.1:${port}/health/ready`);
  });
  after(async () => {
    first.child.kill('SIGKILL');
    await first.exited;
  });

  it('holds a lock beside the directory that names its pid, readable only by its user', () => {
    const owner = JSON.parse(readFileSync(join(dir, 'pgdata.lock'), 'utf8')) as { pid: number; role: string };
    expect(owner).toMatchObject({ pid: first.child.pid, role: 'service' });
    expect(statSync(join(dir, 'pgdata.lock')).mode & 0o077).toBe(0);
  });

  // "At once" as behaviour, not as a time: the second start ends on its own while the first still
  // holds the directory (it does not wait for the lock), and it leaves the lock and the first alone.
  it('refuses a second service on the directory while the first holds it, in one line naming the directory and the owner’s pid', async () => {
    const lock = readFileSync(join(dir, 'pgdata.lock'), 'utf8');
    const second = await spawnService({ ...QUIET, DATA_DIR: dir, PORT: port }).exited;
    expect(first.child.exitCode).toBeNull();
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^Start-up failed: the embedded database in ${join(dir, 'pgdata')} is already open in process ${first.child.pid} \\(a running service since [0-9T:.Z-]+\\); stop it first, or use its admin commands$`,
      ),
    );
    expect(readFileSync(join(dir, 'pgdata.lock'), 'utf8')).toBe(lock);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
  });
});
