import { afterEach, describe, expect, it, vi } from 'vitest';
import { runMain } from '../../../server/cli/run-main.js';

/** Resolves once runMain has settled (it chains one then() on main's promise). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.restoreAllMocks();
  // The worker itself must not exit with the code a case set.
  process.exitCode = undefined;
});

describe('runMain', () => {
  it("sets main's exit code and writes nothing", async () => {
    const write = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    runMain('tool', () => Promise.resolve(3), { failCode: 2 });
    await settled();
    expect(process.exitCode).toBe(3);
    expect(write).not.toHaveBeenCalled();
  });

  it('an unexpected error: one line naming the tool, and the failure code', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    runMain('backup', () => Promise.reject(new Error('disk full')), { failCode: 2, failedWord: 'failed' });
    await settled();
    expect(process.exitCode).toBe(2);
    expect(write.mock.calls).toEqual([['backup: failed: disk full\n']]);
    runMain('user', () => Promise.reject(Object.assign(new Error('odd'), { name: 'SqliteError' })), { failCode: 1 });
    await settled();
    expect(process.exitCode).toBe(1);
    expect(write.mock.calls[1]).toEqual(['user: unexpected error: odd\n']);
  });
});
