import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import type * as fs from 'node:fs';
import { join, resolve, sep } from 'node:path';

/** What the embedded data may be: readable and writable by the service's user only. */
export const OWNER_ONLY_DIRECTORY = 0o700;
export const OWNER_ONLY_FILE = 0o600;
/** The group and other permission bits, none of which a file under DATA_DIR may have. */
const NOT_OWNER = 0o077;

/**
 * Sets every directory under `root` (itself included, down to `depth` levels) to 0700 and every
 * file to 0600, without following symbolic links. Returns how many entries had group or other
 * permissions, so the caller can say so.
 */
export function tightenToOwnerOnly(root: string, depth = Infinity): number {
  let tightened = 0;
  const visit = (path: string, level: number) => {
    let stat: fs.Stats;
    try {
      stat = lstatSync(path);
    } catch {
      return; // removed meanwhile
    }
    if (stat.isSymbolicLink()) return;
    const mode = stat.mode & 0o7777;
    const wanted = stat.isDirectory() ? OWNER_ONLY_DIRECTORY : stat.isFile() ? OWNER_ONLY_FILE : mode & ~NOT_OWNER;
    if (mode !== wanted) {
      chmodSync(path, wanted);
      if ((mode & NOT_OWNER) !== 0) tightened += 1;
    }
    if (stat.isDirectory() && level < depth) for (const name of readdirSync(path)) visit(join(path, name), level + 1);
  };
  visit(resolve(root), 0);
  return tightened;
}

/**
 * Makes every directory and file the embedded database creates or chmods under `root` owner-only.
 * PGlite's file system layer (Emscripten's NODEFS) sets the modes PostgreSQL asks for inside its
 * WebAssembly sandbox, 0666 and 0777, with explicit chmod calls that no umask limits; so the calls
 * it makes through `fs` (this worker's own module instance) drop the group and other bits. Covers
 * files created while the database runs (WAL segments, new relations), not only those of initdb.
 */
export function keepOwnerOnly(module: typeof fs, root: string): void {
  const base = resolve(root);
  const inside = (path: unknown) => {
    if (typeof path !== 'string') return false;
    const full = resolve(path);
    return full === base || full.startsWith(`${base}${sep}`);
  };
  const clamp = (mode: unknown) => (typeof mode === 'number' ? mode & ~NOT_OWNER : mode);
  const { chmodSync: chmod, mkdirSync: mkdir, writeFileSync: writeFile, openSync: open } = module;
  const patched = module as unknown as Record<string, (...args: unknown[]) => unknown>;
  patched.chmodSync = (path, mode) => chmod(path as string, (inside(path) ? clamp(mode) : mode) as fs.Mode);
  patched.mkdirSync = (path, options) => {
    if (!inside(path)) return mkdir(path as string, options as fs.MakeDirectoryOptions);
    if (options !== null && typeof options === 'object') {
      const opts = options as fs.MakeDirectoryOptions;
      return mkdir(path as string, { ...opts, mode: (clamp(opts.mode) as number | undefined) ?? OWNER_ONLY_DIRECTORY });
    }
    return mkdir(path as string, (clamp(options) as number | undefined) ?? OWNER_ONLY_DIRECTORY);
  };
  patched.writeFileSync = (path, data, options) => {
    if (!inside(path)) return writeFile(path as string, data as string, options as fs.WriteFileOptions);
    const opts = typeof options === 'string' ? { encoding: options as BufferEncoding } : ((options ?? {}) as fs.ObjectEncodingOptions);
    const mode = (clamp((opts as { mode?: number }).mode) as number | undefined) ?? OWNER_ONLY_FILE;
    return writeFile(path as string, data as string, { ...opts, mode });
  };
  patched.openSync = (path, flags, mode) =>
    open(path as string, flags as fs.OpenMode, inside(path) ? ((clamp(mode) as number | undefined) ?? OWNER_ONLY_FILE) : (mode as fs.Mode));
}
