/**
 * Issue #13 item 4: the running service picks up a changed trust file. `issuer revoke` (here
 * the test issuer's revoke: the same issuer-directory and trust-file code) rewrites the file;
 * the next scan shows the card revoked, without a restart. A broken file or a list that goes
 * backwards is refused whole and the store in force stays. POST /api/admin/trust/refresh reads
 * the file again first and counts the issuers in force (not 0 for a file without refreshUrl).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startLogKiosk, type LogKiosk } from '../visits/fixtures.js';

let k: LogKiosk | undefined;
afterEach(async () => {
  await k?.close();
  k = undefined;
});

async function verdict(kiosk: LogKiosk, qr: string): Promise<{ verdict: string; code: string }> {
  const r = await kiosk.request('POST', '/api/verify', { body: { qr } });
  return r.json as { verdict: string; code: string };
}

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('trust file watch', () => {
  it('a revocation written to the trust file reaches the next scan without a restart', async () => {
    k = await startLogKiosk();
    const card = await k.issuer.issue({ cardNumber: 'DN4121200000001' });
    expect(await verdict(k, card.qrText)).toMatchObject({ verdict: 'accepted' });
    await k.issuer.revoke(card.payload.vc.rid!);
    const after = await until(
      () => verdict(k!, card.qrText),
      (v) => v.verdict === 'rejected',
    );
    expect(after).toMatchObject({ verdict: 'rejected', code: 'REVOKED' });
  });

  it('POST /api/admin/trust/refresh reads the file first and answers the issuers in force', async () => {
    k = await startLogKiosk();
    const card = await k.issuer.issue({ cardNumber: 'DN4121200000002' });
    const r0 = await k.request('POST', '/api/admin/trust/refresh', { cookie: k.cookies.admin, body: {} });
    expect(r0.status).toBe(200);
    expect(r0.json).toMatchObject({ ok: true, issuers: 1, refreshed: 0 });
    await k.issuer.revoke(card.payload.vc.rid!);
    // At once (before the watch's settle time): the refresh itself reloads the file.
    const r1 = await k.request('POST', '/api/admin/trust/refresh', { cookie: k.cookies.admin, body: {} });
    expect(r1.json).toMatchObject({ ok: true, issuers: 1 });
    expect(await verdict(k, card.qrText)).toMatchObject({ verdict: 'rejected', code: 'REVOKED' });
  });

  it('a broken or rolled-back trust file is refused whole; the store in force stays', async () => {
    k = await startLogKiosk();
    const card = await k.issuer.issue({ cardNumber: 'DN4121200000003' });
    await k.issuer.revoke('someone-else');
    await until(
      () => k!.request('POST', '/api/admin/trust/refresh', { cookie: k!.cookies.admin, body: {} }),
      (r) => (r.json as { ok: boolean }).ok,
    );
    const good = await readFile(k.issuer.trustFile, 'utf8');

    await writeFile(k.issuer.trustFile, '{ "issuers": [ ');
    const broken = await k.request('POST', '/api/admin/trust/refresh', { cookie: k.cookies.admin, body: {} });
    expect(broken.json).toMatchObject({ ok: false, refusedBecause: 'TRUST_FILE_INVALID' });
    expect(await verdict(k, card.qrText)).toMatchObject({ verdict: 'accepted' });
    const status = await k.request('GET', '/api/status');
    expect((status.json as { warnings: string[] }).warnings).toContain('TRUST_REFRESH_FAILED');

    // The list of the issuer's key with its counter set back and the revocation gone: refused.
    const file = JSON.parse(good) as { issuers: Array<{ crl: Record<string, string> }> };
    const crlPath = Object.values(file.issuers[0]!.crl)[0]!;
    const crlFile = resolve(dirname(k.issuer.trustFile), crlPath);
    const crl = JSON.parse(await readFile(crlFile, 'utf8')) as { ctr: number; rids: string[] };
    await writeFile(crlFile, JSON.stringify({ ...crl, ctr: crl.ctr - 1, rids: [] }));
    await writeFile(k.issuer.trustFile, good.replace(/"updatedAt": "[^"]+"/, '"updatedAt": "2026-11-25T02:00:01.000Z"'));
    const rolled = await k.request('POST', '/api/admin/trust/refresh', { cookie: k.cookies.admin, body: {} });
    expect(rolled.json).toMatchObject({ ok: false, refusedBecause: 'CRL_COUNTER_ROLLBACK' });
  });
});
