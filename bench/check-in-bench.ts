/**
 * checkIn.*: POST /api/check-ins of distinct cards by a signed-in receptionist, under autocannon
 * at concurrency 32: server-side re-verification, the duplicate check, the WAL transaction with
 * the hash chain and the outbox row, all included. Every request must be a 201.
 */
import autocannon from 'autocannon';
import { makeDistinctCards, type BenchCard } from './fixtures.js';
import type { Started } from './processes.js';
import { round } from './stats.js';

const CHECK_INS = Number(process.env.BENCH_CHECK_INS ?? 20_000);

export async function benchCheckIns(kiosk: Started, card: BenchCard, password: string) {
  const cards = await makeDistinctCards(card, CHECK_INS);
  const login = await fetch(kiosk.url + '/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password }),
  });
  if (!login.ok) throw new Error(`login failed: ${login.status}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  let i = 0;
  const r = await autocannon({
    url: kiosk.url,
    connections: 32,
    amount: CHECK_INS,
    requests: [
      {
        method: 'POST',
        path: '/api/check-ins',
        headers: { 'content-type': 'application/json', cookie },
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ qr: cards[i++ % cards.length] }) }),
      },
    ],
  });
  const created = r['2xx'];
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`check-in load had ${r.non2xx} non-2xx and ${r.errors} errors (${created} ok)`);
  const seconds = r.duration;
  return { checkIns: created, perSecond: round(created / seconds), p50Ms: r.latency.p50, p99Ms: r.latency.p99, connections: 32 };
}
