/**
 * server/app/card-checks.ts wired into the kiosk service, against the real reference portal on
 * 127.0.0.1:0: a wrong portal account shows as `misconfigured` with PORTAL_CONFIG, and shutdown
 * with a check in flight records it as unavailable (the service closes before the database).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../server/clock.js';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { createLogger } from '../../../server/logger.js';
import { writeDataset } from '../../../server/reference-portal/dataset.js';
import { startPortal, type RunningPortal } from '../../../server/reference-portal/server.js';
import { testPortalConfig } from '../../helpers/reference-portal.js';
import { LEGACY_HC } from '../../helpers/legacy-samples.js';
import { until } from '../card-checks/fixtures.js';
import { PEOPLE } from '../portal/fixtures.js';
import { ACCOUNTS, NOW, startLogKiosk } from '../visits/fixtures.js';

const ACCOUNT = { username: '12001_bv', password: 'mật-khẩu của cơ sở 2026!' };
let dir: string;
let portal: RunningPortal;
const held: Array<() => void> = [];

function passwordFile(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, 0o600);
  return p;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'app-card-checks-'));
  writeDataset(join(dir, 'portal'), {
    version: 1,
    persons: [PEOPLE.ok],
    accounts: [
      {
        username: ACCOUNT.username,
        password: ACCOUNT.password,
        facility: '12001',
        staff: [{ hoTen: ACCOUNTS.receptionist.displayName, cccd: ACCOUNTS.receptionist.cccd }],
      },
    ],
  });
  portal = await startPortal(testPortalConfig(join(dir, 'portal')), {
    clock: fixedClock(NOW),
    logger: createLogger({ sink: () => undefined }),
    sleep: () => new Promise<void>((resolve) => held.push(resolve)),
  });
});

afterAll(async () => {
  for (const r of held) r();
  await portal?.close();
  rmSync(dir, { recursive: true, force: true });
});

const flags = (file: string) => ['--portal-url', portal.url, '--portal-user', ACCOUNT.username, '--portal-password-file', file];
/** A wait that ends only when its signal aborts (the worker idles; `?wait=S` waits for the portal). */
const untilAborted = (_ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
const noWait = { clientSleep: () => Promise.resolve(), recheckSleep: untilAborted, waitSleep: untilAborted };

describe('the card-check module in the kiosk service', () => {
  it('a wrong portal password: the check stands on the local result; /api/status says misconfigured, PORTAL_CONFIG', async () => {
    const k = await startLogKiosk({ flags: flags(passwordFile('wrong', 'not the password')), service: { cardChecks: noWait } });
    try {
      const c = await k.request('POST', '/api/card-checks?wait=10', { cookie: k.cookies.receptionist, body: { qr: LEGACY_HC } });
      expect(c.status).toBe(200);
      expect(c.json.portal.state).toBe('config');
      expect(c.json.result.verdict).toBe('needs_review');
      const s = (await k.request('GET', '/api/status')).json;
      expect(s.portal.state).toBe('misconfigured');
      expect(s.portal.configProblem).toMatchObject({ code: expect.any(String) });
      expect(s.warnings).toContain('PORTAL_CONFIG');
    } finally {
      await k.close();
    }
  });

  it('shutdown with a check in flight: the check is recorded unavailable before the database closes', async () => {
    const k = await startLogKiosk({ flags: flags(passwordFile('right', ACCOUNT.password)), service: { cardChecks: noWait } });
    let closed = false;
    try {
      portal.control.setFaults({ latency: 5000 });
      const c = await k.request('POST', '/api/card-checks?wait=0', { cookie: k.cookies.receptionist, body: { qr: LEGACY_HC } });
      expect(c.json.portal.state).toBe('pending');
      await until(() => held.length > 0, 'the portal holds the call');
      await k.close();
      closed = true;
      const { db } = await openKioskDatabase(k.dataDir, NOW);
      try {
        expect(await db.get('SELECT portal_state, visit_id FROM card_checks WHERE id = ?', [c.json.id])).toEqual({
          portal_state: 'unavailable',
          visit_id: null,
        });
      } finally {
        await db.close();
      }
    } finally {
      portal.control.setFaults({ latency: 0 });
      for (const r of held.splice(0)) r();
      if (!closed) await k.close();
    }
  });
});
