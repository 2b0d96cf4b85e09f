// Part of `npm run build`: copies the resource files the programs read at run time from their one
// home in server/ to the same place under dist/server/, so an installed dist/ (with package.json
// and node_modules, no sources) has everything it needs. `node deploy/copy-runtime-files.mjs DIR`
// copies into DIR instead of dist/ (the install test builds elsewhere).
import { cpSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.argv[2] === undefined ? join(root, 'dist') : resolve(process.argv[2]);
const FILES = ['server/check-in-record/checkin-table.xsd'];

for (const f of FILES) cpSync(join(root, f), join(dist, f));
