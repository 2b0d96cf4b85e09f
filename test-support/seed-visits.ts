/**
 * Test helper: records visits straight through the visit log's writer (same transaction,
 * same outbox row as a real check-in), far faster than signing and checking in thousands of
 * cards. Use on a database no running kiosk process is writing to (the writer keeps the chain
 * head in memory).
 */
import { systemRandom } from '../server/clock.js';
import { openKioskDatabase } from '../server/db/open-kiosk-db.js';
import { uuidv7 } from '../server/visits/uuidv7.js';
import { VisitWriter } from '../server/visits/visit-writer.js';
import type { Database } from '../server/db/database.js';

export interface SeedVisit {
  recordedAt: number;
  maSoBhxh?: string | null;
  verdict?: 'accepted' | 'needs_review' | 'rejected';
  visitType?: string;
  facility?: string;
  source?: string | null;
  /** The verified card as the visit stores it (card_json); default none. */
  card?: Record<string, unknown> | null;
  /** MA_DOITUONG_KCB; default none. */
  visitCategory?: string | null;
  /** The scanned text the visit row keeps (default "seeded"). */
  qrText?: string;
}

export interface SeedOptions {
  /** Also write each visit's check-in outbox row (as a kiosk with the check-in report on does). */
  checkInOutbox?: boolean;
}

/** A realistic verified card for the i-th seeded patient (what a check-in record is built from). */
export function seedCard(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  const maSo = maSoFor(i);
  return {
    fullName: `Nguyễn Văn Thử ${i}`,
    birthDate: '1990-03-20',
    gender: i % 2 === 0 ? 'male' : 'female',
    cardNumber: `HS401${maSo}`,
    maSoBhxh: maSo,
    registeredFacility: '12001',
    validFrom: '2026-01-01',
    validTo: '2027-12-31',
    ...over,
  };
}

/** Ten-digit mã số BHXH for the i-th seeded patient. */
export const maSoFor = (i: number) => String(4_000_000_000 + i).padStart(10, '0');

export async function seedVisits(
  db: Database,
  visits: readonly SeedVisit[],
  facility = '12001',
  opts: SeedOptions = {},
): Promise<string[]> {
  const repo = new VisitWriter(db, { checkInOutbox: opts.checkInOutbox ?? false });
  await repo.init();
  const ids: string[] = [];
  // One visit per transaction, as at the desk (the writer advances its chain head on commit).
  for (const v of visits) {
    const maSo = v.maSoBhxh === undefined ? maSoFor(ids.length) : v.maSoBhxh;
    const id = uuidv7(v.recordedAt, systemRandom);
    await db.transaction(async (tx) => {
      await repo.insert(tx, {
        id,
        facility: v.facility ?? facility,
        desk_id: 'desk-1',
        operator: 'seed',
        operator_name: 'Seed Operator',
        operator_cccd: null,
        recorded_at: v.recordedAt,
        checked_at: new Date(v.recordedAt).toISOString(),
        visit_type: v.visitType ?? '01',
        verdict: v.verdict ?? 'accepted',
        code: 'OK',
        reason_codes: '["OK"]',
        review_note: null,
        source: v.source === undefined ? 'signed' : v.source,
        card_key: `seed:${id}`,
        card_number: maSo === null ? null : `HS401${maSo}`,
        ma_so_bhxh: maSo,
        card_json: v.card ? JSON.stringify(v.card) : null,
        visit_category: v.visitCategory ?? null,
        issuer: null,
        key_id: null,
        rid: null,
        demo: 0,
        qr_text: v.qrText ?? 'seeded',
      });
    });
    ids.push(id);
  }
  return ids;
}

/** Opens the kiosk database in `dataDir` (creating it), seeds, closes. */
export async function seedKioskDataDir(
  dataDir: string,
  visits: readonly SeedVisit[],
  facility = '12001',
  opts: SeedOptions = {},
): Promise<string[]> {
  const { db } = await openKioskDatabase(dataDir, Date.now());
  try {
    return await seedVisits(db, visits, facility, opts);
  } finally {
    await db.close();
  }
}
