/** Migration 2 (card_checks, visit_rechecks) on a database that migration 1 made, with data in it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../server/db/database.js';
import { currentSchemaVersion, migrate } from '../../../server/db/migrate.js';
import { KIOSK_MIGRATIONS } from '../../../server/db/schema.js';

let db: Database | undefined;
let dir: string | undefined;
afterEach(async () => {
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  db = undefined;
});

const CHECK = `INSERT INTO card_checks (id, created_at, facility, desk_id, operator, operator_name, source, local_verdict, local_code,
  verdict, code, reason_codes, portal_state, local_json, result_json, qr_text)
  VALUES ('c1', 1, '12001', 'desk-1', 'a', 'A', 'legacy-unsigned', 'needs_review', 'UNSIGNED_LEGACY', 'needs_review',
  'UNSIGNED_LEGACY', '[]', 'pending', '{}', '{}', 'qr')`;

describe('migration 2: card checks', () => {
  it('applies on a database made by migration 1 only, keeping its rows', async () => {
    dir = mkdtempSync(join(tmpdir(), 'card-checks-migration-'));
    db = await openDatabase(join(dir, 'kiosk.sqlite'));
    expect(await migrate(db, KIOSK_MIGRATIONS.slice(0, 1), 1)).toEqual([1]);
    await db.run(
      "INSERT INTO users (username, display_name, cccd, role, password_hash, created_at, updated_at) VALUES ('a', 'A', NULL, 'receptionist', 'x', 1, 1)",
    );
    expect(await migrate(db, KIOSK_MIGRATIONS.slice(0, 2), 2)).toEqual([2]);
    expect(await currentSchemaVersion(db)).toBe(2);
    expect(await db.get('SELECT username FROM users')).toEqual({ username: 'a' });
    const objects = await db.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE tbl_name IN ('card_checks', 'visit_rechecks') AND type IN ('table', 'trigger') ORDER BY name",
    );
    expect(objects.map((o) => o.name)).toEqual([
      'card_checks',
      'card_checks_answer_once',
      'card_checks_fixed',
      'card_checks_link_once',
      'card_checks_no_delete',
      'card_checks_no_reanswer',
      'visit_rechecks',
      'visit_rechecks_no_delete',
      'visit_rechecks_no_update',
    ]);
    expect(await migrate(db, KIOSK_MIGRATIONS.slice(0, 2), 3)).toEqual([]);
  });

  it('triggers: the desk record is fixed, the answer is recorded once, the link is set once, nothing is deleted', async () => {
    dir = mkdtempSync(join(tmpdir(), 'card-checks-migration-'));
    db = await openDatabase(join(dir, 'kiosk.sqlite'));
    await migrate(db, KIOSK_MIGRATIONS, 1);
    await db.run(CHECK);
    await expect(db.run("UPDATE card_checks SET operator = 'b'")).rejects.toThrow(/fixed/);
    await expect(db.run("UPDATE card_checks SET qr_text = 'other'")).rejects.toThrow(/fixed/);
    await expect(db.run("UPDATE card_checks SET portal_state = 'off'")).rejects.toThrow(/ends done/);
    await db.run("UPDATE card_checks SET portal_state = 'done', portal_code = '000', verdict = 'accepted', code = 'OK'");
    await expect(db.run("UPDATE card_checks SET portal_state = 'unavailable'")).rejects.toThrow(/once/);
    await expect(db.run("UPDATE card_checks SET verdict = 'rejected'")).rejects.toThrow(/once/);
    await db.run("UPDATE card_checks SET visit_id = 'v1', linked_at = 2, qr_text = NULL");
    await expect(db.run("UPDATE card_checks SET visit_id = 'v2'")).rejects.toThrow(/one visit/);
    await expect(db.run('DELETE FROM card_checks')).rejects.toThrow(/kept/);
    expect(await db.get('SELECT portal_state, visit_id, qr_text FROM card_checks')).toEqual({
      portal_state: 'done',
      visit_id: 'v1',
      qr_text: null,
    });
  });
});
