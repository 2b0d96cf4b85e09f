/**
 * The running portal's view of DIR/portal.json: re-read whenever the file changes on disk (its
 * inode, size or modification time differ; checked on each call, which costs one stat), so the
 * demo issuer can add people while the portal runs. A file that does not validate is ignored
 * with a warning and the last good data keeps answering.
 *
 * The check history (dsLichSuKT2018) of this run is held here in memory, newest first, before the
 * file's seeded `checks`: the portal never writes the data file, so a tool's write cannot race it.
 */
import { statSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CheckHistoryItem } from '../wire/portal.js';
import type { PortalDataset, PortalPerson } from './dataset-schema.js';
import { datasetPath, readDataset } from './dataset.js';

/** Checks remembered per person (the reply lists fewer). */
const MAX_CHECKS_KEPT = 100;

export class DataSource {
  private data: PortalDataset;
  private stamp: string;
  private readonly checks = new Map<string, CheckHistoryItem[]>();

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {
    this.data = readDataset(dataDir);
    this.stamp = this.currentStamp();
  }

  private currentStamp(): string {
    try {
      const s = statSync(datasetPath(this.dataDir), { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return 'missing';
    }
  }

  /** The data as of now (re-read first if the file changed). */
  get(): PortalDataset {
    const stamp = this.currentStamp();
    if (stamp !== this.stamp && stamp !== 'missing') {
      this.stamp = stamp;
      try {
        this.data = readDataset(this.dataDir);
        this.logger.info('portal data reloaded', { persons: this.data.persons.length, accounts: this.data.accounts.length });
      } catch (err) {
        // Problems name entries by position, never their content.
        const problems = err instanceof ConfigError ? err.problems.slice(0, 10) : ['unreadable'];
        this.logger.warn('portal data file changed but is not valid: keeping the previous data', { code: 'DATA_INVALID', problems });
      }
    }
    return this.data;
  }

  checksOf(person: PortalPerson): CheckHistoryItem[] {
    return [...(this.checks.get(person.maSoBhxh) ?? []), ...(person.checks ?? [])];
  }

  recordCheck(person: PortalPerson, item: CheckHistoryItem): void {
    const list = this.checks.get(person.maSoBhxh) ?? [];
    list.unshift(item);
    if (list.length > MAX_CHECKS_KEPT) list.length = MAX_CHECKS_KEPT;
    this.checks.set(person.maSoBhxh, list);
  }
}
