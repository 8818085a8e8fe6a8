// test-database: independent (spawned services with an environment of their own)
import { describe, it } from 'node:test';
import { expect } from 'expect';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/app';
import { newDataDir } from '../helpers/database';
import { whileReady } from '../helpers/spawn';

/** The service's threads once it is ready (signing keys made, so the thread pool runs). */
const threadsOf = (env: Record<string, string>, port: string, cwd?: string) =>
  whileReady(env, port, (pid) => readdirSync(`/proc/${pid}/task`).length, cwd);

describe('the process environment', () => {
  it(
    'sizes the thread pool one below the cores but at least two, unless UV_THREADPOOL_SIZE is set, and reads .env',
    { skip: !existsSync('/proc/self/task') },
    async () => {
      const port = String(await freePort());
      const byDefault = await threadsOf({ DATA_DIR: newDataDir('auth-env-'), PORT: port, HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, port);

      const cwd = mkdtempSync(join(tmpdir(), 'auth-env-'));
      const envPort = String(await freePort());
      writeFileSync(
        join(cwd, '.env'),
        `UV_THREADPOOL_SIZE=4\nPORT=${envPort}\nHOST=127.0.0.1\nDATA_DIR=${newDataDir('auth-env-data-')}\nLOG_LEVEL=silent\n`,
      );
      const fromEnvFile = await threadsOf({}, envPort, cwd);

      expect(fromEnvFile - byDefault).toBe(4 - Math.max(2, availableParallelism() - 1));
    },
  );
});
