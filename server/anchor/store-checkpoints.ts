/**
 * Fetches the checkpoints the medical-history store holds for one kiosk (GET /v1/checkpoints, the
 * kiosk's API key), every page, and checks each one's signature against the key the store pinned:
 * the auditor then knows they are the kiosk's own statements, not the store's say-so.
 */
import { jwkThumbprint, verifyCheckpoint, CheckpointInvalid } from './checkpoint.js';
import { MAX_CHECKPOINT_PAGE, type CheckpointClaims, type CheckpointPage } from '../wire/checkpoints.js';

export class StoreCheckpointError extends Error {
  constructor(
    readonly code: 'STORE_UNREACHABLE' | 'STORE_AUTH_FAILED' | 'STORE_BAD_RESPONSE' | 'STORE_CHECKPOINT_FORGED',
    message: string,
  ) {
    super(message);
    this.name = 'StoreCheckpointError';
  }
}

export interface StoreCheckpoints {
  /** The pinned kiosk key's thumbprint (undefined: the store never heard from this kiosk). */
  thumbprint: string | undefined;
  /** Oldest first, each verified. */
  items: CheckpointClaims[];
}

const MAX_PAGES = 10_000;

export async function fetchStoreCheckpoints(
  baseUrl: string,
  apiKey: string,
  opts: { timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): Promise<StoreCheckpoints> {
  const fetchImpl = opts.fetchImpl ?? fetch;
  const base = baseUrl.replace(/\/+$/, '');
  const items: CheckpointClaims[] = [];
  let thumbprint: string | undefined;
  let after = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    let res: Response;
    let body: CheckpointPage;
    try {
      res = await fetchImpl(`${base}/v1/checkpoints?after=${after}&limit=${MAX_CHECKPOINT_PAGE}`, {
        headers: { accept: 'application/json', authorization: `Bearer ${apiKey}` },
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } })?.cause?.code;
      throw new StoreCheckpointError('STORE_UNREACHABLE', `cannot reach the store${cause ? ` (${cause})` : ''}`);
    }
    if (res.status === 401 || res.status === 403)
      throw new StoreCheckpointError('STORE_AUTH_FAILED', `the store refused the key (${res.status})`);
    if (res.status !== 200) throw new StoreCheckpointError('STORE_BAD_RESPONSE', `the store answered ${res.status}`);
    try {
      body = (await res.json()) as CheckpointPage;
    } catch {
      throw new StoreCheckpointError('STORE_BAD_RESPONSE', 'the store answered with something that is not JSON');
    }
    if (!body || !Array.isArray(body.items) || (body.next !== null && !Number.isSafeInteger(body.next))) {
      throw new StoreCheckpointError('STORE_BAD_RESPONSE', 'the store answered with an unexpected shape');
    }
    if (body.kioskKey === null) return { thumbprint: undefined, items: [] };
    // The thumbprint the caller compares with the kiosk's own key must be the listed key's, not the store's say-so.
    let listed: string | undefined;
    try {
      listed = await jwkThumbprint(body.kioskKey.jwk);
    } catch {
      listed = undefined;
    }
    if (listed === undefined || listed !== body.kioskKey.thumbprint || (thumbprint !== undefined && listed !== thumbprint))
      throw new StoreCheckpointError('STORE_CHECKPOINT_FORGED', 'the kiosk key the store lists is not the key its thumbprint names');
    thumbprint = listed;
    for (const item of body.items) {
      let claims: CheckpointClaims;
      try {
        claims = await verifyCheckpoint(item.jws, body.kioskKey.jwk);
      } catch (err) {
        if (err instanceof CheckpointInvalid)
          throw new StoreCheckpointError(
            'STORE_CHECKPOINT_FORGED',
            `a checkpoint the store lists is not signed by the pinned kiosk key (${err.detail})`,
          );
        throw err;
      }
      if (
        claims.visits.seq !== item.visits?.seq ||
        claims.visits.hash !== item.visits?.hash ||
        claims.cardChecks.seq !== item.cardChecks?.seq ||
        claims.cardChecks.hash !== item.cardChecks?.hash
      ) {
        throw new StoreCheckpointError('STORE_CHECKPOINT_FORGED', 'a checkpoint the store lists differs from what the kiosk signed');
      }
      items.push(claims);
    }
    if (body.next === null) return { thumbprint, items };
    if (body.next <= after) throw new StoreCheckpointError('STORE_BAD_RESPONSE', 'the store’s pages do not advance');
    after = body.next;
  }
  throw new StoreCheckpointError('STORE_BAD_RESPONSE', 'too many pages');
}
