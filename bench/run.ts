/**
 * `npm run bench`: measures every hot path against its physical limit or a peer, in one run,
 * prints a table (goal met or missed, honestly) and writes bench/results.json. Every process it
 * starts is stopped at the end. Sections that cannot run record why instead of a number.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createBenchReceptionist } from './bench-user.js';
import { benchCheckIns } from './check-in-bench.js';
import { makeBenchCard } from './fixtures.js';
import { benchHttpVerify } from './http-bench.js';
import { benchPeer } from './peer-bench.js';
import { benchPortal } from './portal-bench.js';
import { freePort, ROOT, serviceNodeFlags, startProcess } from './processes.js';
import { benchScan } from './scan-bench.js';
import { benchStartup } from './startup-bench.js';
import { benchStorePg } from './store-pg-bench.js';
import { benchSync } from './sync-bench.js';
import { writeBenchTrust } from './trust-file.js';
import { benchVerify } from './verify-bench.js';

type Json = Record<string, unknown>;
const results: Json = {};
const errors: Record<string, string> = {};

// `npm run bench -- --only store-pg[,sync…]` runs just those sections and merges their figures
// into the existing bench/results.json instead of replacing it.
const onlyArg = process.argv.slice(2).find((a, i, all) => a.startsWith('--only=') || all[i - 1] === '--only');
const only = onlyArg === undefined ? undefined : new Set(onlyArg.replace(/^--only=/, '').split(','));

async function section(name: string, fn: () => Promise<void> | void) {
  if (only && !only.has(name)) return;
  const t0 = performance.now();
  process.stderr.write(`bench: ${name}…\n`);
  try {
    await fn();
  } catch (err) {
    errors[name] = err instanceof Error ? err.message.slice(0, 500) : String(err);
    process.stderr.write(`bench: ${name} failed: ${errors[name]}\n`);
  }
  process.stderr.write(`bench: ${name} took ${Math.round((performance.now() - t0) / 1000)} s\n`);
}

const started = Date.now();
const card = await makeBenchCard(Date.now());
const workDir = mkdtempSync(join(tmpdir(), 'bhyt-bench-'));
const trustFile = writeBenchTrust(workDir, card);

await section('verify', () => {
  results.verify = benchVerify(card);
});
await section('peer', async () => {
  results.peer = await benchPeer(card, (results.verify as { perSecond: number }).perSecond);
});
await section('http', async () => {
  const port = await freePort();
  const password = await createBenchReceptionist(join(workDir, 'kiosk-http'));
  const kiosk = await startProcess({
    entry: [
      ...serviceNodeFlags(),
      'dist/server/main.js',
      '--port',
      String(port),
      '--data-dir',
      join(workDir, 'kiosk-http'),
      '--trust-file',
      trustFile,
      '--trust-refresh',
      '0',
      '--no-demo-accounts',
    ],
    port,
    readyPath: '/api/status',
  });
  results.startupMs = Math.round(kiosk.startupMs);
  try {
    results.http = await benchHttpVerify(kiosk.url, card.qrText);
    await section('checkIn', async () => {
      results.checkIn = await benchCheckIns(kiosk, card, password);
    });
    results.rssMb = Math.round(kiosk.rssMb());
  } finally {
    await kiosk.stop();
  }
});
await section('portal', async () => {
  results.portal = await benchPortal(workDir, trustFile);
});
await section('sync', async () => {
  results.sync = await benchSync(workDir, trustFile);
});
await section('scan', async () => {
  results.scan = await benchScan(workDir);
});
await section('startup', async () => {
  results.startup = await benchStartup(trustFile);
});
await section('store-pg', async () => {
  results.storePg = await benchStorePg(workDir, trustFile);
});

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
};
const run = { date: new Date(started).toISOString(), machine, durationSec: Math.round((Date.now() - started) / 1000) };
const resultsFile = join(ROOT, 'bench/results.json');
const previous = (only && existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {}) as Json & { errors?: Json };
const keptErrors = Object.fromEntries(Object.entries(previous.errors ?? {}).filter(([k]) => !only?.has(k)));
const out = only
  ? {
      ...previous,
      ...results,
      errors: { ...keptErrors, ...errors },
      partialRuns: { ...(previous.partialRuns as Json), [[...only].join(',')]: run },
    }
  : { ...run, ...results, errors };
writeFileSync(resultsFile, JSON.stringify(out, null, 2) + '\n');

// The table: each figure with its goal, and whether it is met.
const get = (path: string): number | undefined => {
  let v: unknown = out;
  for (const k of path.split('.')) v = (v as Json | undefined)?.[k];
  return typeof v === 'number' ? v : undefined;
};
const rows: [string, string, (v: number) => boolean][] = [
  ['verify.perSecond', '—', () => true],
  ['verify.rawEcdsaPerSecond', '—', () => true],
  ['verify.ratio', '≥ 0.6', (v) => v >= 0.6],
  ['peer.perSecond', '—', () => true],
  ['peer.ratio', '≥ 2', (v) => v >= 2],
  ['http.requestsPerSecond', '≥ 4000', (v) => v >= 4000],
  ['http.p50Ms', '—', () => true],
  ['http.p99Ms', '≤ 25', (v) => v <= 25],
  ['checkIn.perSecond', '≥ 2000', (v) => v >= 2000],
  ['checkIn.p99Ms', '—', () => true],
  ['portal.overheadMs', '—', () => true],
  ['portal.checkInsPerSecond', '—', () => true],
  ['sync.visitsPerSecond', '≥ 5000', (v) => v >= 5000],
  ['rssMb', '≤ 150', (v) => v <= 150],
  ['scan.cameraToVerdictMs.p50', '≤ 250', (v) => v <= 250],
  ['scan.cameraToVerdictMs.p95', '—', () => true],
  ['scan.wedgeToVerdictMs.p50', '≤ 60', (v) => v <= 60],
  ['scan.decodeRate', '—', () => true],
  ['startupMs', '≤ 1000', (v) => v <= 1000],
  ['storePg.ingest.visitsPerSecond', '—', () => true],
  ['storePg.drain.visitsPerSecond', '≥ 5000', (v) => v >= 5000],
  ['storePg.book.postgres.sequential.p99Ms', '≤ 10', (v) => v <= 10],
  ['storePg.book.sqlite.sequential.p99Ms', '—', () => true],
];
const lines = [`bhyt-kiosk benchmark ${run.date} — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`, ''];
lines.push(`${'key'.padEnd(30)}${'value'.padStart(12)}  ${'goal'.padEnd(9)}met`);
for (const [key, goal, ok] of rows) {
  const v = get(key);
  lines.push(
    `${key.padEnd(30)}${(v === undefined ? 'n/a' : String(v)).padStart(12)}  ${goal.padEnd(9)}${v === undefined ? 'not measured' : goal === '—' ? '' : ok(v) ? 'yes' : 'MISSED'}`,
  );
}
for (const [k, e] of Object.entries(errors)) lines.push(`! ${k}: ${e}`);
lines.push('', `peer: ${(out as Json & { peer?: { name?: string } }).peer?.name ?? 'n/a'}`, 'written: bench/results.json');
process.stdout.write(lines.join('\n') + '\n');
process.exit(0);
