/**
 * CardCheckRepository.onSettled (what the kiosk's card-check metrics listen to, instead of
 * wrapping the repository): a check is heard of once, when its verdict is final — at insert when
 * no portal answer is awaited, else when the answer is recorded — after its commit, never for a
 * refused write; a listener's failure never fails the write; unsubscribing stops it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CardCheckRepository, type CardCheckSettled } from '../../../server/card-checks/card-check-repo.js';
import type { NewCardCheck } from '../../../server/card-checks/records.js';
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import type { PortalCheckedResult } from '../../../server/portal/merge.js';
import type { VerifyResult } from '../../../server/wire/verification.js';

const NOW = Date.parse('2026-11-25T02:00:00.000Z');
const local = (): VerifyResult => ({
  verdict: 'needs_review',
  code: 'UNSIGNED_LEGACY',
  reasons: [{ code: 'UNSIGNED_LEGACY', severity: 'warning', message_vi: 'Thẻ không ký', message_en: 'Unsigned card' }],
  checks: [{ name: 'qr', ok: true }],
  checkedAt: new Date(NOW).toISOString(),
});
let n = 0;
function cardCheck(portal: PortalCheckedResult['portal']): NewCardCheck {
  n++;
  return {
    id: `0190e000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    createdAt: NOW + n,
    facility: '12001',
    deskId: 'desk-1',
    operator: 'le.tan',
    operatorName: 'Lê Tân',
    operatorCccd: '001090000001',
    source: 'legacy-unsigned',
    cardNumber: 'HS4010123456789',
    maSoBhxh: '0123456789',
    cccd: null,
    local: local(),
    result: { ...local(), portal },
    qrText: 'HS4010123456789|Nguyễn Văn A|…',
  };
}
const answer = (): PortalCheckedResult => ({
  ...local(),
  verdict: 'accepted',
  code: 'OK',
  reasons: [],
  portal: { state: 'done', code: '000', latencyMs: 42, attempts: 1 },
});

let dir: string;
let db: Database;
let repo: CardCheckRepository;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'card-check-settled-'));
  ({ db } = await openKioskDatabase(dir, NOW));
  repo = new CardCheckRepository(db);
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('CardCheckRepository.onSettled', () => {
  it('hears a check once: at insert when nothing is awaited, else at its answer; never a second answer', async () => {
    const heard: CardCheckSettled[] = [];
    const off = repo.onSettled((e) => heard.push(e));
    await repo.insert(cardCheck({ state: 'off' }));
    const pending = await repo.insert(cardCheck({ state: 'pending' }));
    expect(heard).toEqual([{ verdict: 'needs_review', portalState: 'off', portalCode: undefined }]);
    expect(await repo.recordAnswer(pending.id, answer(), NOW + 100)).toBe(true);
    expect(await repo.recordAnswer(pending.id, answer(), NOW + 200)).toBe(false);
    expect(heard).toEqual([
      { verdict: 'needs_review', portalState: 'off', portalCode: undefined },
      { verdict: 'accepted', portalState: 'done', portalCode: '000' },
    ]);
    off();
    await repo.insert(cardCheck({ state: 'off' }));
    expect(heard).toHaveLength(2);
  });

  it("a refused insert is not heard of; a listener's failure does not fail the write", async () => {
    const heard: string[] = [];
    repo.onSettled(() => {
      throw new Error('listener broke');
    });
    repo.onSettled((e) => heard.push(e.portalState));
    const c = cardCheck({ state: 'off' });
    await repo.insert(c);
    await expect(repo.insert(c)).rejects.toThrow();
    expect(heard).toEqual(['off']);
  });
});
