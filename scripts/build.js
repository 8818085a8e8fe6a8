#!/usr/bin/env node
// The production build: a clean dist/ compiled by tsc from tsconfig.build.json (src/ and ormconfig.ts).
// Nothing else is copied: the sample organisation list is read from src/organisations at run time.
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
