import { OPTIONS } from '../config.js';
import type { FlagSpec } from '../lib/cli-args.js';

/**
 * The data folder for the operator CLIs: the service's own setting (`--data-dir`, KIOSK_DATA_DIR,
 * its default), resolved the same way the service resolves it. `--data` is the tools' old
 * spelling, still accepted.
 */
export const DATA_DIR_FLAG: FlagSpec = { ...OPTIONS.find((o) => o.key === 'dataDir')!, aliases: ['data'], arg: 'DIR' };
