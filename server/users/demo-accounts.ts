/**
 * Demo accounts for a fresh demo start: one per role, each with a random password that exists
 * only in the printed notice (never a fixed default, never in the JSON log).
 */
import type { Random } from '../clock.js';
import { hashPassword, randomPassword } from './password.js';
import type { Role } from './types.js';
import type { UserRepository } from './user-repo.js';

export const DEMO_ACCOUNTS: ReadonlyArray<{ username: string; role: Role; displayName: string }> = [
  { username: 'le-tan', role: 'receptionist', displayName: 'Lễ tân (tài khoản demo)' },
  { username: 'kiem-toan', role: 'auditor', displayName: 'Kiểm toán (tài khoản demo)' },
  { username: 'quan-tri', role: 'admin', displayName: 'Quản trị (tài khoản demo)' },
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
      cccd: null,
      passwordHash: await hashPassword(password, random),
    });
    out.push({ username: a.username, role: a.role, password });
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
