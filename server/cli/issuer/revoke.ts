/**
 * `issuer revoke`: adds a rid to a key's revocation list, refreshes the trust file when it lists
 * the issuer, and prints the list entry.
 */
import { readIssuerDir, revokeRid } from '../../issuer/issuer-dir.js';
import { trustFileListsIssuer, trustIssuerDir } from '../../issuer/trust-file.js';
import { COMMON, issuerDirOf, nowOf, parseTime, required, str, text, trustFileOf, type Command } from './shared.js';

export const revoke: Command = {
  summary: 'revoke cards by rid; prints the list entry',
  synopsis: '--rid RID [--kid KID] [--since ISO]',
  flags: [
    text('rid', 'RID', 'the revocation id to revoke (required)'),
    text('kid', 'KID', "the key whose list gets it (default: the rid's key)"),
    text('since', 'ISO', 'only cards issued before this time'),
    ...COMMON,
  ],
  async run(values, ctx) {
    const now = nowOf(values, ctx);
    const rid = required(values, 'rid');
    const since = str(values, 'since');
    const beforeSec = since === undefined ? undefined : Math.floor(parseTime('since', since) / 1000);
    const dir = issuerDirOf(values, ctx);
    const kid = str(values, 'kid');
    const result = await revokeRid(dir, {
      rid,
      now,
      ...(kid !== undefined ? { kid } : {}),
      ...(beforeSec !== undefined ? { beforeSec } : {}),
    });
    ctx.err(
      result.changed
        ? `revoked on key ${result.kid}; list ctr ${result.ctr}`
        : `already revoked on key ${result.kid}; list unchanged (ctr ${result.ctr})`,
    );
    const trustFile = trustFileOf(values, ctx, dir);
    if (result.changed && trustFile !== undefined && (await trustFileListsIssuer(trustFile, (await readIssuerDir(dir)).meta.iss))) {
      await trustIssuerDir(trustFile, dir, now);
      ctx.err(`updated trust file ${trustFile}`);
    }
    ctx.out(result.entry);
  },
};
