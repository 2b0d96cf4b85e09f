/**
 * `issuer issue`: issues a signed card from the card flags and prints its shc:/ text (optionally
 * a QR PNG too). Also home of the card flags and the issuing step that `demo-card` reuses with
 * the sample card as defaults.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { issueCard, DEFAULT_LIFETIME_SEC } from '../../card/issue.js';
import type { IssueCardInput } from '../../card/fhir-build.js';
import { parseSeconds, type FlagSpec } from '../../lib/cli-args.js';
import { randomRid } from '../../issuer/crl.js';
import { loadSigner } from '../../issuer/issuer-dir.js';
import { qrPng } from '../../issuer/qr-png.js';
import { bool, COMMON, issuerDirOf, nowOf, str, text, UsageError, type CliContext, type Command, type Values } from './shared.js';

export const CARD_FLAGS: readonly FlagSpec[] = [
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

/** Issues the card the flags describe (missing ones from `defaults`), then `after(input)`, then prints it. */
export async function issueFrom(
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

export const issue: Command = {
  summary: 'issue a signed card; prints the shc:/ text (PNG path on stderr with --png)',
  synopsis: '--name … --birth … --gender … --card … --facility … --from … [more card flags]',
  flags: [...CARD_FLAGS, ...COMMON],
  run: (values, ctx) => issueFrom(values, ctx, {}),
};
