/**
 * The demo commands' link to the reference portal: the --portal-data / --no-portal-data flags
 * and adding (or replacing, by mã số BHXH) the demo person in the portal's data file.
 */
import { resolve } from 'node:path';
import type { FlagSpec } from '../../lib/cli-args.js';
import { DEFAULT_DEMO_PORTAL_DATA } from '../../demo/layout.js';
import type { PortalPerson } from '../../reference-portal/dataset-schema.js';
import { addPerson, datasetPath } from '../../reference-portal/dataset.js';
import { bool, str, text, UsageError, type CliContext, type Values } from './shared.js';

/** Where the demo commands add their person: the reference portal's data folder. */
export const PORTAL_FLAGS: readonly FlagSpec[] = [
  text(
    'portal-data',
    'DIR',
    `reference portal data folder to add the person to (default ${DEFAULT_DEMO_PORTAL_DATA}, the one npm run demo uses)`,
  ),
  bool('no-portal-data', 'leave the portal data alone'),
];

/** The portal data folder to add the person to, or undefined with --no-portal-data. */
function portalDataOf(values: Values, ctx: CliContext): string | undefined {
  if (values['no-portal-data'] === true) {
    if (values['portal-data'] !== undefined) throw new UsageError('--portal-data and --no-portal-data exclude each other');
    return undefined;
  }
  const d = str(values, 'portal-data');
  return d === undefined ? resolve(ctx.root, DEFAULT_DEMO_PORTAL_DATA) : resolve(ctx.cwd, d);
}

/** Adds (or replaces, by mã số BHXH) the person in the portal's data file, atomically. */
export function addToPortal(values: Values, ctx: CliContext, person: () => PortalPerson | undefined): void {
  const dir = portalDataOf(values, ctx);
  if (dir === undefined) return;
  const p = person();
  if (p === undefined) return;
  addPerson(dir, p);
  ctx.err(`added the person to the reference portal's data: ${datasetPath(dir)}`);
}
