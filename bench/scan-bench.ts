/** scan.*: filled in once the kiosk screen lands. */
export async function benchScan(_workDir: string): Promise<Record<string, unknown>> {
  throw new Error('not implemented yet');
}
