/**
 * Upgrades: a visit log written by an earlier release (test/fixtures/upgrade/kiosk-schema-N.sqlite,
 * made by make-fixture.ts with that release's schema, committed) opens, migrates to this
 * release's schema, still verifies with the same head, and a kiosk service starts on it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startKioskService } from '../../../server/app/service.js';
import { fixedClock } from '../../../server/clock.js';
import { loadConfig } from '../../../server/config.js';
import { openDatabase } from '../../../server/db/database.js';
import { currentSchemaVersion } from '../../../server/db/migrate.js';
import { kioskDbPath, openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { KIOSK_MIGRATIONS } from '../../../server/db/schema.js';
import { silentLogger } from '../../../server/logger.js';
import { verifyChain } from '../../../server/visits/chain-verifier.js';
import { makeTestIssuer } from '../../helpers/demo-issuer.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/upgrade');
const NOW = Date.parse('2026-11-25T03:00:00Z');
/** What each fixture held when it was made (make-fixture.ts printed it). */
const MADE: Record<string, { count: number; headHash: string }> = {
  'kiosk-schema-4.sqlite': { count: 12, headHash: '0f29966b1afc39c2bc645d8e4f8a1b5e775596d89d62980c4890dacdf8a84d7c' },
};

function dataDirWith(fixture: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'upgrade-')), 'data');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  copyFileSync(join(FIXTURES, fixture), kioskDbPath(dir));
  return dir;
}

describe('a database written by an earlier release', () => {
  const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.sqlite'));

  it('every fixture is listed with what it held', () => {
    expect(fixtures.sort()).toEqual(Object.keys(MADE).sort());
  });

  for (const fixture of fixtures) {
    const version = Number(/kiosk-schema-(\d+)\.sqlite$/.exec(fixture)![1]);

    it(`${fixture}: opens, migrates ${version} → ${KIOSK_MIGRATIONS.length} and verifies with the same head`, async () => {
      const dir = dataDirWith(fixture);
      const before = await openDatabase(kioskDbPath(dir), { mustExist: true });
      try {
        expect(await currentSchemaVersion(before)).toBe(version);
      } finally {
        await before.close();
      }
      const { db, fresh } = await openKioskDatabase(dir, NOW);
      try {
        expect(fresh).toBe(false);
        expect(await currentSchemaVersion(db)).toBe(KIOSK_MIGRATIONS.length);
        expect(await verifyChain(db)).toMatchObject({ intact: true, count: MADE[fixture]!.count, headHash: MADE[fixture]!.headHash });
        expect((await db.get<{ n: number }>('SELECT count(*) AS n FROM users'))?.n).toBe(1);
      } finally {
        await db.close();
      }
    });

    it(`${fixture}: a kiosk service starts on it and is ready`, async () => {
      const dir = dataDirWith(fixture);
      const issuer = await makeTestIssuer({ now: NOW });
      const loaded = loadConfig(
        ['--port', '0', '--data-dir', dir, '--trust-file', issuer.trustFile, '--trust-refresh', '0', '--no-demo-accounts'],
        {},
      );
      if (loaded.help) throw new Error('unexpected --help');
      const svc = await startKioskService(loaded.config, { clock: fixedClock(NOW), logger: silentLogger });
      try {
        const ready = await fetch(svc.url + '/api/ready');
        expect(ready.status).toBe(200);
        const metrics = await (await fetch(svc.url + '/metrics')).text();
        // The fixture's accepted and needs_review visits wait in both outboxes (nothing sends here).
        expect(metrics).toMatch(/^bhyt_kiosk_outbox_pending\{destination="store"\} 9$/m);
      } finally {
        await svc.close();
        await issuer.cleanup();
      }
    });
  }
});
