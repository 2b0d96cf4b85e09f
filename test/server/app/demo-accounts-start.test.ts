/**
 * Issue #13 item 9: a first start that dies (here: the port is taken) creates no demo accounts,
 * so their passwords are not printed by a process that then exits; the next start creates them
 * and prints them, and they work.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startKioskService } from '../../../server/app/service.js';
import { fixedClock } from '../../../server/clock.js';
import { loadConfig } from '../../../server/config.js';
import { silentLogger } from '../../../server/logger.js';
import { parseDemoAccountsNotice } from '../../../server/users/demo-accounts.js';
import { makeTestIssuer } from '../../helpers/demo-issuer.js';

const NOW = Date.parse('2026-11-25T02:00:00Z');
const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-demo-accounts-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function config(trustFile: string, port: number) {
  const loaded = loadConfig(
    ['--port', String(port), '--data-dir', dataDir, '--trust-file', trustFile, '--trust-refresh', '0', '--demo-accounts'],
    {},
  );
  if (loaded.help) throw new Error('unexpected --help');
  return loaded.config;
}

describe('demo accounts at start', () => {
  it('are created once the service listens: a start that dies prints none, the next one prints working passwords', async () => {
    const issuer = await makeTestIssuer({ now: NOW });
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    let printed = '';
    const print = (t: string) => void (printed += t);
    try {
      await expect(
        startKioskService(config(issuer.trustFile, port), { clock: fixedClock(NOW), logger: silentLogger, print }),
      ).rejects.toThrow();
      expect(printed).toBe('');
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
    const svc = await startKioskService(config(issuer.trustFile, 0), { clock: fixedClock(NOW), logger: silentLogger, print });
    try {
      const accounts = parseDemoAccountsNotice(printed);
      expect(accounts.map((a) => a.username)).toEqual(['le-tan', 'kiem-toan', 'quan-tri']);
      const r = await fetch(`${svc.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'le-tan', password: accounts[0]!.password }),
      });
      expect(r.status).toBe(200);
    } finally {
      await svc.close();
    }
    // A third start finds operators: nothing new printed.
    printed = '';
    const again = await startKioskService(config(issuer.trustFile, 0), { clock: fixedClock(NOW), logger: silentLogger, print });
    await again.close();
    await issuer.cleanup();
    expect(printed).toBe('');
  });
});
