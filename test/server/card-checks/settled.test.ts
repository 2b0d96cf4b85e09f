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
import type { Database } from '../../../server/db/database.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import type { PortalCheckedResult } from '../../../server/portal/merge.js';
import { cardCheckMaker, portalAccepted, unsignedLocal } from '../../helpers/card-check-records.js';

const NOW = Date.parse('2026-11-25T02:00:00.000Z');
const newCheck = cardCheckMaker(NOW, '0190e000');
const cardCheck = (portal: PortalCheckedResult['portal']) => newCheck({ result: { ...unsignedLocal(NOW), portal } });
const answer = () => portalAccepted(NOW);

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
