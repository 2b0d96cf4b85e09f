/**
 * `npm run -s audit -- check-in-xml --date YYYY-MM-DD [--data-dir DIR] [--out FILE]`
 *
 * The day's check-in records as ONE signed file (the same as GET /api/audit/check-in-records.xml),
 * for the facility to upload by hand when the connection to the portal has been down for days.
 * Reads the visit log directly (the service may be running); signs with the facility's key
 * (KIOSK_FACILITY_KEY_FILE / KIOSK_FACILITY_CERT_FILE, or the flags). The file goes to stdout or
 * --out; a summary goes to stderr.
 *
 * Exit: 0 written, 1 the day has no record to put in a file, 2 usage / no database / no usable key.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { systemClock } from '../../clock.js';
import { loadFacilityKey } from '../../check-in-record/facility-key.js';
import type { PatientIdSource } from '../../check-in-record/record.js';
import { PATIENT_ID_SOURCES } from '../../check-in-record/record.js';
import { checkInDayFile } from '../../check-in-report/day-records.js';
import { OPTIONS } from '../../config.js';
import { openDatabase } from '../../db/database.js';
import { currentSchemaVersion } from '../../db/migrate.js';
import { kioskDbPath } from '../../db/open-kiosk-db.js';
import { flagUsage, parseFlags, resolveFlags, type FlagSpec } from '../../lib/cli-args.js';
import { vietnamDayStart } from '../../wire/vietnam-time.js';
import { DATA_DIR_FLAG } from '../data-dir-arg.js';

const option = (key: (typeof OPTIONS)[number]['key']): FlagSpec => OPTIONS.find((o) => o.key === key)!;

const FLAGS: readonly FlagSpec[] = [
  DATA_DIR_FLAG,
  { flag: 'date', kind: 'text', arg: 'YYYY-MM-DD', help: 'the Vietnam calendar day' },
  { flag: 'out', kind: 'path', arg: 'FILE', help: 'write the file here (mode 0600) instead of stdout' },
  option('facilityKeyFile'),
  option('facilityCertFile'),
  option('patientIdSource'),
];

export const CHECK_IN_XML_USAGE = [
  'Usage: npm run -s audit -- check-in-xml --date YYYY-MM-DD [--data-dir DIR] [--out FILE]',
  '',
  ...flagUsage(FLAGS),
  '',
  'Exit: 0 written, 1 no record on that day, 2 usage, no database or no usable facility key.',
].join('\n');

export async function runCheckInXml(argv: readonly string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const usage = (msg?: string) => {
    if (msg) io.err.write(`audit check-in-xml: ${msg}\n`);
    io.err.write(CHECK_IN_XML_USAGE + '\n');
    return 2;
  };
  const parsed = parseFlags(argv, FLAGS);
  if (parsed.help) return usage();
  const problems = [...parsed.problems];
  const v = resolveFlags(FLAGS, parsed, process.env, process.cwd(), problems);
  const date = v.date as string | undefined;
  if (date === undefined) problems.push('--date is required');
  else if (vietnamDayStart(date) === undefined) problems.push('--date must be a real day, YYYY-MM-DD');
  const keyFile = v['facility-key-file'] as string | undefined;
  const certFile = v['facility-cert-file'] as string | undefined;
  if (keyFile === undefined || certFile === undefined)
    problems.push(
      'the facility key and certificate are needed (--facility-key-file and --facility-cert-file, or KIOSK_FACILITY_KEY_FILE and KIOSK_FACILITY_CERT_FILE)',
    );
  const source = v['patient-id-source'] as string;
  if (!(PATIENT_ID_SOURCES as readonly string[]).includes(source))
    problems.push(`--patient-id-source must be one of ${PATIENT_ID_SOURCES.join(', ')}`);
  if (problems.length > 0) return usage(problems.join('\naudit check-in-xml: '));

  let key;
  try {
    key = loadFacilityKey(keyFile!, certFile!, systemClock.now());
  } catch (err) {
    io.err.write(`audit check-in-xml: ${err instanceof Error ? err.message.split('\n')[0] : 'the facility key cannot be used'}\n`);
    return 2;
  }
  const file = kioskDbPath(v['data-dir'] as string);
  if (!existsSync(file)) {
    io.err.write(`audit check-in-xml: no visit log at ${file}\n`);
    return 2;
  }
  // Opened without migrating: an auditor's tool does not change the file it reads.
  const db = await openDatabase(file, { mustExist: true, readOnly: true });
  try {
    if ((await currentSchemaVersion(db)) < 4) {
      io.err.write(`audit check-in-xml: ${file} has no check-in records (its schema predates them)\n`);
      return 1;
    }
    const day = await checkInDayFile(db, date!, key, { patientIdSource: source as PatientIdSource });
    if (day === null) {
      io.err.write(`audit check-in-xml: no check-in record on ${date}\n`);
      return 1;
    }
    const out = v.out as string | undefined;
    if (out === undefined) io.out.write(day.xml);
    else writeFileSync(out, day.xml, { mode: 0o600 });
    io.err.write(
      `${day.records} record(s) on ${date}${day.skipped > 0 ? `, ${day.skipped} left out (parked or incomplete: see the auditor page)` : ''}, signed by ${key.subject}${key.demo ? ' (DEMO certificate)' : ''}\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}
