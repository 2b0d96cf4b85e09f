import { describe, expect, it } from 'vitest';
import { systemRandom } from '../../../server/clock.js';
import { createDemoAccounts, DEMO_ACCOUNTS, demoAccountsNotice, parseDemoAccountsNotice } from '../../../server/users/demo-accounts.js';
import type { UserRepository } from '../../../server/users/user-repo.js';

describe('demo accounts', () => {
  it('the receptionist has an ID-card number on file (the online check needs it); the notice reads back', async () => {
    const created: Array<{ username: string; cccd: string | null; displayName: string }> = [];
    const users = { create: (u: (typeof created)[number]) => Promise.resolve(void created.push(u)) } as unknown as UserRepository;
    const accounts = await createDemoAccounts(users, systemRandom);
    expect(created.map((u) => [u.username, u.cccd])).toStrictEqual([
      ['le-tan', '012195000101'],
      ['kiem-toan', null],
      ['quan-tri', null],
    ]);
    expect(created[0]!.displayName).toBe(DEMO_ACCOUNTS[0]!.displayName);
    const notice = demoAccountsNotice(accounts);
    expect(parseDemoAccountsNotice(notice)).toStrictEqual(accounts);
    expect(parseDemoAccountsNotice('no accounts here\n  le-tan')).toStrictEqual([]);
  });
});
