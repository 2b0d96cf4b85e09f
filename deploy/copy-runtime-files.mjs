// Part of `npm run build`: copies the resource files the programs read at run time from their one
// home in server/ to the same place under dist/server/, so an installed dist/ (with package.json
// and node_modules, no sources) has everything it needs.
import { cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FILES = ['server/check-in-record/checkin-table.xsd'];

for (const f of FILES) cpSync(join(root, f), join(root, 'dist', f));
