/**
 * Issue #13 item 9: `npm run -s user -- list` (and passwd, disable) without the service's data
 * folder says so and exits 1; it never creates an empty database elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const CLI = join(process.cwd(), 'server', 'cli', 'user.ts');
const cwd = mkdtempSync(join(tmpdir(), 'kiosk-user-nodb-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function user(args: string[]) {
  const env = { ...process.env };
  delete env.KIOSK_DATA_DIR;
  const r = spawnSync(TSX, [CLI, ...args], { cwd, env, input: 'a long enough password\n', encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run user without a database', () => {
  it('list, passwd and disable refuse (exit 1) and create nothing', () => {
    for (const args of [['list'], ['passwd', 'le-tan'], ['disable', 'le-tan'], ['list', '--data-dir', 'elsewhere']]) {
      const r = user(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toMatch(/no kiosk database in .*kiosk\.sqlite.*--data-dir/);
    }
    expect(existsSync(join(cwd, 'data'))).toBe(false);
    expect(existsSync(join(cwd, 'elsewhere'))).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
