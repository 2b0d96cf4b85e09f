/**
 * Each batch an outbox sends is one log line (OUTBOX_BATCH_SENT) and one count
 * (bhyt_kiosk_outbox_batches_total), with the store as a real process-local service on loopback;
 * the lines carry counts, never the patients' names or card numbers.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { createLogger } from '../../../server/logger.js';
import { seedCard, seedKioskDataDir } from '../../../test-support/seed-visits.js';
import { makeTestIssuer } from '../../helpers/demo-issuer.js';
import { startTestKiosk } from '../../helpers/kiosk-service.js';
import { KEY_A, startTestStore } from '../history-store/fixtures.js';
import { pollUntil } from '../sync/processes.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');

describe('outbox batches in logs and metrics', () => {
  it('a sync batch sent: one OUTBOX_BATCH_SENT line and the counter, no personal data', async () => {
    const issuer = await makeTestIssuer({ now: NOW });
    const store = await startTestStore();
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-observe-'));
    const cards = [0, 1, 2].map((i) => seedCard(i));
    await seedKioskDataDir(
      dataDir,
      cards.map((card, i) => ({ recordedAt: NOW - 60_000 + i, card, maSoBhxh: card.maSoBhxh as string })),
    );
    const lines: string[] = [];
    const kiosk = await startTestKiosk({
      trustFile: issuer.trustFile,
      clock: fixedClock(NOW),
      flags: ['--data-dir', dataDir, '--sync-url', store.url, '--sync-key', KEY_A],
      service: { logger: createLogger({ sink: (l) => lines.push(l) }) },
    });
    try {
      const metrics = await pollUntil(async () => {
        const t = await (await fetch(kiosk.url + '/metrics')).text();
        return /^bhyt_kiosk_outbox_pending\{destination="store"\} 0$/m.test(t) && /outcome="sent"\} [1-9]/.test(t) ? t : undefined;
      }, 'the backlog sent');
      const sent = Number(/^bhyt_kiosk_outbox_batches_total\{destination="store",outcome="sent"\} (\d+)$/m.exec(metrics)?.[1]);
      expect(sent).toBeGreaterThanOrEqual(1);
      const batchLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.code === 'OUTBOX_BATCH_SENT');
      expect(batchLines).toHaveLength(sent);
      expect(batchLines.at(-1)).toMatchObject({ level: 'info', destination: 'store', pending: 0, parked: 0 });
      const all = lines.join('\n');
      for (const c of cards) {
        expect(all).not.toContain(c.fullName as string);
        expect(all).not.toContain(c.cardNumber as string);
        expect(all).not.toContain(c.maSoBhxh as string);
      }
      expect(all).not.toContain(KEY_A);
    } finally {
      await kiosk.close();
      await store.close();
      await issuer.cleanup();
    }
  });
});
