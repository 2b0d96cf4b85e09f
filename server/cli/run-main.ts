/**
 * How every command-line tool ends: its main's exit code, or, when main throws something it did
 * not expect, one line on stderr naming the tool (never a stack with a patient's data in it) and
 * the tool's failure code.
 */
export function runMain(tool: string, main: () => Promise<number>, opts: { failCode: number; failedWord?: string }): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${tool}: ${opts.failedWord ?? 'unexpected error'}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = opts.failCode;
    },
  );
}
