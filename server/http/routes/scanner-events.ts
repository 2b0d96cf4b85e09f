import { Router, type RequestHandler } from 'express';

/**
 * GET /api/scanner/events (receptionist): the serial scanner's scans, pushed to the kiosk screen
 * as server-sent events (`event: scan`, `data: {"text": "…"}`), one stream per open screen. Only
 * a signed-in receptionist's screen gets them (the role is checked when the stream opens; the
 * screen closes its stream on sign-out). Nothing is replayed: a scan made while no screen
 * listens is dropped, so a card is never shown to the next person who signs in. A comment line
 * every 20 s keeps proxies from closing an idle stream. Mounted only when KIOSK_SCANNER_DEVICE is set.
 */
export function scannerEventRoutes(deps: {
  subscribe: (listener: (text: string) => void) => () => void;
  requireReceptionist: RequestHandler;
  heartbeatMs?: number;
}): Router {
  const r = Router();
  r.get('/api/scanner/events', deps.requireReceptionist, (req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const unsubscribe = deps.subscribe((text) => {
      res.write(`event: scan\ndata: ${JSON.stringify({ text })}\n\n`);
    });
    const beat = setInterval(() => res.write(': keep-alive\n\n'), deps.heartbeatMs ?? 20_000);
    beat.unref();
    req.on('close', () => {
      clearInterval(beat);
      unsubscribe();
    });
  });
  return r;
}
