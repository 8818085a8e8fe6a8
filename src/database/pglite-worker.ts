// The embedded database's own thread: PGlite (PostgreSQL compiled to WebAssembly) runs here so
// that its work never blocks the event loop that serves requests.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Results } from '@electric-sql/pglite';
import { keepOwnerOnly } from './owner-only';

export interface WorkerQuery {
  id: number;
  sql?: string;
  params?: unknown[];
  close?: true;
}

export interface WorkerResult {
  id: number;
  result?: { rows: unknown[]; command?: string; affectedRows?: number };
  error?: Record<string, unknown>;
}

/** Modest buffers: the embedded database serves one service, not a fleet. */
const CONFIGURATION = ['shared_buffers = 16MB', 'wal_buffers = 1MB', 'work_mem = 4MB', 'maintenance_work_mem = 32MB', 'temp_buffers = 2MB'];

function plainResult(result: Results<unknown> | undefined): WorkerResult['result'] {
  if (!result) return { rows: [] };
  return { rows: result.rows, command: (result as Results<unknown> & { command?: string }).command, affectedRows: result.affectedRows };
}

/** What crosses the thread boundary of an error: its message and PostgreSQL fields (code, detail...). */
function plainError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) {
    // Emscripten's file-system errors are plain objects: { name: 'ErrnoError', errno }.
    const { name, errno, message } = (error ?? {}) as { name?: unknown; errno?: unknown; message?: unknown };
    if (typeof message === 'string') return { message };
    if (typeof errno === 'number') return { message: `${typeof name === 'string' ? name : 'file system error'} (errno ${errno})` };
    return { message: String(error) };
  }
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) if (['string', 'number'].includes(typeof value)) fields[key] = value;
  return fields;
}

async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('pglite-worker must run in a worker thread');
  const { dataDir, initialiseOnly } = workerData as { dataDir: string; initialiseOnly?: boolean };
  // Before PGlite opens anything: every file it makes under the data directory is its owner's only.
  // (The default import is node:fs itself, the object PGlite's file system layer calls.)
  keepOwnerOnly(fs, dataDir);
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir, { postgresqlconf: CONFIGURATION });
    if (initialiseOnly) await db.close();
  } catch (error) {
    port.postMessage({ id: 0, error: plainError(error) } satisfies WorkerResult);
    return;
  }
  if (initialiseOnly) {
    port.postMessage({ id: 0, result: { rows: [] } } satisfies WorkerResult);
    return;
  }
  port.on('message', (message: WorkerQuery) => {
    void (async () => {
      try {
        if (message.close) {
          await db.close();
          port.postMessage({ id: message.id, result: { rows: [] } } satisfies WorkerResult);
          port.close();
          return;
        }
        const sql = message.sql as string;
        // Without parameters a string may hold several statements (migrations do): exec runs them all.
        const result = message.params && message.params.length > 0 ? await db.query(sql, message.params) : (await db.exec(sql)).at(-1);
        port.postMessage({ id: message.id, result: plainResult(result) } satisfies WorkerResult);
      } catch (error) {
        port.postMessage({ id: message.id, error: plainError(error) } satisfies WorkerResult);
      }
    })();
  });
  port.postMessage({ id: 0, result: { rows: [] } } satisfies WorkerResult);
}

void serve();
