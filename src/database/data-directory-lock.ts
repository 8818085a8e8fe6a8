import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

/** Who holds a data directory: enough to tell a live owner from a stale file, and to reach it. */
export interface LockOwner {
  pid: number;
  /** Kernel boot id and the process's start time in clock ticks: a reused pid is not the owner. */
  boot?: string;
  start?: string;
  host: string;
  /** `service` serves admin commands on its channel; `command` is a CLI working on its own. */
  role: 'service' | 'command';
  /** Proves to the owner's admin channel that a caller can read this file (mode 0600). */
  token: string;
  since: string;
}

/** The directory is open in another live process; carries the owner so a CLI can reach it. */
export class DataDirectoryBusyError extends Error {
  constructor(
    readonly directory: string,
    readonly owner: LockOwner,
  ) {
    super(
      `the embedded database in ${directory} is already open in process ${owner.pid}` +
        (owner.host !== hostname() ? ` on ${owner.host}` : '') +
        ` (${owner.role === 'service' ? 'a running service' : 'an admin command'} since ${owner.since}); stop it first, or use its admin commands`,
    );
    this.name = 'DataDirectoryBusyError';
  }
}

export interface DataDirectoryLock {
  readonly directory: string;
  readonly path: string;
  readonly owner: LockOwner;
  /** The pid of a dead owner whose lock this one replaced. */
  readonly tookOverFrom?: number;
  release(): void;
}

const TAKEOVER_STALE_MS = 10_000;

/** The lock file of an embedded data directory: beside it, so initdb still finds the directory empty. */
export function lockPathOf(directory: string): string {
  return `${directory}.lock`;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields 3 and 22 of /proc/<pid>/stat: the state (Z: exited, not yet reaped) and the start time in ticks since boot. */
function processStat(pid: number): { state: string; start: string } | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], start: fields[19] };
}

function startTicks(pid: number): string | undefined {
  return processStat(pid)?.start;
}

function bootId(): string | undefined {
  return readProc('/proc/sys/kernel/random/boot_id')?.trim();
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** True unless the owner is certainly gone: no such pid, or the pid now belongs to another process. */
export function ownerAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  if (owner.boot && bootId() && owner.boot !== bootId()) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = processStat(owner.pid);
  if (stat?.state === 'Z' || stat?.state === 'X') return false;
  return !(owner.start && stat && owner.start !== stat.start);
}

/** The lock file's owner, or undefined when there is none; a file that is not a lock counts as stale. */
export function readLockOwner(directory: string): LockOwner | null | undefined {
  let text: string;
  try {
    text = readFileSync(lockPathOf(directory), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return Number.isInteger(owner.pid) && owner.pid > 0 ? owner : null;
  } catch {
    return null;
  }
}

/** Writes the file completely, then links it into place: readers never see half a lock. */
function linkExclusive(path: string, content: string): boolean {
  const staging = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const fd = openSync(staging, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(staging, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(staging);
  }
}

/** Removes a dead owner's lock, one taker at a time, and only if it is still that owner's. */
function removeStale(path: string, stale: string): boolean {
  const mutex = `${path}.takeover`;
  try {
    const fd = openSync(mutex, 'wx', 0o600);
    closeSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // A taker that died mid-takeover leaves its mutex behind; after a while it is nobody's.
    try {
      if (Date.now() - statSync(mutex).mtimeMs > TAKEOVER_STALE_MS) unlinkSync(mutex);
    } catch {
      // gone meanwhile
    }
    return false;
  }
  try {
    let current: string | undefined;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = undefined;
    }
    if (current === stale) unlinkSync(path);
    return true;
  } finally {
    unlinkSync(mutex);
  }
}

/**
 * Takes the exclusive lock on an embedded data directory for this process, before the database
 * opens it: a file beside the directory holding the owner's pid, boot id and start time. A lock
 * whose owner is gone (killed, crashed, or its pid now another process's) is taken over.
 * Throws DataDirectoryBusyError when a live process holds it.
 */
export function acquireDataDirectory(directory: string, role: LockOwner['role']): DataDirectoryLock {
  const path = lockPathOf(directory);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const owner: LockOwner = {
    pid: process.pid,
    boot: bootId(),
    start: startTicks(process.pid),
    host: hostname(),
    role,
    token: randomBytes(32).toString('base64url'),
    since: new Date().toISOString(),
  };
  const content = JSON.stringify(owner);
  let tookOverFrom: number | undefined;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (linkExclusive(path, content)) {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        try {
          if (readFileSync(path, 'utf8') === content) unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return { directory, path, owner, tookOverFrom, release };
    }
    let stale: string;
    try {
      stale = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    const current = readLockOwner(directory);
    if (current && ownerAlive(current)) throw new DataDirectoryBusyError(directory, current);
    if (removeStale(path, stale)) tookOverFrom = current?.pid;
    else sleepSync(25);
  }
  throw new Error(`cannot take the lock ${path}: other processes keep taking it`);
}

/** Locks this process holds, and whether a database has the directory open now. */
const held = new Map<string, { lock: DataDirectoryLock; open: boolean }>();

/**
 * Takes the lock for the life of this process, ahead of the database (main.ts, a CLI): the
 * database that opens the directory later in this process uses it instead of taking its own.
 */
export function holdDataDirectory(directory: string, role: LockOwner['role']): DataDirectoryLock {
  const known = held.get(directory);
  if (known) return known.lock;
  const acquired = acquireDataDirectory(directory, role);
  const lock: DataDirectoryLock = {
    ...acquired,
    release: () => {
      held.delete(directory);
      acquired.release();
    },
  };
  held.set(directory, { lock, open: false });
  return lock;
}

/** The lock this process holds on the directory, if any. */
export function heldLock(directory: string): DataDirectoryLock | undefined {
  return held.get(directory)?.lock;
}

/**
 * Called by the embedded database before it opens the directory: uses the lock this process holds,
 * or takes one for as long as the database stays open. A second database on the same directory in
 * this process is refused like one in another process.
 */
export function claimDataDirectory(directory: string, onTakeover: (pid: number) => void): () => void {
  const known = held.get(directory);
  if (known) {
    if (known.open) throw new DataDirectoryBusyError(directory, known.lock.owner);
    known.open = true;
    return () => {
      known.open = false;
    };
  }
  const lock = acquireDataDirectory(directory, 'service');
  if (lock.tookOverFrom !== undefined) onTakeover(lock.tookOverFrom);
  const entry = { lock, open: true };
  held.set(directory, entry);
  return () => {
    if (held.get(directory) === entry) held.delete(directory);
    lock.release();
  };
}
