/**
 * `issuer rotate`: adds a new signing key valid from now and retires the active one at now;
 * refreshes the trust file when it lists the issuer; prints the new kid.
 */
import { readIssuerDir } from '../../issuer/issuer-dir.js';
import { rotateIssuerKey } from '../../issuer/rotate.js';
import { trustFileListsIssuer, trustIssuerDir } from '../../issuer/trust-file.js';
import { COMMON, DEFAULT_KEY_YEARS, issuerDirOf, nowOf, parseTime, str, text, trustFileOf, type Command } from './shared.js';

export const rotate: Command = {
  summary: 'add a new signing key (valid from now) and retire the current one at now; prints the new kid',
  synopsis: '[--not-after ISO]',
  flags: [text('not-after', 'ISO', `new key valid until (default: ${DEFAULT_KEY_YEARS} years later)`), ...COMMON],
  async run(values, ctx) {
    const now = nowOf(values, ctx);
    const dir = issuerDirOf(values, ctx);
    const expText = str(values, 'not-after');
    const exp = expText === undefined ? undefined : Math.floor(parseTime('not-after', expText) / 1000);
    const result = await rotateIssuerKey(dir, { now, ...(exp !== undefined ? { exp } : {}) });
    const at = new Date(result.nbf * 1000).toISOString();
    ctx.err(`new signing key ${result.newKid} valid ${at} – ${new Date(result.exp * 1000).toISOString()}`);
    ctx.err(
      result.retiredKids.length > 0
        ? `retired at ${at}: ${result.retiredKids.join(', ')} (still published: its cards keep verifying)`
        : 'no key was active: nothing retired',
    );
    const trustFile = trustFileOf(values, ctx, dir);
    if (trustFile !== undefined && (await trustFileListsIssuer(trustFile, (await readIssuerDir(dir)).meta.iss))) {
      await trustIssuerDir(trustFile, dir, now);
      ctx.err(`updated trust file ${trustFile}`);
    }
    ctx.out(result.newKid);
  },
};
