// main.ts imports this module first, before anything can start libuv's thread pool: libuv reads
// UV_THREADPOOL_SIZE once, when the pool starts.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Token signing runs on libuv's thread pool (WebCrypto jobs); everything else a request needs runs
 * on the one event-loop thread. Node's default of four pool threads on a two-core machine lets
 * signing threads take the event loop's core, and the event loop becomes the limit (bench, Maskinporten
 * at concurrency 64: 46–51 % of the ceiling with four threads, 55–59 % with two, 60–63 % with one).
 * So one thread fewer than the cores, but never fewer than two: DNS lookups (getaddrinfo) run on the
 * same pool, and one that hangs for its resolver's timeout must not hold up every signature with it.
 */
function defaultThreadPoolSize(cores: number): number {
  return Math.max(2, cores - 1);
}

/** A `.env` file in the working directory fills in what the real environment leaves unset. */
if (existsSync('.env')) process.loadEnvFile('.env');
process.env.UV_THREADPOOL_SIZE ??= String(defaultThreadPoolSize(availableParallelism()));
