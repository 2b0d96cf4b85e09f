/**
 * The reference portal's HTTP API: exactly the agency's wire (server/wire/portal.ts), not this
 * project's problem+json. Every request the portal understood is answered HTTP 200 with a
 * maKetQua, including a malformed body (205); the exceptions are a body over the size limit
 * (HTTP 413, maKetQua "205"), an unknown path (HTTP 404) and, when `authFailureAs` is "http", a
 * bad or expired token (HTTP 401, maKetQua "401"; the default answers it HTTP 200).
 *
 *   POST /api/token/take                      { username, password: md5 } → TokenReply
 *       "200" with APIKey; "401" unknown user or wrong password; "205" body not { username, password } text
 *   POST /api/egw/KQNhanLichSuKCB2024?token&id_token&username&password   CardCheckRequest → CardCheckReply
 *       "401" when the token is unknown, expired, not this user's, or the password is not the
 *       account's MD5; "205" when the body is not exactly the five fields as text, or ngaySinh is
 *       neither dd/MM/yyyy (a real day) nor yyyy; then card-check.ts decides
 *   POST /api/egw/guiHoSoCheckin?token&id_token&username&password   form CheckinSubmitForm → CheckinSubmitReply
 *       the same "401"; then check-in-submit.ts decides (200 / 201 / 205 / "500" from faults)
 *   GET  /api/test/checkin-records?maCSKCB=CODE   TEST ONLY: what the check-in endpoint holds for a facility
 *   GET  /healthz                             readiness (no faults, no data)
 *
 * Order of a call: injected latency and failure (faults.ts), then authentication, then an
 * injected maKetQua, then the body, then the card. A body that is not JSON at all is answered
 * 205 by the body reader, before any of these.
 *
 * Log lines carry codes, durations and the facility account's username, never a card number,
 * name, birth date or ID number.
 */
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Clock } from '../clock.js';
import { isRealDay } from '../lib/iso-date.js';
import type { Logger } from '../logger.js';
import { vietnamDay } from '../wire/vietnam-time.js';
import {
  CARD_CHECK_REQUEST_FIELDS,
  CARD_CHECK_RESULTS,
  PORTAL_BIRTH_DATE_RE,
  PORTAL_DATE_FORMAT,
  PORTAL_DATE_RE,
  PORTAL_PATHS,
  PORTAL_YEAR_FORMAT,
  type CardCheckReply,
  type CardCheckRequest,
  type CardCheckResultCode,
  type TokenReply,
} from '../wire/portal.js';
import { decideCardCheck, emptyReply } from './card-check.js';
import type { DataSource } from './data-source.js';
import type { PortalAccount } from './dataset-schema.js';
import type { CheckInRecordStore } from './check-in-records.js';
import { checkInRoutes } from './check-in-routes.js';
import { applyFaults, authenticate, authFailureStatus, findAccount, portalDateTime, type CallDeps } from './egw-call.js';
import type { PortalFaults } from './faults.js';
import type { TokenStore } from './tokens.js';

/** A card check is five short fields: a few KiB is plenty. */
export const BODY_LIMIT = '16kb';
const MAX_FIELD = 255;

export interface PortalAppDeps extends CallDeps {
  data: DataSource;
  tokens: TokenStore;
  faults: PortalFaults;
  clock: Clock;
  logger: Logger;
  /** What the check-in endpoint received (memory, or SQLite in the data folder). */
  checkIns: CheckInRecordStore;
  /** A new maGiaoDich (injected randomness). */
  newTransactionId: () => string;
}

/** PORTAL_DATE_FORMAT naming a real day, or PORTAL_YEAR_FORMAT (1900 or later). */
function isBirthDate(s: string): boolean {
  if (!PORTAL_BIRTH_DATE_RE.test(s)) return false;
  const full = PORTAL_DATE_RE.exec(s);
  return full ? isRealDay(Number(full[3]), Number(full[2]), Number(full[1])) : Number(s) >= 1900;
}

/** The five fields, each text; anything else (missing, extra, wrong type, bad date) is 205. */
function parseCheckBody(body: unknown): CardCheckRequest | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Body must be a JSON object.';
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!(CARD_CHECK_REQUEST_FIELDS as readonly string[]).includes(k)) return `Unknown field ${JSON.stringify(k.slice(0, 40))}.`;
  for (const k of CARD_CHECK_REQUEST_FIELDS) {
    const v = o[k];
    if (typeof v !== 'string') return `Field ${k} is missing or not text.`;
    if (v.length > MAX_FIELD) return `Field ${k} is too long.`;
  }
  const r = o as unknown as CardCheckRequest;
  if (r.maThe.trim() === '' || r.hoTen.trim() === '') return 'maThe and hoTen must not be empty.';
  if (!isBirthDate(r.ngaySinh)) return `ngaySinh must be ${PORTAL_DATE_FORMAT} or ${PORTAL_YEAR_FORMAT}.`;
  return r;
}

export function createPortalApp(deps: PortalAppDeps): Express {
  const { clock, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', false);
  app.use((_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: 'reference-portal' });
  });

  // Before the JSON reader: the check-in submission is a form, with its own reader and limit.
  app.use(checkInRoutes(deps));

  app.use('/api', express.json({ limit: BODY_LIMIT, strict: false, type: () => true }));

  app.post(PORTAL_PATHS.token, async (req, res) => {
    const started = clock.now();
    const f = await applyFaults(deps, req, res);
    if (!f.go) return;
    const body = req.body as Record<string, unknown> | undefined;
    let reply: TokenReply;
    if (typeof body !== 'object' || body === null || typeof body.username !== 'string' || typeof body.password !== 'string') {
      reply = { maKetQua: '205', APIKey: null, thongBao: 'Tham số không đúng định dạng: cần username và password.' };
    } else {
      const account = findAccount(deps, body.username, body.password);
      reply = account
        ? { maKetQua: '200', APIKey: deps.tokens.issue(account.username), thongBao: null }
        : { maKetQua: '401', APIKey: null, thongBao: 'Sai tên đăng nhập hoặc mật khẩu.' };
    }
    logger.info('token', { code: reply.maKetQua, ms: clock.now() - started });
    res.json(reply);
  });

  app.post(PORTAL_PATHS.cardCheck, async (req, res) => {
    const started = clock.now();
    const f = await applyFaults(deps, req, res);
    if (!f.go) return;
    const send = (reply: CardCheckReply, account?: PortalAccount, status = 200) => {
      logger.info('card check', { code: reply.maKetQua, account: account?.username, ms: clock.now() - started });
      res.status(status).json(reply);
    };
    const account = authenticate(deps, req);
    if (!account) return send(emptyReply('401'), undefined, authFailureStatus(deps));
    if (f.code) return send(emptyReply(f.code), account);
    const request = parseCheckBody(req.body);
    if (typeof request === 'string') return send(emptyReply('205', `${CARD_CHECK_RESULTS['205'].vi}: ${request}`), account);
    const now = clock.now();
    const outcome = decideCardCheck({
      data: deps.data.get(),
      account,
      request,
      today: vietnamDay(now),
      checksOf: (p) => deps.data.checksOf(p),
    });
    if (outcome.person) {
      deps.data.recordCheck(outcome.person, {
        userKT: account.username,
        thoiGianKT: portalDateTime(now),
        thongBao: outcome.reply.ghiChu,
        maLoi: outcome.code,
      });
    }
    send(outcome.reply, account);
  });

  app.use((_req, res) => {
    res.status(404).json({ maKetQua: '404', ghiChu: 'Not found.' });
  });
  const handler: ErrorRequestHandler = (err, req, res, _next) => {
    const type = (err as { type?: unknown }).type;
    if (res.headersSent) return void req.socket.destroy();
    const isCheck = req.path === PORTAL_PATHS.cardCheck;
    const code: CardCheckResultCode = '205';
    if (type === 'entity.too.large') {
      logger.info('body too large', { path: req.path });
      return void res.status(413).json(isCheck ? emptyReply(code) : { maKetQua: code, APIKey: null });
    }
    if (type === 'entity.parse.failed' || type === 'charset.unsupported' || type === 'encoding.unsupported') {
      // Not JSON: the portal understood the request and says the parameters are malformed.
      return void res
        .status(200)
        .json(isCheck ? emptyReply(code, `${CARD_CHECK_RESULTS[code].vi}: body is not JSON.`) : { maKetQua: code, APIKey: null });
    }
    logger.error('unexpected error', { path: req.path, error: err instanceof Error ? err.name : typeof err });
    res.status(500).json({ maKetQua: '500', ghiChu: 'Internal error.' });
  };
  app.use(handler);
  return app;
}
