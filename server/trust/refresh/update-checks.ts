/**
 * Rules an update must pass beyond being well-formed (buildTrustSnapshot checks that): a
 * refresh may only move revocation forward. A mirror that serves an older list, drops a list,
 * changes a list without bumping its counter or un-revokes a key could otherwise quietly
 * re-admit withdrawn cards.
 */
import type { TrustedIssuer } from '../types.js';

export interface UpdateProblem {
  code: 'CRL_COUNTER_ROLLBACK' | 'CRL_CHANGED_WITHOUT_COUNTER' | 'KEY_UNREVOKED';
  problem: string;
}

export interface UpdateNotice {
  code: 'TRUST_KEY_REMOVED' | 'TRUST_KEY_ADDED' | 'CRL_UPDATED';
  kid: string;
  ctr?: number;
}

function sameRids(a: Map<string, number | null>, b: Map<string, number | null>): boolean {
  if (a.size !== b.size) return false;
  for (const [rid, cutoff] of a) if (!b.has(rid) || b.get(rid) !== cutoff) return false;
  return true;
}

export function checkIssuerUpdate(current: TrustedIssuer, next: TrustedIssuer): { problems: UpdateProblem[]; notices: UpdateNotice[] } {
  const problems: UpdateProblem[] = [];
  const notices: UpdateNotice[] = [];
  const nextKeys = new Map(next.keys.map((k) => [k.kid, k]));
  const currentKids = new Set(current.keys.map((k) => k.kid));

  for (const key of current.keys) {
    const after = nextKeys.get(key.kid);
    // Removal is the issuer's call (a key's cards then become KEY_UNKNOWN); it is logged.
    if (!after) notices.push({ code: 'TRUST_KEY_REMOVED', kid: key.kid });
    else if (key.revoked && !after.revoked)
      problems.push({ code: 'KEY_UNREVOKED', problem: `${current.iss}: key ${key.kid} was revoked and is no longer` });
  }
  for (const kid of nextKeys.keys()) if (!currentKids.has(kid)) notices.push({ code: 'TRUST_KEY_ADDED', kid });

  for (const [kid, list] of current.crl) {
    if (!nextKeys.has(kid)) continue; // the key left with its list
    const after = next.crl.get(kid);
    if (!after) {
      problems.push({ code: 'CRL_COUNTER_ROLLBACK', problem: `${current.iss}: revocation list for key ${kid} (ctr ${list.ctr}) is gone` });
    } else if (after.ctr < list.ctr) {
      problems.push({
        code: 'CRL_COUNTER_ROLLBACK',
        problem: `${current.iss}: revocation list for key ${kid} went back from ctr ${list.ctr} to ${after.ctr}`,
      });
    } else if (after.ctr === list.ctr && !sameRids(list.rids, after.rids)) {
      problems.push({
        code: 'CRL_CHANGED_WITHOUT_COUNTER',
        problem: `${current.iss}: revocation list for key ${kid} changed but ctr stayed ${list.ctr}`,
      });
    } else if (after.ctr > list.ctr) {
      notices.push({ code: 'CRL_UPDATED', kid, ctr: after.ctr });
    }
  }
  for (const [kid, list] of next.crl) if (!current.crl.has(kid)) notices.push({ code: 'CRL_UPDATED', kid, ctr: list.ctr });
  return { problems, notices };
}
