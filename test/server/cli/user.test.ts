import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openKioskDatabase } from '../../../server/db/open-kiosk-db.js';
import { verifyPassword } from '../../../server/users/password.js';
import { systemClock } from '../../../server/clock.js';
import { UserRepository } from '../../../server/users/user-repo.js';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'kiosk-user-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function user(args: string[], stdin = '') {
  const r = spawnSync(TSX, ['server/cli/user.ts', ...args, '--data', dir], { input: stdin, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function stored(username: string) {
  const { db } = await openKioskDatabase(dir, Date.now());
  try {
    return await new UserRepository(db, systemClock).findWithHash(username);
  } finally {
    await db.close();
  }
}

describe('npm run user', () => {
  it('add reads the password from stdin, hashes it with scrypt, creates the file 0600', async () => {
    const r = user(
      ['add', 'thu-ngan', '--role', 'receptionist', '--name', 'Nguyễn Thị Thu', '--cccd', '001190012345'],
      'mật khẩu thật dài\n',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('created thu-ngan');
    expect(statSync(join(dir, 'kiosk.sqlite')).mode & 0o777).toBe(0o600);
    const u = (await stored('thu-ngan'))!;
    expect(u.user).toMatchObject({ displayName: 'Nguyễn Thị Thu', cccd: '001190012345', role: 'receptionist', disabled: false });
    expect(u.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('mật khẩu thật dài', u.passwordHash)).toBe(true);
  });

  it('refuses duplicates, bad values and short passwords (exit 1) and bad usage (exit 2)', () => {
    expect(user(['add', 'thu-ngan', '--role', 'auditor', '--name', 'X Y'], 'another long password\n').code).toBe(1);
    expect(user(['add', 'new-one', '--role', 'root', '--name', 'X Y'], 'another long password\n').code).toBe(1);
    expect(user(['add', 'new-one', '--role', 'auditor', '--name', 'X Y', '--cccd', '12'], 'another long password\n').code).toBe(1);
    expect(user(['add', 'new-one', '--role', 'auditor', '--name', 'X Y'], 'short\n').code).toBe(1);
    expect(user(['add', 'new-one', '--role', 'auditor'], 'another long password\n').code).toBe(2);
    expect(user(['frob']).code).toBe(2);
    expect(user(['disable']).code).toBe(2);
  });

  it("takes --data-dir (the service's name) as well as --data", () => {
    const r = spawnSync(TSX, ['server/cli/user.ts', 'list', '--json', '--data-dir', dir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).map((u: { username: string }) => u.username)).toEqual(['thu-ngan']);
  });

  it('list, passwd and disable', async () => {
    expect(user(['add', 'kiem-tra', '--role', 'auditor', '--name', 'Trần Văn Kiểm'], 'first long password\n').code).toBe(0);
    const list = user(['list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out).map((u: { username: string }) => u.username)).toEqual(['kiem-tra', 'thu-ngan']);
    expect(list.out).not.toContain('scrypt');
    expect(user(['passwd', 'kiem-tra'], 'second long password\n').code).toBe(0);
    expect(await verifyPassword('second long password', (await stored('kiem-tra'))!.passwordHash)).toBe(true);
    expect(user(['disable', 'kiem-tra']).code).toBe(0);
    expect((await stored('kiem-tra'))!.user.disabled).toBe(true);
    expect(user(['disable', 'no-such-user']).code).toBe(1);
    expect(user(['passwd', 'no-such-user'], 'second long password\n').code).toBe(1);
  });
});
