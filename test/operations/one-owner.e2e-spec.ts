import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { freePort } from '../helpers/app';
import { spawnService, waitFor } from '../helpers/spawn';

const QUIET = { LOG_LEVEL: 'silent', HOST: '127.0.0.1', KEY_ENCRYPTION_KEY: 'one-owner-test-secret-0123456789abcdef' };

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

describe('one owner of the embedded data directory', () => {
  let dir: string;
  let port: string;
  let first: ReturnType<typeof spawnService>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'auth-owner-'));
    port = String(await freePort());
    first = spawnService({ ...QUIET, DATA_DIR: dir, PORT: port });
    await waitFor(`http://127.0.0.1:${port}/health/ready`, 90_000);
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

  it('refuses a second service on the directory at once, in one line naming the directory and the owner’s pid', async () => {
    // The baseline: a start refused for a bad PORT does the same work up to the refusal.
    const [, baselineMs] = await timed(
      () => spawnService({ ...QUIET, DATA_DIR: mkdtempSync(join(tmpdir(), 'auth-owner-')), PORT: 'x' }).exited,
    );
    const [second, elapsedMs] = await timed(() => spawnService({ ...QUIET, DATA_DIR: dir, PORT: port }).exited);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^Start-up failed: the embedded database in ${join(dir, 'pgdata')} is already open in process ${first.child.pid} \\(a running service since [0-9T:.Z-]+\\); stop it first, or use its admin commands$`,
      ),
    );
    expect(elapsedMs).toBeLessThan(baselineMs * 2 + 1000);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
  });
});
