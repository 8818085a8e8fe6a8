#!/usr/bin/env node
// Compiles src/ and test/ incrementally into .test-build and runs every *.spec / *.e2e-spec file
// with Node's test runner, each file in its own process. Arguments narrow the run to files whose
// path contains one of them (`node scripts/run-tests.js keys/ test/foundation/logging.e2e-spec.ts`).
//
// The compilation is incremental (tsconfig.test.json keeps a .tsbuildinfo), so a run recompiles
// only what changed, and a run on unchanged sources does not start tsc at all. tsc never deletes
// the output of a deleted source, so every compiled file whose TypeScript source is gone is
// removed before the run: a deleted spec never runs from a stale build. The tests that spawn the
// service run the production build, so a stale or missing dist/ is brought up to date from the same
// compilation (`npm test` is the whole command: no separate build first).
//
// Loading the app's modules costs about 2 s of CPU per process, so files share processes: the unit
// specs run in one, and the end-to-end files are a queue, heaviest first, that the processes running
// at once take files from as each finishes one, a dozen files per process. Each file runs inside a
// subtest named after its path (a failure still says which file). A file that must have a process
// of its own says so in a line `// test-process: own`; TEST_PROCESS_PER_FILE=1 gives every file its
// own, as in a debugging session. TEST_CONCURRENCY (default: one more than the cores) processes run
// at once; TEST_TIMEOUT_MS (default 600000) bounds each file and each test. TEST_EMBEDDED_TEMPLATE
// and TEST_EMBEDDED_MIGRATED_TEMPLATE tell the tests where the initialised (and the migrated)
// embedded database is; TEST_PG_MIGRATED_TEMPLATE names the migrated template database on
// DATABASE_URL's server.
//
// With DATABASE_URL set, the run is the suite's pass on PostgreSQL: it runs only the files whose
// behaviour depends on DATABASE_URL, since the others were run by `npm test` without it and would
// only run again unchanged. A file says which it is in a comment line of its own:
// `// test-database: independent` (an end-to-end file that runs the same on either database, or
// picks its database itself) or `// test-database: dependent` (a unit spec that opens the database).
// Unmarked, files under test/ depend on it and unit specs under src/ do not. TEST_DATABASE_FILES=all
// runs every file on the server anyway.
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statfsSync,
  writeFileSync,
} = require('node:fs');
const { availableParallelism } = require('node:os');
const { dirname, join, relative, sep } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, '.test-build');
const buildInfo = join(out, '.tsbuildinfo');
// Written after a compilation without errors: the fingerprint of the sources it compiled.
const stamp = join(out, '.sources-sha256');
const sourceRoots = ['src', 'test'];

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

/** The TypeScript file a compiled file came from (`.test-build/x/y.js` ← `x/y.ts`), or undefined for copied files. */
function sourceOf(compiled) {
  const match = /^(.*)\.js(\.map)?$/.exec(relative(out, compiled));
  return match ? join(root, `${match[1]}.ts`) : undefined;
}

/** The compiled file of a TypeScript source (`x/y.ts` → `.test-build/x/y.js`). */
function outputOf(source) {
  return join(out, relative(root, source).replace(/\.ts$/, '.js'));
}

const inputs = [...sourceRoots.flatMap((dir) => walk(join(root, dir))), join(root, 'ormconfig.ts')];
const sources = inputs.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));

/** A digest of what the compiled output depends on: every file's path and content, the tsconfigs, the lockfile. */
function fingerprint() {
  const hash = createHash('sha256');
  for (const file of [...inputs, ...['tsconfig.json', 'tsconfig.test.json', 'package-lock.json'].map((f) => join(root, f))].sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/**
 * Compiles src/ and test/ into .test-build unless the last compilation without errors saw these very
 * sources. Resolves to false when tsc reports an error. tsc runs in a process of its own, so that this
 * one can make the embedded template on the other core meanwhile.
 */
function compileTests() {
  const current = fingerprint();
  const upToDate = existsSync(stamp) && readFileSync(stamp, 'utf8') === current && sources.every((source) => existsSync(outputOf(source)));
  if (upToDate) return Promise.resolve(true);
  rmSync(stamp, { force: true });
  // The build info says what was emitted; if an output went missing since (a cleaned folder, an
  // interrupted run), tsc would not emit it again, so start from scratch.
  if (sources.some((source) => !existsSync(outputOf(source)))) rmSync(buildInfo, { force: true });
  const tsc = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.test.json')], {
    stdio: 'inherit',
    cwd: root,
  });
  return new Promise((resolve) => {
    tsc.once('error', () => resolve(false));
    tsc.once('exit', (code) => {
      if (code === 0) writeFileSync(stamp, current);
      resolve(code === 0);
    });
  });
}

/** Removes every compiled file whose TypeScript source is gone: a deleted spec never runs from a stale build. */
function removeStaleOutputs() {
  for (const compiled of [
    ...sourceRoots.flatMap((dir) => walk(join(out, dir))),
    join(out, 'ormconfig.js'),
    join(out, 'ormconfig.js.map'),
  ]) {
    const source = sourceOf(compiled);
    if (source && !existsSync(source)) rmSync(compiled, { force: true });
  }
}

/** True when tsconfig.build.json and tsconfig.test.json emit alike: they change no compiler option but where the output goes. */
function buildEmitsAsTests() {
  try {
    const options = (file) => Object.keys(JSON.parse(readFileSync(join(root, file), 'utf8')).compilerOptions ?? {});
    const extendsBase = (file) => JSON.parse(readFileSync(join(root, file), 'utf8')).extends === './tsconfig.json';
    return (
      extendsBase('tsconfig.build.json') &&
      extendsBase('tsconfig.test.json') &&
      options('tsconfig.build.json').every((name) => name === 'outDir') &&
      options('tsconfig.test.json').every((name) => ['outDir', 'incremental', 'tsBuildInfoFile'].includes(name))
    );
  } catch {
    return false;
  }
}

/**
 * Spawned tests run the production build (dist/src/main.js, the CLI), so dist/ must be current before
 * any test runs. It is what `npm run build` makes: tsc over src/ and ormconfig.ts with the options
 * .test-build was just compiled with, so when the tsconfigs say so, dist/ is .test-build's copy without
 * the unit specs (the same files, byte for byte) instead of a second compilation of the same sources
 * (about 20 s of CPU). Otherwise, and in a project without a production build, as `npm start` builds.
 */
function ensureDist() {
  if (!existsSync(join(root, 'tsconfig.build.json')) || !existsSync(join(__dirname, 'ensure-build.js'))) return;
  if (require('./ensure-build').distIsCurrent()) return;
  if (!buildEmitsAsTests()) {
    execFileSync(process.execPath, [join(__dirname, 'build.js')], { cwd: root, stdio: 'inherit' });
    return;
  }
  const dist = join(root, 'dist');
  const partial = join(root, 'dist.partial');
  rmSync(partial, { recursive: true, force: true });
  cpSync(join(out, 'src'), join(partial, 'src'), { recursive: true, filter: (path) => !/\.spec\.js(\.map)?$/.test(path) });
  for (const file of ['ormconfig.js', 'ormconfig.js.map']) cpSync(join(out, file), join(partial, file));
  rmSync(dist, { recursive: true, force: true });
  renameSync(partial, dist);
}

/**
 * The app's database thread and the local modules it imports, transitively: their TypeScript sources,
 * the thread's own first. Empty in a project without one.
 */
function workerSources() {
  const entry = join(root, 'src', 'database', 'pglite-worker.ts');
  if (!existsSync(entry)) return [];
  const found = [entry];
  for (let i = 0; i < found.length; i++) {
    for (const [, path] of readFileSync(found[i], 'utf8').matchAll(/(?:from|import) '(\.{1,2}\/[^']+)'/g)) {
      const base = join(dirname(found[i]), path);
      const file = [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
      if (!file) throw new Error(`${relative(root, found[i])} imports ${path}, which is no TypeScript file`);
      if (!found.includes(file)) found.push(file);
    }
  }
  return found;
}

/**
 * The database thread transpiled on its own (no type check: tsc checks the same sources meanwhile),
 * so that the template is made while tsc compiles everything. Returns the thread's file.
 */
function transpiledWorker(files) {
  const ts = require('typescript');
  const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
  // What tsc's node20 module setting emits for a .ts file in a package that is not "type": "module".
  Object.assign(options, { module: ts.ModuleKind.CommonJS, sourceMap: false, outDir: undefined });
  const dir = join(out, '.template-worker');
  rmSync(dir, { recursive: true, force: true });
  const outputs = files.map((file) => {
    const target = join(dir, relative(root, file).replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, ts.transpileModule(readFileSync(file, 'utf8'), { fileName: file, compilerOptions: options }).outputText);
    return target;
  });
  return outputs[0];
}

/**
 * An initialised, empty embedded data directory the tests copy instead of running PostgreSQL's
 * initdb again for every app they start (about 5 s of CPU each). Made once by the app's own
 * database thread and kept until that code, the compiler options or PGlite change. Without it,
 * tests initialise as the app does.
 */
async function embeddedTemplate() {
  let files;
  try {
    files = workerSources();
  } catch (error) {
    console.warn(`no embedded database template (${error.message}); every test initialises its own`);
    return undefined;
  }
  if (files.length === 0) return undefined;
  const version = JSON.parse(readFileSync(join(root, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')).version;
  const hash = createHash('sha256')
    .update(version)
    .update('\0')
    .update(readFileSync(join(root, 'tsconfig.json')));
  for (const file of files) hash.update('\0').update(relative(root, file)).update('\0').update(readFileSync(file));
  const template = join(out, `pglite-template-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  mkdirSync(out, { recursive: true });
  for (const old of readdirSync(out).filter((name) => name.startsWith('pglite-template')))
    rmSync(join(out, old), { recursive: true, force: true });
  const partial = `${template}.partial`;
  const { Worker } = require('node:worker_threads');
  const thread = new Worker(transpiledWorker(files), { workerData: { dataDir: partial, initialiseOnly: true } });
  try {
    const message = await new Promise((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
    });
    if (message.error) throw new Error(message.error.message);
  } catch (error) {
    console.warn(`no embedded database template (${error.message}); every test initialises its own`);
    return undefined;
  } finally {
    await thread.terminate();
  }
  renameSync(partial, template);
  return template;
}

/** A digest of the compiled files the schema comes from: the database code, the entities, every migration. */
function schemaKey() {
  const hash = createHash('sha256');
  const files = walk(join(out, 'src'))
    .filter(
      (f) => f.endsWith('.js') && (f.includes(`${join('src', 'database')}/`) || f.includes('/migrations/') || f.endsWith('entities.js')),
    )
    .concat(join(out, 'test', 'helpers', 'migrate-template.js'))
    .sort();
  for (const file of files) hash.update(relative(out, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** The migrate-template helper, compiled; undefined when it is missing. */
function templateMigrator() {
  const helper = join(out, 'test', 'helpers', 'migrate-template.js');
  if (!existsSync(helper)) return undefined;
  return require(helper).migrateTemplate;
}

/**
 * A copy of the initialised embedded template with every migration applied, made once per change
 * of the schema, so that a test app opens a migrated database instead of migrating (seconds of CPU
 * for each app). Tests of the migrations ask for the unmigrated template instead.
 */
async function migratedEmbeddedTemplate(initialised) {
  const migrateTemplate = templateMigrator();
  if (!initialised || !migrateTemplate) return undefined;
  const key = createHash('sha256').update(initialised).update(schemaKey()).digest('hex').slice(0, 16);
  const template = join(out, `pglite-migrated-${key}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  for (const old of readdirSync(out).filter((name) => name.startsWith('pglite-migrated')))
    rmSync(join(out, old), { recursive: true, force: true });
  const partial = `${template}.partial`;
  cpSync(initialised, partial, { recursive: true });
  try {
    await migrateTemplate({ embeddedDir: partial });
  } catch (error) {
    console.warn(`no migrated embedded template (${error.message}); every test app migrates its own database`);
    rmSync(partial, { recursive: true, force: true });
    return undefined;
  }
  renameSync(partial, template);
  return template;
}

/**
 * On DATABASE_URL's server, a database with every migration applied that tests copy with
 * `CREATE DATABASE ... TEMPLATE`, named after the schema so that a changed migration makes a new one.
 * Made under a temporary name and renamed, so that a concurrent run never copies a half-migrated one.
 */
async function migratedServerTemplate(url) {
  const migrateTemplate = templateMigrator();
  if (!url || !migrateTemplate) return undefined;
  const { Client } = require('pg');
  const name = `auth_template_${schemaKey()}`;
  const admin = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (error) {
    console.warn(`no migrated PostgreSQL template (${error.message}); every test app migrates its own database`);
    return undefined;
  }
  try {
    const exists = async () => (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount > 0;
    if (await exists()) return name;
    const partial = `${name}_partial_${process.pid}`;
    await admin.query(`CREATE DATABASE "${partial}"`);
    try {
      const target = new URL(url);
      target.pathname = `/${partial}`;
      await migrateTemplate({ url: target.toString(), embeddedDir: join(out, 'unused-pgdata') });
      if (!(await exists())) await admin.query(`ALTER DATABASE "${partial}" RENAME TO "${name}"`);
    } catch (error) {
      if (!(await exists())) throw error;
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${partial}" WITH (FORCE)`);
    }
    return name;
  } catch (error) {
    console.warn(`no migrated PostgreSQL template (${error.message}); every test app migrates its own database`);
    return undefined;
  } finally {
    await admin.end();
  }
}

/** What a file's own `// test-database: ...` line says, or its default: test/ depends on the database, src/ does not. */
function dependsOnDatabase(compiled) {
  const mark = /^\/\/ test-database: (dependent|independent)\b/m.exec(readFileSync(sourceOf(compiled), 'utf8'));
  if (mark) return mark[1] === 'dependent';
  return relative(out, compiled).startsWith(`test/`);
}

/** True when the file's own `// test-process: own` line asks for a process of its own. */
function needsOwnProcess(compiled) {
  return /^\/\/ test-process: own\b/m.test(readFileSync(sourceOf(compiled), 'utf8'));
}

/** Imports that make a file spawn processes: the spawn helpers, child_process (a shared suite a file imports counts as its own). */
const SPAWNS = /helpers\/spawn|node:child_process/;
/** What a spawning file weighs when the queue is ordered: about as much as the largest ordinary files. */
const SPAWN_WEIGHT = 20_000;

/**
 * TEST_CONCURRENCY: how many test processes run at once. End-to-end files spend part of their time
 * waiting (for a spawned service to listen, on a timer), so one process more than the cores keeps
 * them busy: on 2 cores, three alternating pairs of runs took 167, 174 and 161 s with 3, and 184,
 * 190 and 160 s with 2.
 */
const CONCURRENCY = Number(process.env.TEST_CONCURRENCY ?? availableParallelism() + 1);
if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) {
  console.error(`TEST_CONCURRENCY=${process.env.TEST_CONCURRENCY} is not a whole number of processes, at least 1`);
  process.exit(1);
}

/** TEST_TIMEOUT_MS: the bound of each file and each test. */
const FILE_TIMEOUT_MS = Number(process.env.TEST_TIMEOUT_MS ?? 600_000);

/**
 * How many end-to-end files one process runs before it leaves the rest to a fresh one: enough to pay the
 * module loading rarely, few enough that what a file leaves behind (heap, handles) stays small.
 */
const E2E_FILES_PER_PROCESS = 12;

/**
 * A file's source and the test-only modules it imports beside it (a shared suite such as
 * test/operations/crash-safety.ts), not the helpers every file shares: what its run time grows with.
 */
function ownSources(compiled) {
  const found = [sourceOf(compiled)];
  for (let i = 0; i < found.length; i++) {
    for (const [, path] of readFileSync(found[i], 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const file = `${join(dirname(found[i]), path)}.ts`;
      if (existsSync(file) && !file.includes(`${sep}helpers${sep}`) && !found.includes(file)) found.push(file);
    }
  }
  return found.map((file) => readFileSync(file, 'utf8'));
}

/**
 * What a file is expected to cost, for ordering the queue: its own sources' size stands in for its run
 * time, except that a file spawning processes (or handing that to a shared suite) spends its time in them.
 */
function weight(compiled) {
  const sources = ownSources(compiled);
  return sources.reduce((sum, source) => sum + source.length, 0) + (sources.some((source) => SPAWNS.test(source)) ? SPAWN_WEIGHT : 0);
}

/**
 * A generated entry for Node's test runner: a process that takes files from a queue (a JSON list of
 * [name, compiled file]) in order, each claimed by making its numbered directory in `claims` (atomic, so
 * processes running at once never take the same file), and runs each file as a subtest named after its
 * source, until it has run `limit` files or none is left. A file's top-level tests are awaited inside
 * that subtest, so its hooks, timeouts and failures are its own, as in a process of its own.
 */
function workerEntry(entry, { queue, claims, limit, title }) {
  writeFileSync(
    entry,
    `'use strict';
// Generated by scripts/run-tests.js: runs test files from a shared queue, in this one process.
const nodeTest = require('node:test');
const { mkdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const queue = JSON.parse(readFileSync(${JSON.stringify(queue)}, 'utf8'));
let cursor = 0;
function claim() {
  for (; cursor < queue.length; cursor++) {
    try {
      mkdirSync(join(${JSON.stringify(claims)}, String(cursor)));
      return queue[cursor++];
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
  }
  return undefined;
}
// A helper's module-level hooks (spawn.ts stops what its file started in an after-hook) belong to the
// file that loads it: each file gets the helpers afresh, as in a process of its own.
const helpers = ${JSON.stringify(join(out, 'test', 'helpers') + sep)};
const freshHelpers = () => { for (const key of Object.keys(require.cache)) if (key.startsWith(helpers)) delete require.cache[key]; };
// Inside a running test, describe/it/test return the promise of their run: collecting those of the
// file's top-level calls lets its subtest end only when the file's tests have.
const registrars = ['describe', 'it', 'test', 'suite'];
function loadAwaitingTopLevel(file) {
  const started = [];
  const saved = Object.fromEntries(registrars.map((name) => [name, nodeTest[name]]));
  for (const name of registrars) {
    const original = saved[name];
    const wrap = (register) => (...args) => { const run = register(...args); started.push(run); return run; };
    const wrapped = wrap(original);
    for (const variant of ['skip', 'todo', 'only']) if (original[variant]) wrapped[variant] = wrap(original[variant]);
    nodeTest[name] = wrapped;
  }
  try {
    freshHelpers();
    require(file);
  } finally {
    Object.assign(nodeTest, saved);
  }
  return Promise.all(started);
}
const first = claim();
if (first) {
  nodeTest.test(${JSON.stringify(title)} + ' (pid ' + process.pid + ')', async (t) => {
    let ran = 0;
    for (let next = first; next; next = ran < ${limit} ? claim() : undefined) {
      const [name, file] = next;
      await t.test(name, { timeout: ${FILE_TIMEOUT_MS} }, () => loadAwaitingTopLevel(file));
      ran++;
    }
  });
}
`,
  );
  return entry;
}

/**
 * The files to hand to Node's test runner. The unit specs run in one process. The end-to-end files
 * form one queue, heaviest first, that as many processes as run at once take files from as each
 * finishes one, so the cores stay busy to the end whatever a file costs; a process leaves after
 * E2E_FILES_PER_PROCESS files and the next entry takes over the queue. Files that need their own
 * process are entries as they are.
 */
function processEntries(files) {
  if (process.env.TEST_PROCESS_PER_FILE === '1') return { entries: files, filesPerProcess: 1 };
  const own = files.filter(needsOwnProcess);
  const shared = files.filter((f) => !own.includes(f));
  const units = shared.filter((f) => !relative(out, f).startsWith('test/'));
  const e2e = shared.filter((f) => relative(out, f).startsWith('test/'));
  const dir = join(out, '.groups');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Node's runner starts its files in the order of their paths: the names keep the short unit process first.
  const entries = [...own];
  const queueOf = (name, list) => {
    const queue = join(dir, `${name}.json`);
    writeFileSync(queue, JSON.stringify(list.map((file) => [relative(root, sourceOf(file)), file])));
    mkdirSync(join(dir, `${name}-claims`));
    return { queue, claims: join(dir, `${name}-claims`) };
  };
  if (units.length > 0) {
    entries.push(workerEntry(join(dir, '1-unit.js'), { ...queueOf('unit', units), limit: units.length, title: 'unit specs' }));
  }
  if (e2e.length > 0) {
    const weights = new Map(e2e.map((file) => [file, weight(file)]));
    const e2eQueue = queueOf(
      'e2e',
      [...e2e].sort((a, b) => weights.get(b) - weights.get(a)),
    );
    // A process stops early only when the queue is empty, so this many always run every file.
    const processes = Math.ceil(e2e.length / E2E_FILES_PER_PROCESS);
    for (let index = 1; index <= processes; index++) {
      entries.push(
        workerEntry(join(dir, `2-e2e-${String(index).padStart(3, '0')}.js`), {
          ...e2eQueue,
          limit: E2E_FILES_PER_PROCESS,
          title: 'end-to-end files',
        }),
      );
    }
  }
  return { entries, filesPerProcess: Math.max(1, units.length, Math.min(e2e.length, E2E_FILES_PER_PROCESS)) };
}

/** The free space /dev/shm needs before the tests' temporary files go there. */
const SCRATCH_ROOM_BYTES = 2 * 1024 ** 3;

/**
 * The tests' temporary directory (TMPDIR, so os.tmpdir() in every test and every process it spawns):
 * a fresh directory in TEST_TMPDIR, else in /dev/shm where the machine has one with room, else none (the system's).
 * Every app a test starts copies a 25 MB data directory and deletes it afterwards; in memory that costs a
 * tenth of the CPU it costs on a disk, and no I/O wait. Removed after the run, with whatever a test left.
 */
function scratchDirectory() {
  const parent = process.env.TEST_TMPDIR ?? '/dev/shm';
  try {
    // A container's /dev/shm is often 64 MB: tests running side by side would fill it, so memory is
    // used only where it has room for them (the bound is generous: a few data directories at once).
    const { bavail, bsize } = statfsSync(parent);
    if (!process.env.TEST_TMPDIR && bavail * bsize < SCRATCH_ROOM_BYTES) return undefined;
    return mkdtempSync(join(parent, 'auth-tests-'));
  } catch {
    return undefined;
  }
}

async function main() {
  // On a fresh clone tsc takes one core for a quarter of a minute and initdb the other meanwhile.
  const compiling = compileTests();
  const initialising = embeddedTemplate();
  if (!(await compiling)) process.exit(1);
  removeStaleOutputs();
  ensureDist();
  const template = await initialising;
  const filters = process.argv.slice(2).map((x) => x.replace(/\.ts$/, ''));
  const matched = sourceRoots
    .flatMap((dir) => walk(join(out, dir)))
    .filter((f) => /\.(e2e-)?spec\.js$/.test(f) && existsSync(sourceOf(f)))
    .filter((f) => filters.length === 0 || filters.some((x) => relative(out, f).includes(x)))
    .sort();
  const server = process.env.DATABASE_URL;
  const files = server && process.env.TEST_DATABASE_FILES !== 'all' ? matched.filter(dependsOnDatabase) : matched;
  if (server && files.length < matched.length) {
    console.log(
      `DATABASE_URL is set: running the ${files.length} of ${matched.length} files whose behaviour depends on the database ` +
        '(`npm test` without DATABASE_URL runs the others; TEST_DATABASE_FILES=all runs them here too)',
    );
  }
  if (files.length === 0) {
    console.error('no test files matched');
    process.exit(1);
  }
  const migrated = await migratedEmbeddedTemplate(template);
  const serverTemplate = await migratedServerTemplate(server);
  const env = { ...process.env };
  if (template) env.TEST_EMBEDDED_TEMPLATE = template;
  if (migrated) env.TEST_EMBEDDED_MIGRATED_TEMPLATE = migrated;
  if (serverTemplate) env.TEST_PG_MIGRATED_TEMPLATE = serverTemplate;
  // Node's runner bounds a whole process with --test-timeout; each file in it has its own bound.
  const { entries, filesPerProcess } = processEntries(files);
  const scratch = scratchDirectory();
  if (scratch) env.TMPDIR = scratch;
  const result = spawnSync(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      'reflect-metadata',
      '--test',
      '--test-reporter=spec',
      `--test-concurrency=${CONCURRENCY}`,
      `--test-timeout=${FILE_TIMEOUT_MS * filesPerProcess}`,
      ...entries,
    ],
    { stdio: 'inherit', cwd: root, env },
  );
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  process.exit(result.status ?? 1);
}

void main();
