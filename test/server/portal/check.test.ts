/** checkScanned / checkManualEntry against the reference portal: off, not needed, done. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '../../../server/card/types.js';
import { verifyQr } from '../../../server/card/verify.js';
import { checkManualEntry, checkScanned } from '../../../server/portal/check.js';
import { PortalRequestError } from '../../../server/portal/errors.js';
import type { TrustSnapshot } from '../../../server/trust/types.js';
import type { VerifyResult } from '../../../server/wire/verification.js';
import { CCCD, LEGACY_HC } from '../../helpers/legacy-samples.js';
import { OPERATOR, PORTAL_NOW, makeClient, startTestPortal, type PortalHarness } from './fixtures.js';

let h: PortalHarness;
beforeAll(async () => {
  h = await startTestPortal();
});
afterAll(async () => {
  await h.close();
});

const local = (qr: string) => verifyQr(qr, { trust: {} as TrustSnapshot, now: PORTAL_NOW, policy: DEFAULT_POLICY });
const signedOk: VerifyResult = {
  verdict: 'accepted',
  code: 'OK',
  portalCode: '000',
  reasons: [],
  checks: [],
  source: 'signed',
  card: { cardNumber: 'HC4121201234567', fullName: 'Nguyễn Đức Thiện', birthDate: '1990-03-20' },
  checkedAt: new Date(PORTAL_NOW).toISOString(),
};

describe('checkScanned / checkManualEntry', () => {
  it('no portal configured → off, the local result unchanged', async () => {
    const r = await checkScanned(undefined, local(LEGACY_HC), OPERATOR);
    expect(r).toMatchObject({ verdict: 'needs_review', code: 'UNSIGNED_LEGACY', portal: { state: 'off' } });
    const m = await checkManualEntry(
      undefined,
      { cccd: '012090001234', name: 'Nguyễn Đức Thiện', birthDate: '1990-03-20' },
      OPERATOR,
      PORTAL_NOW,
    );
    expect(m).toMatchObject({ verdict: 'needs_review', code: 'MANUAL_ENTRY', portal: { state: 'off' } });
  });

  it('signed cards are checked only in `all` mode; an unreadable QR needs no check', async () => {
    const lines: string[] = [];
    const unsigned = makeClient(h.portal.url, lines);
    expect((await checkScanned(unsigned.client, signedOk, OPERATOR)).portal).toEqual({ state: 'not_needed' });
    expect((await checkScanned(unsigned.client, local('garbage'), OPERATOR)).portal).toEqual({ state: 'not_needed' });
    expect(unsigned.sent).toHaveLength(0);
    const all = makeClient(h.portal.url, lines, { check: 'all' });
    expect(await checkScanned(all.client, signedOk, OPERATOR)).toMatchObject({
      verdict: 'accepted',
      portalCode: '000',
      portal: { state: 'done' },
    });
  });

  it('legacy and CCCD scans and manual entries go online', async () => {
    const { client } = makeClient(h.portal.url, []);
    expect(await checkScanned(client, local(LEGACY_HC), OPERATOR)).toMatchObject({
      verdict: 'accepted',
      code: 'OK',
      portal: { state: 'done' },
    });
    expect(await checkScanned(client, local(CCCD), OPERATOR)).toMatchObject({ verdict: 'accepted', portal: { code: '000' } });
    const m = await checkManualEntry(
      client,
      { cardNumber: 'HC4121201234567', name: 'Nguyễn Đức Thiện', birthDate: '1990' },
      OPERATOR,
      PORTAL_NOW,
    );
    expect(m).toMatchObject({ verdict: 'accepted', code: 'OK', portalCode: '000' });
  });

  it('an operator without an ID-card number is refused before any request', async () => {
    const c = makeClient(h.portal.url, []);
    await expect(checkScanned(c.client, local(LEGACY_HC), { name: OPERATOR.name, cccd: null })).rejects.toSatisfy(
      (e) => e instanceof PortalRequestError && e.code === 'OPERATOR_CCCD_MISSING',
    );
    expect(c.sent).toHaveLength(0);
  });
});
