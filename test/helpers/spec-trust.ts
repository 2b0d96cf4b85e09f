import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { issueCard, type IssueCardInput } from '../../server/card/issue.js';
import { demoCardInput } from '../../server/issuer/demo-card.js';
import { ecThumbprint } from '../../server/trust/thumbprint.js';

/** The SMART Health Cards spec's example issuer, as published in ../shared/vectors. */
export const SPEC_ISS = 'https://spec.smarthealth.cards/examples/issuer';
export const VECTORS = resolve(process.cwd(), '../shared/vectors');

/** The demo issuer's sample holder, covered through 2026 (the year the tests' clocks are frozen in). */
export const SAMPLE_CARD: IssueCardInput = demoCardInput(Date.parse('2026-06-01T00:00:00Z'));

/**
 * A throwaway issuer (fresh P-256 key) plus a trust file that trusts it and the spec's example
 * issuer (keys and revocation list from ../shared/vectors), written to a temp folder.
 */
export function makeTrustFixture(opts: { updatedAt?: string } = {}) {
  const iss = 'https://bhxh.test.example.vn';
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pub = publicKey.export({ format: 'jwk' }) as { crv: string; x: string; y: string };
  const kid = ecThumbprint(pub);
  const dir = mkdtempSync(join(tmpdir(), 'trust-fixture-'));
  const trustFile = join(dir, 'trust.json');
  const specWellKnown = join(VECTORS, 'shc-spec/issuer/.well-known');
  writeFileSync(
    trustFile,
    JSON.stringify({
      updatedAt: opts.updatedAt ?? '2026-11-25T00:00:00Z',
      issuers: [
        { iss, name: 'BHXH (test)', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: pub.x, y: pub.y, kid, use: 'sig', alg: 'ES256' }] } },
        {
          iss: SPEC_ISS,
          name: 'SMART Health Cards spec examples',
          jwks: join(specWellKnown, 'jwks.json'),
          crl: {
            '3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s': join(specWellKnown, 'crl/3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json'),
          },
        },
      ],
    }),
  );
  const signer: { iss: string; kid: string; privateKey: KeyObject } = { iss, kid, privateKey };
  return {
    trustFile,
    signer,
    issue: (now: number, input: Partial<IssueCardInput> = {}, rid?: string) =>
      issueCard({ ...SAMPLE_CARD, ...input }, signer, rid ? { now, rid } : { now }),
  };
}
