import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { after } from 'node:test';
import { projectRoot } from '../../src/config/project-root';

export const MAIN = join(projectRoot(), 'dist', 'src', 'main.js');

/**
 * How long a started service gets to answer before its test fails: a start takes seconds alone, and
 * minutes on a 2-core machine shared with other runs. Only a broken start waits this long.
 */
export const READY_TIMEOUT_MS = 180_000;

/** How long a stopped process gets to exit on SIGTERM before it is killed. */
const STOP_GRACE_MS = 5_000;

/** Limits for a synchronous run of a CLI (spawnSync): a hung CLI is killed instead of blocking the test's timers. */
export const CLI_LIMITS = { timeout: 60_000, killSignal: 'SIGKILL' } as const;

export interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  child: ChildProcess;
  exited: Promise<Exited>;
}

/** Every process this test file started that has not exited yet. */
const running = new Set<ChildProcess>();

/**
 * Stops every process this file started that still runs: SIGTERM, then SIGKILL after a grace.
 * Registered as an after-hook of the whole file below, so a test that failed or timed out before
 * its own cleanup leaves nothing behind.
 */
export async function stopAll(graceMs = STOP_GRACE_MS): Promise<void> {
  await Promise.all([...running].map((child) => stop(child, graceMs)));
}

async function stop(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  if ((await Promise.race([gone, late])) === 'late') {
    child.kill('SIGKILL');
    await gone;
  }
  clearTimeout(timer);
}

after(() => stopAll());

// The last resort when the file's process ends without its after-hooks (process.exit, or a signal
// from the test runner): kill synchronously, since nothing asynchronous runs any more.
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    for (const child of running) child.kill('SIGKILL');
    // Alone, end as the signal would have; when the test runner also listens, it decides.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

/** Starts a process that this file's after-hook (and the exit of this process) stops if it still runs. */
export function spawnTracked(command: string, args: string[], options: SpawnOptions): Spawned {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exited>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  // A process that could not start at all (ENOENT) emits only 'error'.
  child.on('error', () => running.delete(child));
  return { child, exited };
}

/** Runs the built service as `npm start` would, with exactly the given environment added. */
export function spawnService(env: Record<string, string>, cwd?: string): Spawned {
  return spawnTracked(process.execPath, [MAIN], { cwd, env: { PATH: process.env.PATH ?? '', ...env } });
}

/**
 * Polls until the URL answers 200 or the time runs out (a first start on a busy machine takes a
 * while). Given the process's `exited`, it fails at once, with the process's output, if it ends.
 */
export async function waitFor(url: string, timeoutMs = READY_TIMEOUT_MS, exited?: Promise<Exited>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended: Exited | undefined;
  void exited?.then((result) => (ended = result));
  while (Date.now() < deadline) {
    if (ended)
      throw new Error(`the process ended (code ${ended.code}) before ${url} answered 200:\n${ended.stderr}${ended.stdout}`.slice(0, 4000));
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/** Starts the service on `port`, waits until it is ready, runs `inspect` with its pid, then stops it. */
export async function whileReady<T>(env: Record<string, string>, port: string, inspect: (pid: number) => T, cwd?: string): Promise<T> {
  const { child, exited } = spawnService(env, cwd);
  try {
    await waitFor(`http://127.0.0.1:${port}/health/ready`, READY_TIMEOUT_MS, exited);
    return inspect(child.pid as number);
  } finally {
    await stop(child, STOP_GRACE_MS);
  }
}

/** The admin commands' one entry: `npm run keys -- list` is `node dist/src/cli/main.js keys list`. */
export const CLI = join(projectRoot(), 'dist', 'src', 'cli', 'main.js');

/** Runs an admin command to its end, with exactly the given environment added, without blocking the event loop. */
export function runCommand(args: string[], env: Record<string, string | undefined>, cwd?: string): Promise<Exited> {
  return spawnTracked(process.execPath, [CLI, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env } }).exited;
}
