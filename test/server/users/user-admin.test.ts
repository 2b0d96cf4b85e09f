import { describe, expect, it } from 'vitest';
import { systemRandom } from '../../../server/clock.js';
import { AppError } from '../../../server/errors.js';
import { verifyPassword } from '../../../server/users/password.js';
import type { User } from '../../../server/users/types.js';
import { UserAdmin, type NewUserInput } from '../../../server/users/user-admin.js';
import type { NewUser, UserChange } from '../../../server/users/user-repo.js';

/** An in-memory stand-in for the UserRepository methods UserAdmin uses. */
function fakeUsers() {
  const rows = new Map<string, User & { passwordHash: string }>();
  return {
    rows,
    list: () => Promise.resolve([...rows.values()]),
    find: (u: string) => Promise.resolve(rows.get(u)),
    create: (u: NewUser) => {
      if (rows.has(u.username)) return Promise.reject(new AppError('USERNAME_TAKEN', 'That username is already in use.'));
      const user = {
        id: rows.size + 1,
        ...u,
        cccd: u.cccd ?? null,
        displayName: u.displayName.trim(),
        disabled: false,
        createdAt: 0,
        updatedAt: 0,
      };
      rows.set(u.username, user);
      return Promise.resolve(user);
    },
    disable: (u: string) => {
      const row = rows.get(u);
      if (row) row.disabled = true;
      return Promise.resolve(row !== undefined);
    },
    enable: (u: string) => {
      const row = rows.get(u);
      if (row) row.disabled = false;
      return Promise.resolve(row !== undefined);
    },
    setPasswordHash: (u: string, hash: string) => {
      const row = rows.get(u);
      if (row) row.passwordHash = hash;
      return Promise.resolve(row !== undefined);
    },
    update: (u: string, change: UserChange) => {
      const row = rows.get(u);
      if (row) Object.assign(row, change);
      return Promise.resolve(row !== undefined);
    },
  };
}

const GOOD: NewUserInput = {
  username: 'nv-moi',
  displayName: 'Phạm Văn Mới',
  role: 'auditor',
  cccd: '001190011111',
  password: 'another long password',
};

async function codeOf(p: Promise<unknown>): Promise<[string, unknown]> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return [(err as AppError).code, (err as AppError).extra?.field];
}

describe('UserAdmin.create', () => {
  it('stores a scrypt hash, never the password, and refuses a taken username', async () => {
    const users = fakeUsers();
    const admin = new UserAdmin(users, systemRandom);
    const user = await admin.create(GOOD);
    expect(user).toMatchObject({ username: 'nv-moi', role: 'auditor', cccd: '001190011111', disabled: false });
    const stored = users.rows.get('nv-moi')!.passwordHash;
    expect(stored).toMatch(/^scrypt\$/);
    expect(await verifyPassword('another long password', stored)).toBe(true);
    expect(await codeOf(admin.create(GOOD))).toEqual(['USERNAME_TAKEN', undefined]);
  });

  it('checks every rule and names the field (FIELD_INVALID / FIELD_MISSING); cccd is optional', async () => {
    const admin = new UserAdmin(fakeUsers(), systemRandom);
    const cases: Array<[NewUserInput, string, string]> = [
      [{ ...GOOD, username: 'Bad Name' }, 'FIELD_INVALID', 'username'],
      [{ ...GOOD, displayName: ' ' }, 'FIELD_INVALID', 'displayName'],
      [{ ...GOOD, role: 'root' }, 'FIELD_INVALID', 'role'],
      [{ ...GOOD, cccd: '12' }, 'FIELD_INVALID', 'cccd'],
      [{ ...GOOD, password: 'short' }, 'FIELD_INVALID', 'password'],
      [{ ...GOOD, password: undefined }, 'FIELD_MISSING', 'password'],
      // The first problem in field order is the one reported.
      [{ ...GOOD, username: 'Bad Name', role: 'root' }, 'FIELD_INVALID', 'username'],
    ];
    for (const [input, code, field] of cases) expect(await codeOf(admin.create(input))).toEqual([code, field]);
    expect(await admin.create({ ...GOOD, cccd: undefined })).toMatchObject({ cccd: null });
  });
});

describe('UserAdmin.disable', () => {
  it('disables another account; never the admin’s own (CANNOT_DISABLE_SELF); USER_NOT_FOUND otherwise', async () => {
    const users = fakeUsers();
    const admin = new UserAdmin(users, systemRandom);
    await admin.create(GOOD);
    await admin.create({ ...GOOD, username: 'quan-tri', role: 'admin' });
    expect(await codeOf(admin.disable('quan-tri', 'quan-tri'))).toEqual(['CANNOT_DISABLE_SELF', undefined]);
    expect(users.rows.get('quan-tri')!.disabled).toBe(false);
    expect(await codeOf(admin.disable('quan-tri', 'nobody'))).toEqual(['USER_NOT_FOUND', undefined]);
    expect(await codeOf(admin.disable('quan-tri', 'Not A Username!'))).toEqual(['USER_NOT_FOUND', undefined]);
    expect(await admin.disable('quan-tri', 'nv-moi')).toMatchObject({ username: 'nv-moi', disabled: true });
  });
});

describe('UserAdmin: re-enable, password reset, a receptionist needs an ID-card number', () => {
  it('enables a disabled account, resets a password under the same rules (never stored as given), USER_NOT_FOUND otherwise', async () => {
    const users = fakeUsers();
    const admin = new UserAdmin(users, systemRandom);
    await admin.create(GOOD);
    await admin.disable('quan-ly', 'nv-moi');
    expect(await admin.enable('nv-moi')).toMatchObject({ username: 'nv-moi', disabled: false });
    const before = users.rows.get('nv-moi')!.passwordHash;
    await admin.resetPassword('nv-moi', 'a brand new long password');
    const after = users.rows.get('nv-moi')!.passwordHash;
    expect(after).not.toBe(before);
    expect(after).not.toContain('a brand new long password');
    expect(await codeOf(admin.resetPassword('nv-moi', 'short'))).toEqual(['FIELD_INVALID', 'password']);
    expect(await codeOf(admin.resetPassword('nv-moi', undefined))).toEqual(['FIELD_MISSING', 'password']);
    expect(await codeOf(admin.resetPassword('nobody', 'a brand new long password'))).toEqual(['USER_NOT_FOUND', undefined]);
    expect(await codeOf(admin.enable('nobody'))).toEqual(['USER_NOT_FOUND', undefined]);
  });

  it('refuses a receptionist without cccd (FIELD_MISSING naming it); other roles may have none', async () => {
    const admin = new UserAdmin(fakeUsers(), systemRandom);
    const { cccd: _none, ...noId } = GOOD;
    expect(await codeOf(admin.create({ ...noId, role: 'receptionist' }))).toEqual(['FIELD_MISSING', 'cccd']);
    expect(await admin.create({ ...noId, role: 'auditor' })).toMatchObject({ cccd: null });
  });
});
