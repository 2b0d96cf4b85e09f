import { describe, expect, it } from 'vitest';
import { fingerprint, RecentScans } from '../../../kiosk-ui/scan/recent-scans.js';

describe('RecentScans (camera de-duplication)', () => {
  it('passes a text once while it keeps being seen, again after it was out of sight', () => {
    const r = new RecentScans(4000);
    expect(r.accept('shc:/123', 0)).toBe(true);
    expect(r.accept('shc:/123', 100)).toBe(false);
    expect(r.accept('shc:/123', 3900)).toBe(false);
    expect(r.accept('shc:/123', 7800)).toBe(false); // still in view: each sighting slides the window
    expect(r.accept('shc:/123', 12_000)).toBe(true); // gone for > 4 s, shown again
  });

  it('passes a different card at once', () => {
    const r = new RecentScans(4000);
    expect(r.accept('a', 0)).toBe(true);
    expect(r.accept('b', 10)).toBe(true);
    expect(r.accept('a', 20)).toBe(true);
  });

  it('keeps only a fingerprint, not the text', () => {
    const r = new RecentScans();
    r.accept('Nguyễn Đức Thiện', 0);
    expect(JSON.stringify(r)).not.toContain('Nguy');
    expect(fingerprint('a')).not.toBe(fingerprint('b'));
  });
});
