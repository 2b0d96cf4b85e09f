/**
 * Migration 3 (the visit's card check and the portal's answer): a row written by the code before
 * it (its own column list, its own content hash) still verifies after the migration, and new rows
 * hash their portal columns only when they hold a value.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../server/db/database.js';
import { currentSchemaVersion, migrate } from '../../../server/db/migrate.js';
import { KIOSK_MIGRATIONS } from '../../../server/db/schema.js';
import { CHAIN_DOMAIN, GENESIS_HASH, canonicalJson, chainHash } from '../../../server/visits/chain.js';
import { verifyChain } from '../../../server/visits/chain-verifier.js';
import { VisitWriter } from '../../../server/visits/visit-writer.js';

let dir: string | undefined;
let db: Database | undefined;
afterEach(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  db = undefined;
});

/** The visit content exactly as the code before migration 3 hashed it (every column of migration 1). */
const OLD_CONTENT = {
  seq: 1,
  id: '019ad3a0-0000-7000-8000-000000000001',
  facility: '12001',
  desk_id: 'desk-1',
  operator: 'a',
  operator_name: 'A',
  operator_cccd: null,
  recorded_at: 1_764_554_400_000,
  checked_at: '2025-12-01T02:00:00.000Z',
  visit_type: '01',
  verdict: 'accepted',
  code: 'OK',
  reason_codes: '["OK"]',
  review_note: null,
  source: 'signed',
  card_key: 'card:HS4011234567890',
  card_number: 'HS4011234567890',
  ma_so_bhxh: null,
  card_json: null,
  issuer: null,
  key_id: null,
  rid: null,
  demo: 0,
  qr_text: 'shc:/56',
};

function oldHash(prev: string, content: Record<string, unknown>): string {
  return createHash('sha256')
    .update(CHAIN_DOMAIN, 'utf8')
    .update(Buffer.from([0]))
    .update(prev, 'utf8')
    .update(Buffer.from([0]))
    .update(canonicalJson(content), 'utf8')
    .digest('hex');
}

describe('migration 3: visits carry their card check', () => {
  it('a row written before the migration still verifies after it; a new row with portal fields chains on', async () => {
    dir = mkdtempSync(join(tmpdir(), 'visits-m3-'));
    db = await openDatabase(join(dir, 'kiosk.sqlite'));
    expect(await migrate(db, KIOSK_MIGRATIONS.slice(0, 2), 1)).toEqual([1, 2]);
    const hash = oldHash(GENESIS_HASH, OLD_CONTENT);
    const cols = Object.keys(OLD_CONTENT);
    await db.run(`INSERT INTO visits (${cols.join(', ')}, prev_hash, hash) VALUES (${cols.map(() => '?').join(', ')}, ?, ?)`, [
      ...Object.values<string | number | null>(OLD_CONTENT),
      GENESIS_HASH,
      hash,
    ]);
    await db.run("INSERT INTO sync_outbox (visit_seq, visit_id) VALUES (1, '019ad3a0-0000-7000-8000-000000000001')");

    // Every migration after 2 applies (3 adds the portal columns; later ones follow it).
    const later = KIOSK_MIGRATIONS.filter((m) => m.version > 2).map((m) => m.version);
    expect(later[0]).toBe(3);
    expect(await migrate(db, KIOSK_MIGRATIONS, 2)).toEqual(later);
    expect(await currentSchemaVersion(db)).toBe(later[later.length - 1]);
    const row = await db.get<Record<string, unknown>>('SELECT * FROM visits WHERE seq = 1');
    expect(row).toMatchObject({ card_check_id: null, portal_state: null, portal_code: null, hash });
    expect(await verifyChain(db)).toMatchObject({ intact: true, count: 1 });

    const writer = new VisitWriter(db);
    await writer.init();
    const r = await db.transaction((tx) =>
      writer.insert(tx, {
        ...OLD_CONTENT,
        verdict: 'accepted',
        id: '019ad3a0-0000-7000-8000-000000000002',
        card_key: 'card:HC4121201234567',
        card_check_id: '019ad3a0-0000-7000-8000-0000000000c1',
        portal_state: 'done',
        portal_code: '000',
        portal_message: 'Thông tin thẻ chính xác',
        portal_checked_at: 1_764_554_401_000,
        portal_latency_ms: 1200,
      }),
    );
    expect(r.prev_hash).toBe(hash);
    expect(await verifyChain(db)).toMatchObject({ intact: true, count: 2 });
    // The portal columns are covered: changing one (outside the kiosk) breaks the row.
    await db.exec('DROP TRIGGER visits_no_update');
    await db.run("UPDATE visits SET portal_code = '010' WHERE seq = 2");
    expect(await verifyChain(db)).toMatchObject({ intact: false, firstBrokenSeq: 2, problem: 'HASH_MISMATCH' });
  });

  it('NULL portal columns are left out of the content: a visit without a check hashes as before them', () => {
    const withNulls = {
      ...OLD_CONTENT,
      verdict: 'accepted' as const,
      card_check_id: null,
      portal_state: null,
      portal_code: null,
      portal_message: null,
      portal_checked_at: null,
      portal_latency_ms: null,
    };
    expect(chainHash(GENESIS_HASH, withNulls)).toBe(oldHash(GENESIS_HASH, OLD_CONTENT));
    expect(chainHash(GENESIS_HASH, { ...withNulls, portal_code: '000' })).not.toBe(oldHash(GENESIS_HASH, OLD_CONTENT));
  });
});
