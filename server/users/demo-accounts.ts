/**
 * Demo accounts for a fresh demo start: one per role, each with a random password that exists
 * only in the printed notice (never a fixed default, never in the JSON log). The receptionist
 * has a (synthetic) ID-card number on file, because the agency's online card check needs the
 * checking staff member's name and ID (portal.md: 054/055 otherwise); `npm run demo` registers
 * exactly this name and number as staff of the reference portal's facility account.
 */
import type { Random } from '../clock.js';
import { hashPassword, randomPassword } from './password.js';
import type { Role } from './types.js';
import type { UserRepository } from './user-repo.js';

export const DEMO_ACCOUNTS: ReadonlyArray<{ username: string; role: Role; displayName: string; cccd: string | null }> = [
  { username: 'le-tan', role: 'receptionist', displayName: 'Lễ tân (tài khoản demo)', cccd: '012195000101' },
  { username: 'kiem-toan', role: 'auditor', displayName: 'Kiểm toán (tài khoản demo)', cccd: null },
  { username: 'quan-tri', role: 'admin', displayName: 'Quản trị (tài khoản demo)', cccd: null },
];

export async function createDemoAccounts(
  users: UserRepository,
  random: Random,
): Promise<Array<{ username: string; role: Role; password: string }>> {
  const out: Array<{ username: string; role: Role; password: string }> = [];
  for (const a of DEMO_ACCOUNTS) {
    const password = randomPassword(random);
    await users.create({
      username: a.username,
      displayName: a.displayName,
      role: a.role,
      cccd: a.cccd,
      passwordHash: await hashPassword(password, random),
    });
    out.push({ username: a.username, role: a.role, password });
  }
  return out;
}

/** The notice's account lines (`  USERNAME   ROLE          PASSWORD`), as `npm run demo` reads them from the kiosk's stdout. */
export function parseDemoAccountsNotice(text: string): Array<{ username: string; role: string; password: string }> {
  const out: Array<{ username: string; role: string; password: string }> = [];
  for (const line of text.split('\n')) {
    const m = /^ {2}(\S+) +(receptionist|auditor|admin) +(\S+)$/.exec(line);
    if (m) out.push({ username: m[1]!, role: m[2]!, password: m[3]! });
  }
  return out;
}

export function demoAccountsNotice(accounts: ReadonlyArray<{ username: string; role: Role; password: string }>): string {
  const lines = accounts.map((a) => `  ${a.username.padEnd(10)} ${a.role.padEnd(13)} ${a.password}`);
  return [
    '',
    'Demo accounts created on this fresh database (shown ONCE; not stored anywhere in clear):',
    '  username   role          password',
    ...lines,
    'Change them with: npm run -s user -- passwd USERNAME   (or disable them before real use)',
    '',
  ].join('\n');
}
