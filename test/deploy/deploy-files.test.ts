/**
 * deploy/: the systemd units pass `systemd-analyze verify` (and stay well hardened), run the
 * service with the same Node flags as `npm start`, the kiosk browser's managed policy allows the
 * camera for the kiosk's origin only, and the launcher scripts are valid shell.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/project-root.js';

const ROOT = projectRoot();
const DEPLOY = join(ROOT, 'deploy');
const SYSTEM_UNITS = ['bhyt-kiosk.service', 'bhyt-history-store.service', 'bhyt-kiosk-backup.service', 'bhyt-kiosk-backup.timer'];
const analyze = spawnSync('sh', ['-c', 'command -v systemd-analyze'], { encoding: 'utf8' }).stdout.trim();
const NO_ANALYZE = analyze === '' ? 'systemd-analyze is not installed (apt-get install systemd): the units are not verified' : '';
/** Said in the skipped tests' names, so a run without the tool shows why. */
const SKIPPED = NO_ANALYZE ? ` — SKIPPED: ${NO_ANALYZE}` : '';

const read = (p: string) => readFileSync(join(DEPLOY, p), 'utf8');
/** Every value of `Key=` in a unit file. */
const values = (unit: string, key: string) =>
  unit
    .split('\n')
    .filter((l) => l.startsWith(key + '='))
    .map((l) => l.slice(key.length + 1));

/** Copies units to a folder of their own; the Node binary is this machine's (the units name /usr/bin/node). */
function staged(files: string[], from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'units-'));
  for (const f of files) {
    let text = readFileSync(join(from, f), 'utf8');
    if (!existsSync('/usr/bin/node')) text = text.replaceAll('/usr/bin/node', process.execPath);
    text = text.replaceAll('/usr/local/lib/bhyt-kiosk/bhyt-kiosk-browser.sh', join(DEPLOY, 'kiosk-browser', 'bhyt-kiosk-browser.sh'));
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

function verify(dir: string, files: string[], user = false) {
  const env = { ...process.env, ...(user ? { XDG_RUNTIME_DIR: mkdtempSync(join(tmpdir(), 'xdg-')) } : {}) };
  const r = spawnSync(analyze, [...(user ? ['--user'] : []), 'verify', ...files.map((f) => join(dir, f))], { encoding: 'utf8', env });
  return { code: r.status, output: (r.stdout + r.stderr).trim() };
}

describe('deploy/systemd', () => {
  it.skipIf(NO_ANALYZE !== '')(`the system units pass systemd-analyze verify with nothing to say${SKIPPED}`, () => {
    const dir = staged(SYSTEM_UNITS, join(DEPLOY, 'systemd'));
    expect(verify(dir, SYSTEM_UNITS)).toEqual({ code: 0, output: '' });
  });

  it.skipIf(NO_ANALYZE !== '')(`the kiosk browser user unit passes systemd-analyze --user verify${SKIPPED}`, () => {
    const dir = staged(['bhyt-kiosk-browser.service'], join(DEPLOY, 'kiosk-browser'));
    expect(verify(dir, ['bhyt-kiosk-browser.service'], true)).toEqual({ code: 0, output: '' });
  });

  it.skipIf(NO_ANALYZE !== '')(`the services' exposure (systemd-analyze security) stays low${SKIPPED}`, () => {
    for (const unit of ['bhyt-kiosk.service', 'bhyt-history-store.service']) {
      const dir = staged([unit], join(DEPLOY, 'systemd'));
      const r = spawnSync(analyze, ['security', '--offline=yes', join(dir, unit)], { encoding: 'utf8' });
      const level = Number(/Overall exposure level for \S+: (\d+\.\d)/.exec(r.stdout)?.[1]);
      expect(level, r.stdout.slice(-500)).toBeLessThanOrEqual(2.0);
    }
  });

  it('each service runs from dist/ with the Node flags of npm start, as its own user, hardened, restarted on failure', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const flags = /\bnode\s+((?:--\S+\s+)*)dist\/server\/main\.js/.exec(pkg.scripts.start!)![1]!.trim();
    for (const [unit, entry] of [
      ['bhyt-kiosk.service', 'server/main'],
      ['bhyt-history-store.service', 'server/history-store/main'],
    ] as const) {
      const text = read(`systemd/${unit}`);
      expect(values(text, 'ExecStart')).toEqual([`/usr/bin/node ${flags} /opt/bhyt-kiosk/current/dist/${entry}.js`]);
      expect(existsSync(join(ROOT, `${entry}.ts`))).toBe(true);
      expect(values(text, 'Restart')).toEqual(['on-failure']);
      expect(values(text, 'RestartPreventExitStatus')).toEqual(['2']);
      expect(values(text, 'User')).toEqual(['bhyt-kiosk']);
      expect(values(text, 'StateDirectory')).toHaveLength(1);
      expect(values(text, 'ProtectSystem')).toEqual(['strict']);
      expect(values(text, 'NoNewPrivileges')).toEqual(['yes']);
      expect(values(text, 'PrivateTmp')).toEqual(['yes']);
      expect(values(text, 'EnvironmentFile')).toHaveLength(1);
      expect(values(text, 'MemoryDenyWriteExecute')).toEqual([]); // V8's JIT
    }
    expect(read('systemd/bhyt-kiosk.sysusers.conf')).toMatch(/^u bhyt-kiosk /m);
  });

  it('the nightly backup runs the backup tool with rotation, as the service user', () => {
    const svc = read('systemd/bhyt-kiosk-backup.service');
    expect(values(svc, 'Type')).toEqual(['oneshot']);
    expect(values(svc, 'User')).toEqual(['bhyt-kiosk']);
    expect(values(svc, 'ExecStart')[0]).toMatch(
      /^\/usr\/bin\/node \/opt\/bhyt-kiosk\/current\/dist\/server\/cli\/backup\.js --data-dir \/var\/lib\/bhyt-kiosk --out \/var\/backups\/bhyt-kiosk\/ --keep \d+$/,
    );
    expect(existsSync(join(ROOT, 'server/cli/backup.ts'))).toBe(true);
    const timer = read('systemd/bhyt-kiosk-backup.timer');
    expect(values(timer, 'OnCalendar')).toHaveLength(1);
    expect(values(timer, 'Persistent')).toEqual(['true']);
  });
});

describe('deploy: the kiosk browser', () => {
  const policy = JSON.parse(read('chromium/bhyt-kiosk-policy.json')) as Record<string, unknown>;
  const launcher = read('kiosk-browser/bhyt-kiosk-browser.sh');
  const defaultUrl = /KIOSK_URL="\$\{KIOSK_URL:-([^}]+)\}"/.exec(launcher)![1]!;
  const origin = new URL(defaultUrl).origin;

  it("Chromium's managed policy: the camera for the kiosk's origin only, no other site, no downloads, no dev tools", () => {
    expect(policy.VideoCaptureAllowed).toBe(false); // no prompts: only the listed origin gets it
    expect(policy.VideoCaptureAllowedUrls).toEqual([origin]);
    expect(policy.AudioCaptureAllowed).toBe(false);
    expect(policy.URLBlocklist).toEqual(['*']);
    expect(policy.URLAllowlist).toEqual([origin]);
    expect(policy.DownloadRestrictions).toBe(3);
    expect(policy.DeveloperToolsAvailability).toBe(2);
    expect(policy.IncognitoModeAvailability).toBe(1);
    expect(policy.ExtensionInstallBlocklist).toEqual(['*']);
  });

  it('the launcher runs Chromium in kiosk mode on that page, keeps the screen awake; the unit restarts it', () => {
    expect(launcher).toMatch(/--kiosk "\$KIOSK_URL"/);
    expect(launcher).toMatch(/systemd-inhibit --what=idle:sleep/);
    expect(launcher).toMatch(/xset s off -dpms s noblank/);
    const unit = read('kiosk-browser/bhyt-kiosk-browser.service');
    expect(values(unit, 'Restart')).toEqual(['always']);
    expect(values(unit, 'WantedBy')).toEqual(['graphical-session.target']);
  });

  it('the shell scripts parse', () => {
    for (const f of ['kiosk-browser/bhyt-kiosk-browser.sh', 'npm-start.sh']) {
      const r = spawnSync('sh', ['-n', join(DEPLOY, f)], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
  });
});
