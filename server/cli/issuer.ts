/**
 * `npm run -s issuer -- <command> [flags]`: the development stand-in for the insurance agency.
 * Generates issuer keys, issues signed demo cards (shc:/ text and QR PNG) and revokes them, in an
 * issuer directory (server/issuer/layout.ts) that the kiosk's trust file points at.
 *
 * Exit codes: 0 ok, 1 failed (files unreadable, no usable key…), 2 usage error.
 * stdout carries only the result (kid, shc:/ text, revocation entry) so it can be piped;
 * everything else goes to stderr, never with personal data.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueCard, DEFAULT_LIFETIME_SEC } from '../card/issue.js';
import { vietnamDay } from '../wire/vietnam-time.js';
import type { IssueCardInput } from '../card/fhir-build.js';
import { systemClock, systemRandom, type Random } from '../clock.js';
import { AppError } from '../errors.js';
import { flagUsage, parseFlags, parseSeconds, type FlagSpec } from '../lib/cli-args.js';
import { parseIsoInstant } from '../lib/iso-date.js';
import { projectRoot } from '../project-root.js';
import { DEMO_ISSUER_ISS } from '../trust/build-snapshot.js';
import { randomRid } from '../issuer/crl.js';
import { demoCardInput } from '../issuer/demo-card.js';
import { demoLegacyPerson, idCardQrText, legacyPortalPerson, legacyQrText } from '../issuer/demo-legacy.js';
import { addIssuerKey, createIssuerDir, isIssuerDir, loadSigner, readIssuerDir, revokeRid } from '../issuer/issuer-dir.js';
import { DEFAULT_ISSUER_DIR } from '../issuer/layout.js';
import { qrPng, textQrPng } from '../issuer/qr-png.js';
import { rotateIssuerKey } from '../issuer/rotate.js';
import { serveIssuerDir } from '../issuer/serve.js';
import { trustFileListsIssuer, trustIssuerDir } from '../issuer/trust-file.js';
import { DEFAULT_DEMO_PORTAL_DATA } from '../demo/layout.js';
import { addPerson, datasetPath, personFromCard, type PortalPerson } from '../reference-portal/dataset.js';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const DEMO_ISSUER_NAME = 'BHXH Việt Nam (DEMO — không dùng thật)';
/** Default key window after its start: long enough for a development setup to outlive. */
const DEFAULT_KEY_YEARS = 5;

export interface CliContext {
  cwd: string;
  /** Project root: default paths (keys/demo-issuer) are relative to it. */
  root: string;
  now: () => number;
  random: Random;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Stops long-running commands (serve); default: SIGINT / SIGTERM. */
  signal?: AbortSignal;
}

class UsageError extends Error {}

type Values = Record<string, string | boolean | undefined>;

interface Command {
  /** One line for the command list. */
  summary: string;
  /** Its arguments in the usage line. */
  synopsis: string;
  flags: readonly FlagSpec[];
  run(values: Values, ctx: CliContext): Promise<void>;
}

const text = (flag: string, arg: string, help: string, more: Partial<FlagSpec> = {}): FlagSpec => ({
  flag,
  kind: 'text',
  arg,
  help,
  ...more,
});
const bool = (flag: string, help: string): FlagSpec => ({ flag, kind: 'bool', help });

const DIR_FLAG = text('dir', 'DIR', `issuer directory (default ${DEFAULT_ISSUER_DIR})`);

const COMMON: readonly FlagSpec[] = [
  DIR_FLAG,
  text('trust-file', 'FILE', 'trust file to keep in step (default: trust.json next to the issuer directory)', { aliases: ['trust'] }),
  bool('no-trust', 'leave the trust file alone'),
  text('at', 'ISO', 'act as if it were this time (default: now)'),
];

const CARD_FLAGS: readonly FlagSpec[] = [
  text('name', '"…"', 'full name'),
  text('birth', 'YYYY-MM-DD|YYYY', 'birth date (or year)'),
  text('gender', 'male|female|other', 'gender'),
  text('card', 'DN4121201234567|1201234567', 'card number'),
  text('bhxh', '10digits', 'mã số BHXH'),
  text('object', 'DN', 'object code'),
  text('benefit', '1-5', 'benefit level'),
  text('facility', '12001', 'registered facility code'),
  text('from', 'YYYY-MM-DD', 'valid from'),
  text('to', 'YYYY-MM-DD', 'valid to'),
  text('five-years', 'YYYY-MM-DD', 'five consecutive years from'),
  text('area', 'K1|K2|K3', 'area code'),
  text('issued-by', '"BHXH tỉnh Lai Châu"', 'issuing office'),
  text('rid', 'RID', 'revocation id (default: random)'),
  bool('no-rid', 'issue without a revocation id'),
  text('kid', 'KID', 'signing key (default: the active one)'),
  text('lifetime', '30d', 'credential lifetime'),
  text('png', 'FILE', 'also write the QR as a PNG'),
];

/** Where the demo commands add their person: the reference portal's data folder. */
const PORTAL_FLAGS: readonly FlagSpec[] = [
  text(
    'portal-data',
    'DIR',
    `reference portal data folder to add the person to (default ${DEFAULT_DEMO_PORTAL_DATA}, the one npm run demo uses)`,
  ),
  bool('no-portal-data', 'leave the portal data alone'),
];

// ---- argument helpers -------------------------------------------------------------------

function parseTime(flag: string, v: string): number {
  const t = parseIsoInstant(v);
  if (t === undefined) throw new UsageError(`--${flag} must be an ISO-8601 date or date-time, e.g. 2026-11-25T09:00:00+07:00`);
  return t;
}

function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

function required(values: Values, key: string): string {
  const v = str(values, key);
  if (v === undefined || v === '') throw new UsageError(`--${key} is required`);
  return v;
}

function nowOf(values: Values, ctx: CliContext): number {
  const at = str(values, 'at');
  return at === undefined ? ctx.now() : parseTime('at', at);
}

function issuerDirOf(values: Values, ctx: CliContext): string {
  const dir = str(values, 'dir');
  return dir === undefined ? resolve(ctx.root, DEFAULT_ISSUER_DIR) : resolve(ctx.cwd, dir);
}

/** The trust file to keep in step, or undefined with --no-trust. */
function trustFileOf(values: Values, ctx: CliContext, dir: string): string | undefined {
  if (values['no-trust'] === true) return undefined;
  const t = str(values, 'trust-file');
  return t === undefined ? join(dirname(dir), 'trust.json') : resolve(ctx.cwd, t);
}

/** The portal data folder to add the person to, or undefined with --no-portal-data. */
function portalDataOf(values: Values, ctx: CliContext): string | undefined {
  if (values['no-portal-data'] === true) {
    if (values['portal-data'] !== undefined) throw new UsageError('--portal-data and --no-portal-data exclude each other');
    return undefined;
  }
  const d = str(values, 'portal-data');
  return d === undefined ? resolve(ctx.root, DEFAULT_DEMO_PORTAL_DATA) : resolve(ctx.cwd, d);
}

/** Adds (or replaces, by mã số BHXH) the person in the portal's data file, atomically. */
function addToPortal(values: Values, ctx: CliContext, person: () => PortalPerson | undefined): void {
  const dir = portalDataOf(values, ctx);
  if (dir === undefined) return;
  const p = person();
  if (p === undefined) return;
  addPerson(dir, p);
  ctx.err(`added the person to the reference portal's data: ${datasetPath(dir)}`);
}

function parseLifetime(v: string | undefined): number {
  if (v === undefined) return DEFAULT_LIFETIME_SEC;
  const s = parseSeconds(v);
  if (s === undefined || !Number.isSafeInteger(s) || s <= 0)
    throw new UsageError('--lifetime must be a duration like 3600, 90m, 12h or 30d');
  return s;
}

function parseGender(v: string): IssueCardInput['gender'] {
  if (v !== 'male' && v !== 'female' && v !== 'other') throw new UsageError('--gender must be male, female or other');
  return v;
}

function parseBenefit(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^[1-5]$/.test(v)) throw new UsageError('--benefit must be a digit 1-5');
  return Number(v);
}

// ---- commands ---------------------------------------------------------------------------

const keygen: Command = {
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

function cardInput(values: Values, defaults: Partial<IssueCardInput>): IssueCardInput {
  const pick = (key: string, fallback: string | undefined) => str(values, key) ?? fallback;
  const orRequired = (key: string, fallback: string | undefined) => {
    const v = pick(key, fallback);
    if (v === undefined || v === '') throw new UsageError(`--${key} is required`);
    return v;
  };
  const input: IssueCardInput = {
    fullName: orRequired('name', defaults.fullName),
    birthDate: orRequired('birth', defaults.birthDate),
    gender: parseGender(orRequired('gender', defaults.gender)),
    cardNumber: orRequired('card', defaults.cardNumber),
    registeredFacility: orRequired('facility', defaults.registeredFacility),
    validFrom: orRequired('from', defaults.validFrom),
  };
  const optional: [keyof IssueCardInput, string][] = [
    ['maSoBhxh', 'bhxh'],
    ['objectCode', 'object'],
    ['validTo', 'to'],
    ['fiveYearDate', 'five-years'],
    ['areaCode', 'area'],
    ['issuedBy', 'issued-by'],
  ];
  for (const [field, flag] of optional) {
    const v = pick(flag, defaults[field] as string | undefined);
    if (v !== undefined) (input as unknown as Record<string, unknown>)[field] = v;
  }
  const benefit = parseBenefit(str(values, 'benefit')) ?? defaults.benefitLevel;
  if (benefit !== undefined) input.benefitLevel = benefit;
  return input;
}

async function issueFrom(
  values: Values,
  ctx: CliContext,
  defaults: Partial<IssueCardInput>,
  after: (input: IssueCardInput) => void = () => undefined,
): Promise<void> {
  const now = nowOf(values, ctx);
  const input = cardInput(values, defaults);
  const lifetimeSec = parseLifetime(str(values, 'lifetime'));
  if (values['no-rid'] === true && values.rid !== undefined) throw new UsageError('--rid and --no-rid exclude each other');
  const rid = values['no-rid'] === true ? undefined : (str(values, 'rid') ?? randomRid(ctx.random));
  const dir = issuerDirOf(values, ctx);
  const kid = str(values, 'kid');
  const { signer, active } = await loadSigner(dir, { now, ...(kid !== undefined ? { kid } : {}) });
  if (!active) ctx.err(`warning: key ${signer.kid} is not active at this time: kiosks will refuse the card (KEY_INACTIVE)`);
  const card = await issueCard(input, signer, { now, lifetimeSec, ...(rid !== undefined ? { rid } : {}) });
  ctx.err(
    `issued: kid ${signer.kid}${rid !== undefined ? `, rid ${rid}` : ''}, expires ${new Date(card.payload.exp * 1000).toISOString()}, JWS ${card.jws.length} chars`,
  );
  const pngPath = str(values, 'png');
  if (pngPath !== undefined) {
    const file = resolve(ctx.cwd, pngPath);
    const { png, version, errorCorrectionLevel } = await qrPng(card.qrText);
    await writeFile(file, png);
    ctx.err(`QR PNG (version ${version}, level ${errorCorrectionLevel}): ${file}`);
  }
  after(input);
  ctx.out(card.qrText);
}

const issue: Command = {
  summary: 'issue a signed card; prints the shc:/ text (PNG path on stderr with --png)',
  synopsis: '--name … --birth … --gender … --card … --facility … --from … [more card flags]',
  flags: [...CARD_FLAGS, ...COMMON],
  run: (values, ctx) => issueFrom(values, ctx, {}),
};

const demoCard: Command = {
  summary:
    "issue a sample card valid today (same flags as issue, all optional: each overrides the sample); adds its holder to the portal's data",
  synopsis: '[any issue flag overrides the sample] [--portal-data DIR | --no-portal-data]',
  flags: [...CARD_FLAGS, ...PORTAL_FLAGS, ...COMMON],
  run: (values, ctx) =>
    issueFrom(values, ctx, demoCardInput(nowOf(values, ctx)), (input) =>
      addToPortal(values, ctx, () => {
        if (input.gender === 'other') {
          ctx.err('not added to the portal data: the portal records gender only as Nam or Nữ');
          return undefined;
        }
        return personFromCard(input);
      }),
    ),
};

/** `FILE.png` → `FILE-cccd.png` (the chip ID card's QR next to the paper card's). */
function cccdPngPath(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot > file.lastIndexOf('/') ? `${file.slice(0, dot)}-cccd${file.slice(dot)}` : `${file}-cccd.png`;
}

const demoLegacy: Command = {
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

const revoke: Command = {
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

const trust: Command = {
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

const rotate: Command = {
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

const serve: Command = {
  summary: 'publish /.well-known/jwks.json and /.well-known/crl/<kid>.json over HTTP until Ctrl-C; prints the URL',
  synopsis: '[--port 8090] [--host 127.0.0.1] [--dir DIR]',
  flags: [text('port', '8090', 'TCP port (default 8090)'), text('host', '127.0.0.1', 'address (default 127.0.0.1)'), DIR_FLAG],
  async run(values, ctx) {
    const dir = issuerDirOf(values, ctx);
    await readIssuerDir(dir); // refuse to publish a broken directory
    const portText = str(values, 'port') ?? '8090';
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError('--port must be a port number 0-65535');
    const host = str(values, 'host') ?? '127.0.0.1';
    const server = await serveIssuerDir(dir, { port: Number(portText), host });
    ctx.err(`serving ${dir} (public keys and revocation lists only) at ${server.url}/.well-known/ — Ctrl-C to stop`);
    ctx.out(server.url);
    await new Promise<void>((done) => {
      if (ctx.signal) {
        if (ctx.signal.aborted) done();
        else ctx.signal.addEventListener('abort', () => done(), { once: true });
        return;
      }
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    await server.close();
  },
};

export const COMMANDS: Readonly<Record<string, Command>> = {
  keygen,
  issue,
  'demo-card': demoCard,
  'demo-legacy': demoLegacy,
  revoke,
  trust,
  rotate,
  serve,
};

function commandUsage(name: string, command: Command): string {
  return [`Usage: npm run -s issuer -- ${name}${command.synopsis ? ` ${command.synopsis}` : ''}`, '', ...flagUsage(command.flags)].join(
    '\n',
  );
}

export const USAGE = [
  'Usage: npm run -s issuer -- <command> [flags]',
  '',
  'Commands:',
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`),
  '',
  'Common flags (`<command> --help` lists every flag of a command):',
  ...flagUsage(COMMON),
  '',
  'Exit: 0 ok, 1 failed, 2 usage error.',
].join('\n');

/** Errors the user fixes by changing the command line: exit 2. */
const USAGE_CODES = new Set(['ISSUE_INPUT_INVALID', 'REVOKE_INPUT_INVALID', 'ISSUER_INPUT_INVALID', 'ISSUER_KEY_NOT_FOUND']);

export async function runIssuerCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? ctx.err : ctx.out)(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    ctx.err(`unknown command "${name}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    const parsed = parseFlags(rest, command.flags);
    if (parsed.help) {
      ctx.out(commandUsage(name, command));
      return EXIT.ok;
    }
    if (parsed.problems.length > 0) throw new UsageError(parsed.problems.join('; '));
    const values: Values = {};
    for (const spec of command.flags) {
      const raw = parsed.values.get(spec.flag);
      if (raw !== undefined) values[spec.flag] = spec.kind === 'bool' ? ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase()) : raw;
    }
    await command.run(values, ctx);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      ctx.err(`error: ${err.message}\n${commandUsage(name, command)}`);
      return EXIT.usage;
    }
    if (err instanceof AppError) {
      const problems = Array.isArray(err.extra?.problems) ? (err.extra.problems as string[]) : [];
      ctx.err(`error ${err.code}: ${problems.length > 0 ? `\n  - ${problems.join('\n  - ')}` : (err.detail ?? err.message)}`);
      return USAGE_CODES.has(err.code) ? EXIT.usage : EXIT.failed;
    }
    ctx.err(`error: ${(err as Error).message ?? String(err)}`);
    return EXIT.failed;
  }
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const code = await runIssuerCli(process.argv.slice(2), {
    cwd: process.cwd(),
    root: projectRoot(),
    now: () => systemClock.now(),
    random: systemRandom,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  process.exitCode = code;
}
