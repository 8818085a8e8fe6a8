#!/usr/bin/env node
// Compiles src/ and test/ and runs every *.spec / *.e2e-spec file with Node's test runner, each
// file in its own process. Arguments narrow the run to files whose path contains one of them.
const { execFileSync, spawnSync } = require('node:child_process');
const { readdirSync, rmSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, '.test-build');
rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.test.json')], { stdio: 'inherit' });

function specs(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return specs(path);
    return /\.(e2e-)?spec\.js$/.test(entry.name) ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = [join(out, 'src'), join(out, 'test')]
  .flatMap(specs)
  .filter((f) => filters.length === 0 || filters.some((x) => relative(out, f).includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--require', 'reflect-metadata', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, '--test-timeout=120000', ...files],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
