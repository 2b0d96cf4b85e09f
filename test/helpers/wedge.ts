/**
 * A USB scanner in keyboard-wedge mode, for the browser tests: the card's text as real (trusted)
 * key events, then Enter, all queued to Chromium at once — as the operating system queues a HID
 * device's keys — rather than one DevTools round trip per key. Typed key by key, a 1,900-character
 * card under a loaded CI machine arrives with gaps a person's typing has, and the page rightly
 * stops taking it for a scanner.
 *
 * Like a wedge (and like puppeteer's keyboard.type), a character the US keyboard layout has no key
 * for (Vietnamese letters) produces no keydown: it is inserted as text, which the scanner
 * listener never sees.
 */
import type { KeyInput, Page } from 'puppeteer';

const LAYOUT_KEY = /^[\x20-\x7e\r\n\t]$/;

export async function scanByWedge(page: Page, text: string): Promise<void> {
  const queued: Promise<void>[] = [];
  // keyboard.down/up send their DevTools command before their first await: the order is kept.
  for (const ch of [...text, '\r']) {
    if (LAYOUT_KEY.test(ch)) {
      // Every printable ASCII character, CR, LF and Tab is one of puppeteer's key names.
      const key = ch as KeyInput;
      queued.push(page.keyboard.down(key), page.keyboard.up(key));
    } else queued.push(page.keyboard.sendCharacter(ch));
  }
  await Promise.all(queued);
}
