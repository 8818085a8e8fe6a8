#!/usr/bin/env node
// Fails when package.json `engines.node` allows a Node.js version that an installed package does
// not support (on such a Node, `npm ci` prints EBADENGINE), or when the running Node is outside
// `engines.node`. Offline and fast: it reads the `engines` npm recorded in package-lock.json for
// every package that is installed here.
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const semver = require('semver');

const root = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));

const declared = manifest.engines?.node;
const minimum = declared && semver.minVersion(declared);
if (!minimum) {
  console.error('package.json must state engines.node');
  process.exit(1);
}

const problems = [];
if (!semver.satisfies(process.version, declared)) problems.push(`this Node ${process.version} does not satisfy engines.node "${declared}"`);
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  const wanted = entry.engines?.node;
  // Optional packages for other platforms are in the lock but not on disk, and npm skips them.
  if (!path || !wanted || !existsSync(join(root, path))) continue;
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  if (!semver.subset(declared, wanted)) problems.push(`${name}@${entry.version} requires node "${wanted}"`);
  if (!semver.satisfies(process.version, wanted)) problems.push(`${name}@${entry.version} does not support this Node ${process.version}`);
}

if (problems.length > 0) {
  console.error(`engines check failed (engines.node "${declared}"):\n  ${[...new Set(problems)].join('\n  ')}`);
  process.exit(1);
}
console.log(
  `engines check: every installed package supports engines.node "${declared}" (from ${minimum.version}) and this Node ${process.version}`,
);
