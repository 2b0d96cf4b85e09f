/**
 * `issuer keygen`: creates the issuer directory (if new) and adds a signing key to it; keeps the
 * trust file in step; prints the kid.
 */
import { DEMO_ISSUER_ISS } from '../../trust/build-snapshot.js';
import { addIssuerKey, createIssuerDir, isIssuerDir, readIssuerDir } from '../../issuer/issuer-dir.js';
import { trustIssuerDir } from '../../issuer/trust-file.js';
import {
  bool,
  COMMON,
  DEFAULT_KEY_YEARS,
  issuerDirOf,
  nowOf,
  parseTime,
  str,
  text,
  trustFileOf,
  UsageError,
  type Command,
} from './shared.js';

const DEMO_ISSUER_NAME = 'BHXH Việt Nam (DEMO — không dùng thật)';

export const keygen: Command = {
  summary: 'create the issuer directory (if new) and add a signing key; prints the kid',
  synopsis: '[--iss URL] [--name TEXT] [--demo] [--not-before ISO] [--not-after ISO]',
  flags: [
    text('iss', 'URL', 'issuer URL of a new directory (default: the demo issuer)'),
    text('name', 'TEXT', "issuer's display name"),
    bool('demo', 'mark a new issuer DEMO-ONLY'),
    text('not-before', 'ISO', 'key valid from (default: start of today, UTC)'),
    text('not-after', 'ISO', `key valid until (default: ${DEFAULT_KEY_YEARS} years later)`),
    ...COMMON,
  ],
  async run(values, ctx) {
    const now = nowOf(values, ctx);
    const dir = issuerDirOf(values, ctx);
    const iss = str(values, 'iss');
    if (!(await isIssuerDir(dir))) {
      const issuerIss = iss ?? DEMO_ISSUER_ISS;
      const demo = issuerIss === DEMO_ISSUER_ISS || values.demo === true;
      const name = str(values, 'name') ?? (issuerIss === DEMO_ISSUER_ISS ? DEMO_ISSUER_NAME : issuerIss);
      await createIssuerDir(dir, { iss: issuerIss, name, demo });
      ctx.err(`created issuer directory ${dir} (${issuerIss})`);
    } else if (iss !== undefined && (await readIssuerDir(dir)).meta.iss !== iss) {
      throw new UsageError(`--iss differs from the iss of the existing issuer directory ${dir}`);
    }
    const nbfText = str(values, 'not-before');
    // Default window starts at the day's start (UTC), so cards issued earlier today still fall in it.
    const nbf = Math.floor((nbfText === undefined ? Math.floor(now / 86_400_000) * 86_400_000 : parseTime('not-before', nbfText)) / 1000);
    const expText = str(values, 'not-after');
    const exp = expText === undefined ? nbf + DEFAULT_KEY_YEARS * 365 * 86_400 : Math.floor(parseTime('not-after', expText) / 1000);
    if (exp <= nbf) throw new UsageError('--not-after must be after --not-before');
    const { kid } = await addIssuerKey(dir, { nbf, exp });
    ctx.err(`added key ${kid} (valid ${new Date(nbf * 1000).toISOString()} – ${new Date(exp * 1000).toISOString()})`);
    const trustFile = trustFileOf(values, ctx, dir);
    if (trustFile !== undefined) {
      await trustIssuerDir(trustFile, dir, now);
      ctx.err(`updated trust file ${trustFile}`);
    }
    ctx.out(kid);
  },
};
