/**
 * `issuer demo-legacy`: prints a demo person's unsigned paper-card / VssID QR and chip ID-card
 * QR (optionally as PNGs) and adds the person to the reference portal's data.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { vietnamDay } from '../../wire/vietnam-time.js';
import { demoLegacyPerson, idCardQrText, legacyPortalPerson, legacyQrText } from '../../issuer/demo-legacy.js';
import { textQrPng } from '../../issuer/qr-png.js';
import { addToPortal, PORTAL_FLAGS } from './portal-data.js';
import { nowOf, str, text, type Command } from './shared.js';

/** `FILE.png` → `FILE-cccd.png` (the chip ID card's QR next to the paper card's). */
function cccdPngPath(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot > file.lastIndexOf('/') ? `${file.slice(0, dot)}-cccd${file.slice(dot)}` : `${file}-cccd.png`;
}

export const demoLegacy: Command = {
  summary: "print a demo person's paper-card / VssID QR (line 1) and chip ID-card QR (line 2); adds the person to the portal's data",
  synopsis: '[--portal-data DIR | --no-portal-data] [--png FILE] [--at ISO]',
  flags: [
    ...PORTAL_FLAGS,
    text('png', 'FILE', 'also write the paper-card QR to FILE and the ID-card QR to FILE with -cccd before the extension'),
    text('at', 'ISO', 'act as if it were this time (default: now; the card covers its Vietnam year)'),
  ],
  async run(values, ctx) {
    const now = nowOf(values, ctx);
    const person = demoLegacyPerson(now);
    const legacy = legacyQrText(person);
    const idCard = idCardQrText(person);
    const pngPath = str(values, 'png');
    if (pngPath !== undefined) {
      const file = resolve(ctx.cwd, pngPath);
      await writeFile(file, (await textQrPng(legacy)).png);
      await writeFile(cccdPngPath(file), (await textQrPng(idCard)).png);
      ctx.err(`QR PNGs: paper card / VssID ${file}, chip ID card ${cccdPngPath(file)}`);
    }
    addToPortal(values, ctx, () => legacyPortalPerson(person));
    ctx.err(
      `stdout line 1: paper card / VssID QR (unsigned: the kiosk says UNSIGNED_LEGACY, check online); ` +
        `line 2: chip ID card (CCCD) QR of the same person (ID_CARD_PRESENTED); card valid through ${person.validTo} (today ${vietnamDay(now)}), registered at ${person.registeredFacility}`,
    );
    ctx.out(legacy);
    ctx.out(idCard);
  },
};
