#!/usr/bin/env node
// `npm start` builds only when dist/ is missing or older than a source file, so a fresh clone
// needs just `npm ci && npm start` and a restart stays fast. scripts/run-tests.js asks the same
// question before the tests run dist/.
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const output = join(root, 'dist', 'src', 'main.js');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** True when dist/ was built after the last change of anything it is built from. */
function distIsCurrent() {
  const sources = Math.max(
    newest(join(root, 'src')),
    ...['ormconfig.ts', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => statSync(join(root, f)).mtimeMs),
  );
  return existsSync(output) && statSync(output).mtimeMs >= sources;
}

module.exports = { distIsCurrent };

if (require.main === module && !distIsCurrent()) {
  process.stdout.write('Building...\n');
  execSync(`"${process.execPath}" scripts/build.js`, { cwd: root, stdio: 'inherit' });
}
