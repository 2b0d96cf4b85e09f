/**
 * `npm run demo`: the whole path on one machine. Starts, on 127.0.0.1, the reference portal, the
 * reference medical-history store and the kiosk service (each its own process, the same entry
 * point as its npm script; the kiosk with the Node flags of `npm start`), with a demo folder
 * (default data/demo/) seeded and the three configured for each other (seed.ts). Prints what to
 * scan and where to sign in, then a line starting "demo ready"; runs until SIGINT / SIGTERM, then
 * stops the kiosk, the store and the portal in that order (each drains) and exits 0. A child that
 * dies stops the others: exit 1 with its name and the end of its log.
 *
 * Exit: 0 stopped cleanly, 1 could not start / a child failed, 2 usage (flags, folder in use).
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vietnamDay } from '../wire/vietnam-time.js';
import { ConfigError } from '../errors.js';
import { DataDirLockedError, lockDataDir, type DataDirLock } from '../db/data-dir-lock.js';
import { DEFAULT_DEMO_TRUST_FILE } from '../issuer/demo-state.js';
import { projectRoot } from '../project-root.js';
import { DEMO_ACCOUNTS, parseDemoAccountsNotice } from '../users/demo-accounts.js';
import { demoUsage, loadDemoConfig, type DemoConfig } from './config.js';
import { demoPaths, type DemoPaths } from './layout.js';
import { DEMO_FACILITY, DEMO_PORTAL_USER, prepareDemoFolder, seedDemo, type DemoSeed } from './seed.js';
import { DemoChild, describeExit, stopAll } from './supervisor.js';

const HOST = '127.0.0.1';
const NOTICE_WAIT_MS = 10_000;

const say = (text = '') => process.stdout.write(text + '\n');
const complain = (text: string) => process.stderr.write(`demo: ${text}\n`);

/** The children run the same build as this module: tsx sources next to a .ts file, compiled JS in dist/. */
function entries(): { node: string[]; kiosk: string; store: string; portal: string } {
  const here = fileURLToPath(import.meta.url);
  const ext = here.endsWith('.ts') ? '.ts' : '.js';
  const server = resolve(dirname(here), '..');
  return {
    node: ext === '.ts' ? ['--import', 'tsx'] : [],
    kiosk: join(server, `main${ext}`),
    store: join(server, 'history-store', `main${ext}`),
    portal: join(server, 'reference-portal', `main${ext}`),
  };
}

/** The environment without any of the services' own settings, so the demo's flags are all they see. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(KIOSK|HISTORY_STORE|PORTAL|DEMO)_/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen({ port, host: HOST, exclusive: true }, () => probe.close(() => done(true)));
  });
}

async function takenPorts(config: DemoConfig): Promise<string[]> {
  const out: string[] = [];
  for (const [flag, what, port] of [
    ['kiosk-port', 'kiosk service', config.kioskPort],
    ['store-port', 'reference store', config.storePort],
    ['portal-port', 'reference portal', config.portalPort],
  ] as const)
    if (port !== 0 && !(await portFree(port)))
      out.push(`port ${port} on ${HOST} (the ${what}) is already in use: stop what listens there, or pass --${flag} P`);
  return out;
}

function show(root: string, file: string): string {
  const r = relative(root, file);
  return r.startsWith('..') ? file : r;
}

function summary(
  paths: DemoPaths,
  seed: DemoSeed,
  urls: { kiosk: string; store: string; portal: string },
  accounts: ReturnType<typeof parseDemoAccountsNotice>,
  cwd: string,
): string[] {
  const f = (p: string) => show(cwd, p);
  const receptionist = DEMO_ACCOUNTS.find((a) => a.role === 'receptionist')!;
  const auditor = DEMO_ACCOUNTS.find((a) => a.role === 'auditor')!;
  const lines = [
    '',
    `bhyt-kiosk demo — folder ${f(paths.root)} (DEMO ONLY: synthetic people, the demo issuer's public private key)`,
    '',
    `  kiosk screen      ${urls.kiosk}/        sign in as ${receptionist.username} (receptionist, ${receptionist.displayName})`,
    `  auditor page      ${urls.kiosk}/audit   sign in as ${auditor.username} (auditor)`,
    `  reference portal  ${urls.portal}        facility account ${DEMO_PORTAL_USER} (${DEMO_FACILITY}); password in ${f(paths.portalPassword)}; data ${f(join(paths.portal, 'portal.json'))}`,
    `  reference store   ${urls.store}        the kiosk syncs each visit here; API key in ${f(paths.storeKeys)}`,
    `  check-in records  signed with the DEMO facility key in ${f(paths.facility)}/ (its certificate registered with the portal)`,
    `  logs              ${f(paths.logs)}/ (portal.log, store.log, kiosk.log)`,
    '',
  ];
  if (accounts.length > 0) {
    lines.push('Demo accounts (passwords shown ONCE, here; not stored anywhere in clear):');
    for (const a of accounts) lines.push(`  ${a.username.padEnd(10)} ${a.role.padEnd(13)} ${a.password}`);
  } else {
    lines.push(
      `Demo accounts ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')} already exist in this folder: their passwords were printed when it was made (${seed.state.createdAt}).`,
      `  Forgot them? npm run -s user -- passwd ${receptionist.username} --data-dir ${f(paths.kiosk)}   or start over: npm run demo -- --fresh`,
    );
  }
  const year = vietnamDay(Date.now()).slice(0, 4);
  lines.push(
    '',
    'What to scan (paste the text into "Dán mã thẻ", or hold the PNG up to the camera):',
    `  1. paper card / VssID QR (unsigned: CẦN KIỂM TRA, then the portal answers 000)   ${f(seed.legacy.png)}`,
    `     ${seed.legacy.qr}`,
    `  2. chip ID card (CCCD) QR of the same person (ID_CARD_PRESENTED, portal 000)       ${f(seed.idCard.png)}`,
    `     ${seed.idCard.qr}`,
    `  3. signed digital card (HỢP LỆ offline)                                            ${f(seed.signed.png)}`,
    `     ${seed.signed.qr}`,
    `     revoke it while the demo runs (the next scan: KHÔNG HỢP LỆ, REVOKED; no restart):`,
    `     npm run -s issuer -- revoke --rid ${seed.signed.rid} --data-dir ${f(paths.kiosk)}`,
    '',
    "After a check-in, the patient's visit book at the store:",
    `  curl -s -H "Authorization: Bearer $(node -p 'Object.keys(require(process.argv[1]))[0]' ${paths.storeKeys})" ${urls.store}/v1/patients/${seed.legacyMaSoBhxh}/visits?year=${year}`,
    'and the check-in records the portal received from this facility:',
    `  curl -s ${urls.portal}/api/test/checkin-records?maCSKCB=${DEMO_FACILITY}`,
    'The visit log checked against the checkpoints the store holds for this kiosk (exit 0: intact and anchored):',
    `  npm run -s audit -- verify --data-dir ${f(paths.kiosk)} --store ${urls.store} --store-key "$(node -p 'Object.keys(require(process.argv[1]))[0]' ${paths.storeKeys})"`,
    '',
    `More cards for this portal: npm run -s issuer -- demo-card --data-dir ${f(paths.kiosk)} --portal-data ${f(paths.portal)} --png /tmp/card.png`,
    '',
  );
  return lines;
}

async function main(): Promise<number> {
  let config: DemoConfig;
  try {
    const loaded = loadDemoConfig(process.argv.slice(2), process.env);
    if (loaded.help) {
      say(demoUsage());
      return 0;
    }
    config = loaded.config;
  } catch (err) {
    if (err instanceof ConfigError) {
      complain(`${err.message}\n\n${demoUsage()}`);
      return 2;
    }
    throw err;
  }
  const cwd = process.cwd();
  const root = projectRoot();
  const paths = demoPaths(config.dataDir);
  const taken = await takenPorts(config);
  if (taken.length > 0) {
    complain(`cannot start:\n  - ${taken.join('\n  - ')}`);
    return 1;
  }
  let lock: DataDirLock;
  try {
    prepareDemoFolder(paths, false);
    lock = await lockDataDir(paths.root);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      complain(`cannot start: the demo folder ${paths.root} is in use by another npm run demo (stop it first, or pass --data-dir)`);
      return 2;
    }
    if (err instanceof ConfigError) {
      complain(`cannot start: ${err.problems.join('; ')}`);
      return 2;
    }
    throw err;
  }
  const children: DemoChild[] = [];
  let stopping = false;
  const stop = async (why: string): Promise<boolean> => {
    stopping = true;
    if (children.length > 0) complain(`${why}: stopping the kiosk service, the store and the portal…`);
    const clean = await stopAll([...children].reverse());
    await lock.release();
    return clean;
  };
  try {
    if (config.fresh) prepareDemoFolder(paths, true);
    const seed = await seedDemo(paths, { projectRoot: root, now: Date.now() });
    if (!existsSync(join(root, 'dist', 'kiosk-ui', 'index.html')))
      complain('the kiosk screen is not built (dist/kiosk-ui): run npm run build first (npm run demo does)');

    const e = entries();
    const start = async (name: string, log: string, entry: string, listeningMsg: string, args: string[], env = {}, node: string[] = []) => {
      const child = new DemoChild({
        name,
        command: process.execPath,
        args: [...node, ...e.node, entry, ...args],
        env: cleanEnv(env),
        cwd: root,
        logFile: join(paths.logs, log),
        listeningMsg,
      });
      children.push(child);
      return child.listening();
    };
    const portal = await start('reference portal', 'portal.log', e.portal, 'reference portal listening', [
      '--port',
      String(config.portalPort),
      '--host',
      HOST,
      '--data-dir',
      paths.portal,
    ]);
    const store = await start('reference store', 'store.log', e.store, 'medical-history store listening', [
      '--port',
      String(config.storePort),
      '--host',
      HOST,
      '--data-dir',
      paths.store,
      '--keys',
      paths.storeKeys,
    ]);
    const kiosk = await start(
      'kiosk service',
      'kiosk.log',
      e.kiosk,
      'kiosk service listening',
      [
        ...[
          '--port',
          String(config.kioskPort),
          '--host',
          HOST,
          '--data-dir',
          paths.kiosk,
          '--trust-file',
          join(root, DEFAULT_DEMO_TRUST_FILE),
        ],
        ...['--facility', DEMO_FACILITY, '--demo-accounts', '--sync-url', store],
        ...['--portal-url', portal, '--portal-user', DEMO_PORTAL_USER, '--portal-password-file', paths.portalPassword],
        ...['--facility-key-file', paths.facilityKey, '--facility-cert-file', paths.facilityCert],
      ],
      // The key stays off the command line (other local users can read argv).
      { KIOSK_SYNC_KEY: seed.storeKey },
      ['--max-semi-space-size=8'],
    );
    const kioskChild = children[2]!;
    let accounts = parseDemoAccountsNotice(kioskChild.stdout);
    if (seed.kioskFresh) {
      // The notice is written before the kiosk listens; its pipe may still be in flight.
      const deadline = Date.now() + NOTICE_WAIT_MS;
      while (accounts.length < DEMO_ACCOUNTS.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        accounts = parseDemoAccountsNotice(kioskChild.stdout);
      }
    }
    for (const line of summary(paths, seed, { kiosk, store, portal }, accounts, cwd)) say(line);
    say(`demo ready: ${kiosk}/ — Ctrl-C stops all three`);
  } catch (err) {
    const failed = children.find((c) => !c.running);
    if (failed) complain(`cannot start: ${(err as Error).message}. The end of its log:\n${failed.tail()}`);
    else complain(`cannot start: ${err instanceof ConfigError ? err.problems.join('; ') : (err as Error).message}`);
    await stop('start failed');
    return 1;
  }

  return new Promise<number>((done) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return complain(`${signal} again: still stopping (each service gets up to 20 s)`);
      void stop(signal).then((clean) => {
        complain(clean ? 'all three stopped' : 'stopped, but a service did not exit cleanly (see its log)');
        done(clean ? 0 : 1);
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    for (const c of children)
      void c.exited.then(() => {
        if (stopping) return;
        complain(`the ${c.spec.name} stopped unexpectedly (${describeExit(c.proc)}). The end of its log (${c.spec.logFile}):\n${c.tail()}`);
        void stop('a service died').then(() => done(1));
      });
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo: fatal: ${err instanceof Error ? err.name : 'error'}\n`);
    process.exit(1);
  },
);
