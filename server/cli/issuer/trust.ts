/** `issuer trust`: (re)writes the issuer's entry in the trust file, updatedAt now; prints the file. */
import { trustIssuerDir } from '../../issuer/trust-file.js';
import { COMMON, issuerDirOf, nowOf, trustFileOf, UsageError, type Command } from './shared.js';

export const trust: Command = {
  summary: "(re)write the issuer's entry in the trust file and set its updatedAt to now (older than 7 days: TRUST_STALE)",
  synopsis: '',
  flags: COMMON,
  async run(values, ctx) {
    const now = nowOf(values, ctx);
    const dir = issuerDirOf(values, ctx);
    const trustFile = trustFileOf(values, ctx, dir);
    if (trustFile === undefined) throw new UsageError('trust needs a trust file (drop --no-trust)');
    const snapshot = await trustIssuerDir(trustFile, dir, now);
    ctx.err(`trust file ${trustFile}: ${snapshot.keysByKid.size} key(s), updatedAt ${new Date(now).toISOString()}`);
    ctx.out(trustFile);
  },
};
