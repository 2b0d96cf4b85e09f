import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchCard } from './fixtures.js';

/** A trust file trusting only the benchmark's throwaway issuer. */
export function writeBenchTrust(dir: string, card: BenchCard): string {
  const file = join(dir, 'trust.json');
  writeFileSync(
    file,
    JSON.stringify({
      updatedAt: new Date(card.now).toISOString(),
      issuers: [{ iss: card.iss, name: 'Bench', jwks: { keys: [card.publicJwk] } }],
    }),
  );
  return file;
}
