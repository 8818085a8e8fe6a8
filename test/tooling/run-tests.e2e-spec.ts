// test-database: independent (the test tooling)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expect } from 'expect';
import { projectRoot } from '../../src/config/project-root';

const RUNNER_TIMEOUT_MS = 90_000;
/** One more end-to-end file than a process runs before it leaves the rest of the queue to the next. */
const QUEUED_FILES = 13;

/** A project with the real runner and tsconfigs, the real node_modules, and specs the test writes. */
function scratchProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'run-tests-'));
  mkdirSync(join(root, 'scripts'));
  mkdirSync(join(root, 'src'));
  for (const file of ['scripts/run-tests.js', 'tsconfig.json', 'tsconfig.test.json'])
    copyFileSync(join(projectRoot(), file), join(root, file));
  writeFileSync(join(root, 'package-lock.json'), '{}\n');
  writeFileSync(join(root, 'ormconfig.ts'), 'export default {};\n');
  symlinkSync(join(projectRoot(), 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

function spec(name: string, assertion: string): string {
  return `import { it } from 'node:test';\nimport { strictEqual } from 'node:assert';\nit('${name}', () => { ${assertion}; });\n`;
}

function run(root: string, ...filters: string[]): { status: number | null; output: string } {
  return runWith({}, root, ...filters);
}

function runWith(env: Record<string, string>, root: string, ...filters: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'run-tests.js'), ...filters], {
    cwd: root,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: RUNNER_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('the test runner', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const pid = (name: string, assertion = 'strictEqual(1, 1)') =>
    `import { it } from 'node:test';\nimport { strictEqual } from 'node:assert';\nit('${name} in pid ' + process.pid, () => { ${assertion}; });\n`;
  // Every spec the tests run is there before the first run, so that one compilation covers them
  // all: each one starts tsc (over a second of CPU even here), so a test compiles again only where
  // a compilation, or none, is what it shows. The tests pick their files with the runner's filters.
  before(() => {
    root = scratchProject();
    write('src/kept.spec.ts', spec('kept passes', 'strictEqual(1, 1)'));
    write('src/doomed.spec.ts', spec('doomed passes', 'strictEqual(1, 1)'));
    write('src/incremental.spec.ts', spec('incremental passes', 'strictEqual(2, 2)'));
    write('test/stored.e2e-spec.ts', spec('an end-to-end file', 'strictEqual(1, 1)'));
    write(
      'test/pages.e2e-spec.ts',
      `// test-database: independent (pages)\n${spec('an independent end-to-end file', 'strictEqual(1, 1)')}`,
    );
    write('src/store.spec.ts', `// test-database: dependent\n${spec('a unit spec on the database', 'strictEqual(1, 1)')}`);
    write('src/shared/first.spec.ts', pid('first'));
    write('src/shared/second.spec.ts', pid('second', 'strictEqual(1, 2)'));
    write('src/shared/alone.spec.ts', `// test-process: own (the test of this rule)\n${pid('alone')}`);
    for (let n = 1; n <= QUEUED_FILES; n++) {
      const name = `q${String(n).padStart(2, '0')}`;
      // The last file is the heaviest (the queue's order goes by source size), and one file fails.
      const padding = n === QUEUED_FILES ? `// ${'x'.repeat(5_000)}\n` : '';
      write(`test/queue/${name}.e2e-spec.ts`, padding + pid(name, n === 7 ? 'strictEqual(1, 2)' : 'strictEqual(1, 1)'));
    }
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('runs what the sources say now: an edited spec runs edited, a deleted spec never runs from the old build', () => {
    const first = run(root, 'src/kept', 'src/doomed');
    expect([first.status, first.output]).toEqual([0, expect.stringContaining('kept passes')]);
    expect(first.output).toContain('doomed passes');

    rmSync(join(root, 'src', 'doomed.spec.ts'));
    write('src/kept.spec.ts', spec('kept now fails', 'strictEqual(1, 2)'));
    const second = run(root, 'src/kept', 'src/doomed');
    expect(second.status).toBe(1);
    expect(second.output).toContain('kept now fails');
    expect(second.output).not.toContain('doomed');
    expect(existsSync(join(root, '.test-build', 'src', 'doomed.spec.js'))).toBe(false);
    expect(existsSync(join(root, '.test-build', 'src', 'doomed.spec.js.map'))).toBe(false);
    expect(run(root, 'doomed').output).toContain('no test files matched');
  });

  it('compiles incrementally and does not start the compiler when nothing changed', () => {
    expect(run(root, 'src/incremental').status).toBe(0);
    const buildInfo = join(root, '.test-build', '.tsbuildinfo');
    expect(existsSync(buildInfo)).toBe(true);
    // Any compilation writes the build info again; a run that leaves it missing compiled nothing.
    rmSync(buildInfo);
    const again = run(root, 'src/incremental');
    expect([again.status, again.output]).toEqual([0, expect.stringContaining('incremental passes')]);
    expect(existsSync(buildInfo)).toBe(false);
    write('src/incremental.spec.ts', spec('incremental passes edited', 'strictEqual(3, 3)'));
    expect(run(root, 'src/incremental').output).toContain('incremental passes edited');
    expect(existsSync(buildInfo)).toBe(true);
  });

  it('fails without running anything when a source does not compile', () => {
    write('src/broken.ts', 'export const n: number = "not a number";\n');
    const broken = run(root);
    expect(broken.status).toBe(1);
    expect(broken.output).toContain('broken.ts');
    // Node's test runner never started: no spec ran, and there is no summary of tests.
    expect(broken.output).not.toContain('passes');
    expect(broken.output).not.toMatch(/^ℹ tests/m);
    rmSync(join(root, 'src', 'broken.ts'));
    expect(run(root, 'src/incremental').status).toBe(0);
  });

  it('runs only the files whose behaviour depends on the database when DATABASE_URL is set', () => {
    // Two unit specs and two end-to-end files, one of each marked against its folder's default.
    const files = ['src/incremental', 'src/store', 'test/stored', 'test/pages'];
    // Nothing listens on port 1: the runner makes no template there, and these specs never connect.
    const server = runWith({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, root, ...files);
    expect(server.status).toBe(0);
    expect(server.output).toContain('running the 2 of 4 files whose behaviour depends on the database');
    expect(server.output).toContain('an end-to-end file');
    expect(server.output).toContain('a unit spec on the database');
    expect(server.output).not.toContain('an independent end-to-end file');
    expect(server.output).not.toContain('incremental passes');
    const everything = runWith({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', TEST_DATABASE_FILES: 'all' }, root, ...files);
    expect(everything.output).toContain('an independent end-to-end file');
    expect(everything.output).toContain('incremental passes');
  });

  it('runs files in shared processes, reports a failure under its file, and gives a marked file a process of its own', () => {
    const result = run(root, 'src/shared/');
    expect(result.status).toBe(1);
    const pidOf = (name: string) => new RegExp(`${name} in pid (\\d+)`).exec(result.output)?.[1];
    expect(pidOf('first')).toBeDefined();
    expect(pidOf('second')).toBe(pidOf('first'));
    expect(pidOf('alone')).toBeDefined();
    expect(pidOf('alone')).not.toBe(pidOf('first'));
    // The failure is reported inside the suite named after its file, and the file beside it still passed.
    expect(result.output).toMatch(/✖ src\/shared\/second\.spec\.ts/);
    expect(result.output).toMatch(/✔ src\/shared\/first\.spec\.ts/);
    const perFile = runWith({ TEST_PROCESS_PER_FILE: '1' }, root, 'src/shared/first', 'src/shared/second');
    expect(perFile.status).toBe(1);
    expect(/first in pid (\d+)/.exec(perFile.output)?.[1]).not.toBe(/second in pid (\d+)/.exec(perFile.output)?.[1]);
  });

  it('runs each end-to-end file once, heaviest first, from one queue that a process leaves after a dozen files', () => {
    // One process at a time, so the hand-over from the first process to the next is certain.
    const result = runWith({ TEST_CONCURRENCY: '1' }, root, 'test/queue/');
    expect(result.status).toBe(1);
    // What ran, as reported before the closing list of failures repeats the failed ones.
    const report = result.output.split('✖ failing tests:')[0];
    const ran = [...report.matchAll(/(q\d\d) in pid (\d+)/g)].map(([, name, pid]) => ({ name, pid }));
    expect(ran.map(({ name }) => name).sort()).toEqual(
      Array.from({ length: QUEUED_FILES }, (_, i) => `q${String(i + 1).padStart(2, '0')}`),
    );
    const [first, second, ...others] = [...new Set(ran.map(({ pid }) => pid))];
    expect(others).toEqual([]);
    expect(ran.filter(({ pid }) => pid === first)).toHaveLength(12);
    expect(ran.filter(({ pid }) => pid === second)).toHaveLength(1);
    expect(ran[0]).toEqual({ name: `q${QUEUED_FILES}`, pid: first });
    // The failing file is reported under its name, and the files after it in its process still ran.
    expect(result.output).toMatch(/✖ test\/queue\/q07\.e2e-spec\.ts/);
    expect(report.match(/✔ test\/queue\/q\d\d\.e2e-spec\.ts/g)).toHaveLength(QUEUED_FILES - 1);
  });
});
