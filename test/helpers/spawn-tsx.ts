/**
 * Runs a TypeScript entry point as a child process the way an operator does
 * (`node --import tsx <script> …`, from the project root), collecting what it writes to stdout
 * and stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../server/project-root.js';

export interface SpawnedTsx {
  proc: ChildProcess;
  /** Everything the process wrote to stderr and stdout so far. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

export function spawnTsx(script: string, args: string[], env: NodeJS.ProcessEnv = {}): SpawnedTsx {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: projectRoot(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { proc, output: () => out, exited };
}
