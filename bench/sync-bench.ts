/** sync.*: filled in once the sync worker lands. */
export async function benchSync(_workDir: string, _trustFile: string): Promise<Record<string, number>> {
  throw new Error('not implemented yet');
}
