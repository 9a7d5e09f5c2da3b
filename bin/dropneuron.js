#!/usr/bin/env node
// Thin launcher: the CLI is bundled by `npm run build` (run automatically by `npm install` via `prepare`).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('dropneuron: expected a built CLI at dist/cli.js, found none; run `npm install` (or `npm run build`) first\n');
  process.exit(2);
}
require(entry);
