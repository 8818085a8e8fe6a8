// test-database: independent (the test tooling)
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';

// The compiled helper under test, next to this compiled spec in .test-build.
const HELPER = join(__dirname, '..', 'helpers', 'spawn.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

/**
 * A spec file that starts a process which would run forever, writes its pid to a file, then ends
 * as `ending` says; run by Node's test runner like any other spec.
 */
function specThat(dir: string, ending: string): string {
  const path = join(dir, `spec-${Math.random().toString(36).slice(2)}.js`);
  writeFileSync(
    path,
    `const { it } = require('node:test');
const { writeFileSync } = require('node:fs');
const { spawnTracked } = require(${JSON.stringify(HELPER)});
it('starts a process and ${ending.replace(/'/g, '')}', { timeout: 1000 }, async () => {
  const { child } = spawnTracked(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {});
  writeFileSync(${JSON.stringify(`${path}.pid`)}, String(child.pid));
  ${ending}
});
`,
  );
  return path;
}

function pidOf(path: string): number | undefined {
  return existsSync(`${path}.pid`) ? Number(readFileSync(`${path}.pid`, 'utf8')) : undefined;
}

/**
 * Runs a spec file with Node's test runner (`interrupt` is called once its process started) and
 * says whether the process it spawned was gone soon after the runner ended. A spec process that
 * never ends (what a leaked child causes) fails the test instead of hanging it.
 */
async function leftRunning(path: string, interrupt?: (runner: ChildProcess) => void): Promise<boolean> {
  // Without this file's own test-runner context, which would make the inner runner report to us.
  const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
  const runner = spawn(process.execPath, ['--test', path], { stdio: 'ignore', env });
  const closed = new Promise((resolve) => runner.on('exit', resolve));
  try {
    if (interrupt) {
      for (let i = 0; i < 400 && pidOf(path) === undefined; i++) await new Promise((r) => setTimeout(r, 50));
      interrupt(runner);
    }
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([closed.then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), 30_000)))]);
    clearTimeout(timer);
    if (!ended) throw new Error('the spec process did not end: its spawned process kept it alive');
    const pid = pidOf(path);
    if (pid === undefined) throw new Error('the spec never started its process');
    return !(await gone(pid, 10_000));
  } finally {
    runner.kill('SIGKILL');
    const pid = pidOf(path);
    if (pid !== undefined && alive(pid)) process.kill(pid, 'SIGKILL');
  }
}

describe('processes a test starts', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'spawn-helper-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('are stopped by the after-hook when the test that started them times out', async () => {
    expect(await leftRunning(specThat(dir, 'await new Promise(() => {});'))).toBe(false);
  });

  it('are stopped when the test fails before its own cleanup', async () => {
    expect(await leftRunning(specThat(dir, "throw new Error('failed before cleanup');"))).toBe(false);
  });

  it('are killed when the spec process exits without its hooks', async () => {
    expect(await leftRunning(specThat(dir, 'process.exit(3);'))).toBe(false);
  });

  it('are killed when the test runner terminates the spec process', async () => {
    expect(await leftRunning(specThat(dir, 'await new Promise(() => {});'), (runner) => runner.kill('SIGTERM'))).toBe(false);
  });
});
