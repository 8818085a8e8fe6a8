import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { expect } from 'expect';
import {
  acquireDataDirectory,
  claimDataDirectory,
  DataDirectoryBusyError,
  holdDataDirectory,
  lockPathOf,
  readLockOwner,
} from './data-directory-lock';

const directory = () => join(mkdtempSync(join(tmpdir(), 'lock-')), 'pgdata');

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('data directory lock', () => {
  it('records the owner in a file only its user can read, and removes it on release', () => {
    const dir = directory();
    const lock = acquireDataDirectory(dir, 'command');
    expect(readLockOwner(dir)).toMatchObject({ pid: process.pid, role: 'command', host: hostname() });
    expect(statSync(lockPathOf(dir)).mode & 0o077).toBe(0);
    expect(existsSync(dir)).toBe(false);
    lock.release();
    expect(existsSync(lockPathOf(dir))).toBe(false);
  });

  it('refuses a second owner while the first lives, naming the directory and the owner pid', () => {
    const dir = directory();
    const lock = acquireDataDirectory(dir, 'service');
    try {
      expect(() => acquireDataDirectory(dir, 'command')).toThrow(DataDirectoryBusyError);
      expect(() => acquireDataDirectory(dir, 'command')).toThrow(
        `the embedded database in ${dir} is already open in process ${process.pid}`,
      );
    } finally {
      lock.release();
    }
  });

  it('takes over the lock of a process that is gone, and says whose', () => {
    const dir = directory();
    const pid = deadPid();
    writeFileSync(lockPathOf(dir), JSON.stringify({ pid, host: hostname(), role: 'service', token: 'x', since: 'then' }), { mode: 0o600 });
    const lock = acquireDataDirectory(dir, 'service');
    expect(lock.tookOverFrom).toBe(pid);
    expect(readLockOwner(dir)?.pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to another process (a different start time)', () => {
    const dir = directory();
    writeFileSync(
      lockPathOf(dir),
      JSON.stringify({ pid: process.pid, start: '1', host: hostname(), role: 'service', token: 'x', since: 'then' }),
      { mode: 0o600 },
    );
    const lock = acquireDataDirectory(dir, 'service');
    expect(lock.tookOverFrom).toBe(process.pid);
    lock.release();
  });

  it('treats a file that is not a lock as stale', () => {
    const dir = directory();
    writeFileSync(lockPathOf(dir), 'garbage');
    const lock = acquireDataDirectory(dir, 'service');
    expect(readLockOwner(dir)?.pid).toBe(process.pid);
    lock.release();
  });

  it('does not release a lock another owner took meanwhile', () => {
    const dir = directory();
    const lock = acquireDataDirectory(dir, 'service');
    const other = JSON.stringify({ pid: process.pid, host: hostname(), role: 'command', token: 'other', since: 'now' });
    writeFileSync(lockPathOf(dir), other);
    lock.release();
    expect(readFileSync(lockPathOf(dir), 'utf8')).toBe(other);
  });

  it('lets one database of this process use the lock the process holds, and refuses a second one', () => {
    const dir = directory();
    const lock = holdDataDirectory(dir, 'service');
    const release = claimDataDirectory(dir, () => undefined);
    expect(() => claimDataDirectory(dir, () => undefined)).toThrow(DataDirectoryBusyError);
    release();
    claimDataDirectory(dir, () => undefined)();
    expect(readLockOwner(dir)?.token).toBe(lock.owner.token);
    lock.release();
  });
});
