// main.ts imports this module first, before anything can start libuv's thread pool: libuv reads
// UV_THREADPOOL_SIZE once, when the pool starts.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Token signing runs on libuv's thread pool (WebCrypto jobs); everything else a request needs runs
 * on the one event-loop thread. Node's default of four pool threads on a two-core machine lets
 * signing threads take the event loop's core, and the event loop becomes the limit (measured: 46 %
 * of the bench ceiling with four threads, 60 % with one). So: one pool thread fewer than the cores.
 */
export function defaultThreadPoolSize(cores: number): number {
  return Math.max(1, cores - 1);
}

/** A `.env` file in the working directory fills in what the real environment leaves unset. */
if (existsSync('.env')) process.loadEnvFile('.env');
process.env.UV_THREADPOOL_SIZE ??= String(defaultThreadPoolSize(availableParallelism()));
