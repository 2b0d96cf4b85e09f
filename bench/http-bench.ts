/** http.*: POST /api/verify under autocannon at concurrency 32 on 127.0.0.1. */
import autocannon from 'autocannon';
import { round } from './stats.js';

export async function benchHttpVerify(url: string, qrText: string, durationSec = 10) {
  const body = JSON.stringify({ qr: qrText });
  // Warm-up: JIT, keep-alive sockets.
  await autocannon({
    url: url + '/api/verify',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: 32,
    duration: 2,
  });
  const r = await autocannon({
    url: url + '/api/verify',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: 32,
    duration: durationSec,
  });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`verify load had ${r.non2xx} non-2xx and ${r.errors} errors`);
  return { requestsPerSecond: round(r.requests.average), p50Ms: r.latency.p50, p99Ms: r.latency.p99, connections: 32, durationSec };
}
