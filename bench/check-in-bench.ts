import type { BenchCard } from './fixtures.js';
import type { Started } from './processes.js';

/** checkIn.*: filled in once the visit log lands (POST /api/check-ins). */
export async function benchCheckIns(_kiosk: Started, _card: BenchCard, _workDir: string): Promise<Record<string, number>> {
  throw new Error('not implemented yet');
}
