import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/config/project-root';

export const MAIN = join(projectRoot(), 'dist', 'src', 'main.js');

export interface Exited {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built service as `npm start` would, with exactly the given environment added. */
export function spawnService(env: Record<string, string>, cwd?: string): { child: ChildProcess; exited: Promise<Exited> } {
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exited>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, exited };
}

/** Polls until the URL answers 200 or the time runs out. */
export async function waitFor(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
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
    await waitFor(`http://127.0.0.1:${port}/health/ready`, 60_000);
    return inspect(child.pid as number);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
