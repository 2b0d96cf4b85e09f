/**
 * Shared by the security suite: the real kiosk service (startKioskService on 127.0.0.1, port 0,
 * a fresh SQLite data folder, a frozen clock) trusting a throw-away issuer, one operator per
 * role (test/server/visits/fixtures.ts), and a few checks every family ends with: no 5xx, the
 * visit log's chain intact.
 */
import { openKioskDatabase } from '../../server/db/open-kiosk-db.js';
import { NOW, startLogKiosk, type LogKiosk } from '../server/visits/fixtures.js';
import type { ServiceOptions } from '../../server/app/service.js';

export { ACCOUNTS, NOW, type LogKiosk } from '../server/visits/fixtures.js';

export type SecurityKiosk = LogKiosk & { port: number };

export async function startSecurityKiosk(opts: { flags?: string[]; service?: ServiceOptions } = {}): Promise<SecurityKiosk> {
  const k = await startLogKiosk(opts);
  return Object.assign(k, { port: Number(new URL(k.url).port) });
}

/** The audit trail's own answer: the chain verifies and holds `count` visits. */
export async function integrity(k: LogKiosk): Promise<{ intact: boolean; count: number }> {
  const r = await k.request('GET', '/api/audit/integrity', { cookie: k.cookies.auditor });
  if (r.status !== 200) throw new Error(`integrity: ${r.status} ${r.text}`);
  return { intact: r.json.intact as boolean, count: r.json.count as number };
}

/** Rows of a table, read through a second connection to the service's file. */
export async function countRows(k: LogKiosk, table: 'visits' | 'sync_outbox' | 'users' | 'idempotency_keys'): Promise<number> {
  const { db } = await openKioskDatabase(k.dataDir, NOW);
  try {
    return (await db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))!.n;
  } finally {
    await db.close();
  }
}
