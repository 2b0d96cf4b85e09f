/**
 * The kiosk's pages (kiosk screen, audit, admin) built once for all the browser tests, as they
 * ship: Vite in production mode. Each browser test file used to run its own build (nine builds of
 * the same sources per `npm test` on a 2-core machine, ~10 s each, under the other tests' load).
 *
 * The build is kept under the system temp folder, named by a hash of everything it is made from
 * (the UI's sources, the wire types it imports, the Vite config and the lock file): a changed
 * source is a new build, never a stale one. Test workers that start together may both build; each
 * builds into its own folder and renames it into place, so a folder under its final name is always
 * complete. Builds of other sources older than a day are removed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build } from 'vite';

const ROOT = process.cwd();
const INPUTS = ['kiosk-ui', 'server/wire', 'vite.config.ts', 'package-lock.json', 'tsconfig.json'];
const CACHE = join(tmpdir(), 'bhyt-kiosk-ui-builds');
const DAY_MS = 86_400_000;

let built: Promise<string> | undefined;

/** The folder holding the built pages (give it to the service as `uiDir`; never remove it). */
export function builtKioskUi(): Promise<string> {
  built ??= buildOnce();
  return built;
}

async function buildOnce(): Promise<string> {
  const dir = join(CACHE, sourcesHash());
  if (exists(dir)) return dir;
  mkdirSync(CACHE, { recursive: true });
  const scratch = `${dir}.${process.pid}.tmp`;
  // Vitest runs with NODE_ENV=test, which would make Vite pick Lit's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: resolve(ROOT, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'error',
      build: { outDir: scratch, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  try {
    renameSync(scratch, dir);
  } catch (err) {
    // Another worker's identical build got there first: use it.
    rmSync(scratch, { recursive: true, force: true });
    if (!exists(dir)) throw err;
  }
  pruneOthers(dir);
  return dir;
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((p) => filesUnder(resolve(ROOT, p))).sort()) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 24);
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => filesUnder(join(path, e.name)));
}

function exists(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function pruneOthers(keep: string): void {
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (path === keep) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > DAY_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another run meanwhile.
    }
  }
}
