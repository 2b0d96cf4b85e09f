/**
 * The demo's three children: each one a real process (the same entry point its own npm script
 * runs), its JSON log (stderr) appended to a file, its stdout kept in memory only (the kiosk's
 * one-time demo-account notice goes there: passwords never reach a file). A child is started
 * and waited for until its "listening" line names its URL, bounded in time; `stopAll` sends
 * SIGTERM (each drains itself), waits, and SIGKILLs what is left after the grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

const START_TIMEOUT_MS = 60_000;
/** A service drains within 15 s (process-lifecycle.ts) or exits 1; past this it is killed. */
const STOP_GRACE_MS = 20_000;
const TAIL_LINES = 15;

export interface ChildSpec {
  /** What the demo calls it in messages ("reference portal", "kiosk service" …). */
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
  /** The JSON log message that says it listens (its `url` member is read). */
  listeningMsg: string;
}

export class DemoChild {
  readonly proc: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #stdout = '';
  #tail: string[] = [];
  #partial = '';
  #url: string | undefined;
  readonly #log: WriteStream;

  constructor(readonly spec: ChildSpec) {
    this.#log = createWriteStream(spec.logFile, { flags: 'a', mode: 0o600 });
    // Its own process group: a Ctrl-C at the terminal reaches only the demo, which stops the
    // children in order (kiosk first, so its last sync and portal calls still find the others).
    this.proc = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.proc.stdout!.on('data', (b: Buffer) => (this.#stdout += b.toString('utf8')));
    this.proc.stderr!.on('data', (b: Buffer) => this.#onStderr(b));
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.#log.end();
        resolve({ code, signal });
      });
      this.proc.once('error', () => resolve({ code: 127, signal: null }));
    });
  }

  #onStderr(b: Buffer): void {
    this.#log.write(b);
    const lines = (this.#partial + b.toString('utf8')).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) {
      this.#tail.push(line);
      if (this.#tail.length > TAIL_LINES) this.#tail.shift();
      if (this.#url === undefined && line.includes(`"${this.spec.listeningMsg}"`)) {
        try {
          this.#url = (JSON.parse(line) as { url?: string }).url;
        } catch {
          // not a JSON log line
        }
      }
    }
  }

  get stdout(): string {
    return this.#stdout;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** The last lines of its log (its own refusal message is among them). */
  tail(): string {
    return [...this.#tail, this.#partial].filter((l) => l.trim() !== '').join('\n');
  }

  /** Resolves with its URL once it listens; rejects when it exits first or takes too long. */
  async listening(): Promise<string> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (this.#url === undefined) {
      if (!this.running) throw new Error(`the ${this.spec.name} exited before it listened (${describeExit(this.proc)})`);
      if (Date.now() > deadline) throw new Error(`the ${this.spec.name} did not listen within ${START_TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.#url;
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves with its exit. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (this.running) this.proc.kill('SIGKILL');
      }, STOP_GRACE_MS);
      const result = await this.exited;
      clearTimeout(timer);
      return result;
    }
    return this.exited;
  }
}

export function describeExit(proc: ChildProcess): string {
  return proc.signalCode !== null ? `signal ${proc.signalCode}` : `exit code ${String(proc.exitCode)}`;
}

/** Stops children in the given order, one after the other; true when every one exited 0 (or was already stopped by us). */
export async function stopAll(children: readonly DemoChild[]): Promise<boolean> {
  let clean = true;
  for (const c of children) {
    const wasRunning = c.running;
    const { code } = await c.stop();
    if (wasRunning && code !== 0) clean = false;
  }
  return clean;
}
