/**
 * `npm run -s user -- add USERNAME --role ROLE --name "FULL NAME" [--cccd ID] [--data-dir DIR]`
 * `npm run -s user -- passwd USERNAME [--data-dir DIR]`
 * `npm run -s user -- disable USERNAME [--data-dir DIR]`
 * `npm run -s user -- list [--json] [--data-dir DIR]`
 * (`--data DIR`, the old spelling, still works.)
 *
 * Passwords come from stdin (typed twice without echo at a terminal, else the first line), never
 * from argv, where other local users could read them in the process list. Works while the
 * service runs (the database is in WAL mode with a busy timeout). Disabling a user or changing a
 * password ends that user's sessions at once.
 * Exit: 0 done, 1 refused (exists / not found / bad value), 2 usage.
 */
import { systemClock, systemRandom } from '../clock.js';
import { existsSync } from 'node:fs';
import { DB_FILE_NAME, kioskDbPath, openKioskDatabase } from '../db/open-kiosk-db.js';
import { AppError } from '../errors.js';
import { flagUsage, parseFlags, resolveFlags, type FlagSpec } from '../lib/cli-args.js';
import { hashPassword, passwordProblem, PASSWORD_MAX } from '../users/password.js';
import { cccdProblem, displayNameProblem, isRole, usernameProblem } from '../users/types.js';
import { UserRepository } from '../users/user-repo.js';
import { DATA_DIR_FLAG } from './data-dir-arg.js';
import { runMain } from './run-main.js';

const FLAGS: readonly FlagSpec[] = [
  { flag: 'role', kind: 'text', arg: 'receptionist|auditor|admin', help: "add: the operator's role" },
  { flag: 'name', kind: 'text', arg: '"FULL NAME"', help: "add: the operator's full name" },
  { flag: 'cccd', kind: 'text', arg: '12-DIGIT-ID', help: "add: the operator's ID-card number (optional)" },
  { flag: 'json', kind: 'bool', help: 'list: print JSON' },
  DATA_DIR_FLAG,
];

const USAGE = [
  'Usage: npm run -s user -- add USERNAME --role ROLE --name "FULL NAME" [--cccd ID] [--data-dir DIR]',
  '       npm run -s user -- passwd USERNAME [--data-dir DIR]',
  '       npm run -s user -- disable USERNAME [--data-dir DIR]',
  '       npm run -s user -- list [--json] [--data-dir DIR]',
  '',
  ...flagUsage(FLAGS),
  '',
  'The password is read from stdin (prompted twice without echo at a terminal).',
  'Exit: 0 done, 1 refused, 2 usage.',
].join('\n');

class UsageError extends Error {}
class Refused extends Error {}

interface Args {
  command: string;
  positional: string[];
  flags: Map<string, string>;
  json: boolean;
  dataDir: string;
}

function parseArgs(argv: readonly string[]): Args {
  const parsed = parseFlags(argv, FLAGS, { positional: true });
  const [command, ...positional] = parsed.positional;
  if (!command || parsed.help) throw new UsageError('');
  const problems = [...parsed.problems];
  const v = resolveFlags(FLAGS, parsed, process.env, process.cwd(), problems);
  if (problems.length > 0) throw new UsageError(problems.join('\nuser: '));
  const flags = new Map<string, string>();
  for (const f of ['role', 'name', 'cccd']) if (parsed.values.has(f)) flags.set(f, parsed.values.get(f)!);
  return { command, positional, flags, json: v.json === true, dataDir: v['data-dir'] as string };
}

/** Reads a password: hidden prompt (twice) at a terminal, else the first line of stdin. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const a = await promptHidden('Password: ');
    const b = await promptHidden('Repeat password: ');
    if (a !== b) throw new Refused('the two passwords differ');
    return a;
  }
  let data = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin as AsyncIterable<string>) {
    data += chunk;
    if (data.includes('\n') || data.length > PASSWORD_MAX * 4) break;
  }
  const first = data.split('\n')[0] ?? '';
  return first.replace(/\r$/, '');
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Refused('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

function check(problem: string | undefined): void {
  if (problem) throw new Refused(problem);
}

export async function run(argv: readonly string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
    if (!['add', 'passwd', 'disable', 'list'].includes(args.command)) throw new UsageError(`unknown command "${args.command}"`);
    const wantPositional = args.command === 'list' ? 0 : 1;
    if (args.positional.length !== wantPositional)
      throw new UsageError(args.command === 'list' ? 'list takes no USERNAME' : `${args.command} needs exactly one USERNAME`);
    if (args.command !== 'add' && (args.flags.has('role') || args.flags.has('name') || args.flags.has('cccd'))) {
      throw new UsageError(`--role, --name and --cccd belong to add`);
    }
    if (args.command === 'add' && (!args.flags.has('role') || !args.flags.has('name'))) throw new UsageError('add needs --role and --name');
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) process.stderr.write(`user: ${err.message}\n`);
      process.stderr.write(USAGE + '\n');
      return 2;
    }
    throw err;
  }

  const dataDir = args.dataDir;
  try {
    const username = args.positional[0] ?? '';
    // Validate everything before asking for a password or touching the database.
    if (args.command !== 'list') check(usernameProblem(username));
    const role = args.flags.get('role');
    const name = args.flags.get('name');
    const cccd = args.flags.get('cccd');
    if (args.command === 'add') {
      if (!isRole(role)) throw new Refused('--role must be receptionist, auditor or admin');
      check(displayNameProblem(name!));
      if (cccd !== undefined) check(cccdProblem(cccd));
    }
    const password = args.command === 'add' || args.command === 'passwd' ? await readPassword() : undefined;
    if (password !== undefined) check(passwordProblem(password));

    // Only `add` may create the database (the first admin before the first start); the others
    // read or change accounts, and a wrong or missing --data-dir must not leave an empty database behind.
    if (args.command !== 'add' && !existsSync(kioskDbPath(dataDir)))
      throw new Refused(
        `no kiosk database in ${dataDir} (${DB_FILE_NAME}): give the service's --data-dir (or KIOSK_DATA_DIR), or start the service once`,
      );
    const { db } = await openKioskDatabase(dataDir, systemClock.now());
    try {
      const users = new UserRepository(db, systemClock);
      switch (args.command) {
        case 'add': {
          const u = await users.create({
            username,
            displayName: name!,
            role: role as 'admin',
            cccd: cccd ?? null,
            passwordHash: await hashPassword(password!, systemRandom),
          });
          process.stdout.write(`created ${u.username} (${u.role})\n`);
          break;
        }
        case 'passwd':
          if (!(await users.setPasswordHash(username, await hashPassword(password!, systemRandom))))
            throw new Refused(`no user "${username}"`);
          process.stdout.write(`password changed for ${username}; their sessions were ended\n`);
          break;
        case 'disable':
          if (!(await users.disable(username))) throw new Refused(`no user "${username}"`);
          process.stdout.write(`disabled ${username}; their sessions were ended\n`);
          break;
        case 'list': {
          const list = await users.list();
          if (args.json) {
            process.stdout.write(
              JSON.stringify(
                list.map((u) => ({ username: u.username, displayName: u.displayName, role: u.role, cccd: u.cccd, disabled: u.disabled })),
              ) + '\n',
            );
          } else {
            for (const u of list) {
              process.stdout.write(
                `${u.username.padEnd(20)} ${u.role.padEnd(13)} ${u.disabled ? 'disabled' : 'active  '} ${u.displayName}${u.cccd ? `  CCCD ${u.cccd}` : ''}\n`,
              );
            }
          }
          break;
        }
      }
    } finally {
      await db.close();
    }
    return 0;
  } catch (err) {
    if (err instanceof Refused || err instanceof AppError) {
      process.stderr.write(
        `user: ${err instanceof AppError ? (err.code === 'USERNAME_TAKEN' ? `user "${args.positional[0]}" already exists` : err.code) : err.message}\n`,
      );
      return 1;
    }
    throw err;
  }
}

runMain('user', () => run(process.argv.slice(2)), { failCode: 1 });
