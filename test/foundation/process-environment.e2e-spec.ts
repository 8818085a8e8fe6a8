// test-database: independent (spawned processes with an environment of their own)
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/config/project-root';
import { MAIN, spawnTracked } from '../helpers/spawn';

const PROCESS_ENVIRONMENT = join(projectRoot(), 'dist', 'src', 'process-environment.js');

/**
 * The threads of a process that loads the built process-environment module, as the service's first
 * import, and then has its thread pool run (the pool starts all its threads at its first job).
 */
async function threadsOf(env: Record<string, string>, cwd?: string): Promise<number> {
  const program = `require(${JSON.stringify(PROCESS_ENVIRONMENT)});
require('node:crypto').pbkdf2('x', 'y', 1, 32, 'sha256', () => console.log(require('node:fs').readdirSync('/proc/self/task').length));`;
  const { code, stdout, stderr } = await spawnTracked(process.execPath, ['-e', program], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
  }).exited;
  expect([code, stderr]).toEqual([0, '']);
  return Number(stdout.trim());
}

describe('the process environment', () => {
  it('is the first thing the service loads, before anything can start the thread pool', () => {
    const firstRequire = /require\("([^"]+)"\)/.exec(readFileSync(MAIN, 'utf8'))?.[1];
    expect(firstRequire).toBe('./process-environment');
  });

  it(
    'sizes the thread pool one below the cores but at least two, unless UV_THREADPOOL_SIZE is set, and reads .env',
    { skip: !existsSync('/proc/self/task') },
    async () => {
      const byDefault = await threadsOf({});
      const cwd = mkdtempSync(join(tmpdir(), 'auth-env-'));
      writeFileSync(join(cwd, '.env'), 'UV_THREADPOOL_SIZE=4\n');
      const fromEnvFile = await threadsOf({}, cwd);
      expect(fromEnvFile - byDefault).toBe(4 - Math.max(2, availableParallelism() - 1));
    },
  );
});
