/**
 * The check-in endpoints of the reference portal (mounted before the JSON reader: the submission
 * is a form with its own reader and limit):
 *
 *   POST /api/egw/guiHoSoCheckin?token&id_token&username&password   form loaiHoSo, maCSKCB, fileHSB64
 *       Order of a call: the form reader (a body over CHECKIN_MAX_FORM_BYTES → HTTP 413, maKetQua
 *       "205"; an unreadable one → "205"), the injected latency and failure, authentication
 *       ("401", HTTP status per authFailureAs), a scripted code (faults `next` → "500"), every
 *       Nth call "500" (`checkInFailEvery`), then check-in-submit.ts decides.
 *   GET  /api/test/checkin-records?maCSKCB=CODE   TEST ONLY: the facility's received records
 *       `{facility, count, records: [{maLk, maGiaoDich, receivedAt, submissions, fields}]}`
 *
 * A malformed request is never a 5xx: only the portal's own trouble (its store failing) answers
 * "500", which tells the sender to retry. Logs carry codes, the account's username and timings;
 * never the file, a field of it, or the message (which may name a field's problem).
 */
import express, { Router, type ErrorRequestHandler } from 'express';
import { isFacilityCode } from '../lib/facility-code.js';
import { CHECKIN_MAX_FORM_BYTES, CHECKIN_SUBMIT_RESULTS, PORTAL_PATHS, type CheckinSubmitReply } from '../wire/portal.js';
import type { CheckInRecordStore } from './check-in-records.js';
import { checkInReply, decideCheckInSubmission } from './check-in-submit.js';
import { applyFaults, authenticate, authFailureStatus, portalDateTime, type CallDeps } from './egw-call.js';

/** The listing's path (test and demo use only). */
export const CHECKIN_LISTING_PATH = '/api/test/checkin-records';

export interface CheckInRouteDeps extends CallDeps {
  checkIns: CheckInRecordStore;
  newTransactionId: () => string;
}

const RETRY_LATER = CHECKIN_SUBMIT_RESULTS['500'].vi;

export function checkInRoutes(deps: CheckInRouteDeps): Router {
  const { clock, logger } = deps;
  const router = Router();
  const formReader = express.urlencoded({ extended: false, limit: CHECKIN_MAX_FORM_BYTES, parameterLimit: 10, type: () => true });

  router.post(PORTAL_PATHS.checkinSubmit, formReader, async (req, res) => {
    const started = clock.now();
    const f = await applyFaults(deps, req, res);
    if (!f.go) return;
    const send = (reply: CheckinSubmitReply, account?: string, status = 200) => {
      logger.info('check-in submission', { code: reply.maKetQua, account, ms: clock.now() - started });
      res.status(status).json(reply);
    };
    const account = authenticate(deps, req);
    if (!account) return send(checkInReply('401', CHECKIN_SUBMIT_RESULTS['401'].vi), undefined, authFailureStatus(deps));
    if (f.code || deps.faults.checkInFailsNow()) return send(checkInReply('500', `${RETRY_LATER} (test fault)`), account.username);
    let reply: CheckinSubmitReply;
    try {
      reply = await decideCheckInSubmission({
        account,
        form: req.body,
        certificateOf: (facility) => deps.data.get().facilityCerts?.[facility],
        rejectedMaLk: (maLks) => deps.faults.checkInRejected(maLks),
        store: deps.checkIns,
        newReceipt: () => {
          const at = clock.now();
          return { maGiaoDich: deps.newTransactionId(), thoiGianTiepNhan: portalDateTime(at), at };
        },
      });
    } catch (err) {
      // The portal's own trouble (its store): the sender retries later, as with the agency's 500.
      logger.error('check-in submission failed', { error: err instanceof Error ? err.name : typeof err });
      reply = checkInReply('500', RETRY_LATER);
    }
    send(reply, account.username);
  });

  router.get(CHECKIN_LISTING_PATH, async (req, res) => {
    const facility = (req.query as Record<string, unknown>).maCSKCB;
    if (!isFacilityCode(facility)) {
      res.status(400).json({ problems: ['maCSKCB: must be a 5-character facility code'] });
      return;
    }
    try {
      res.json(await deps.checkIns.list(facility));
    } catch (err) {
      logger.error('check-in listing failed', { error: err instanceof Error ? err.name : typeof err });
      res.status(503).json({ problems: ['the check-in records cannot be read now'] });
    }
  });

  // The form reader's refusals, answered in the wire's shape: a client's mistake is never a 5xx.
  const formProblem: ErrorRequestHandler = (err, req, res, next) => {
    if (req.path !== PORTAL_PATHS.checkinSubmit) return next(err);
    if (res.headersSent) return void req.socket.destroy();
    const e = err as { type?: unknown; status?: unknown };
    const tooLarge = e.type === 'entity.too.large';
    logger.info('check-in submission unreadable', { type: typeof e.type === 'string' ? e.type : 'unknown' });
    const why = tooLarge ? `form over ${CHECKIN_MAX_FORM_BYTES} bytes` : 'form-urlencoded body unreadable';
    res.status(tooLarge ? 413 : 200).json(checkInReply('205', `${CHECKIN_SUBMIT_RESULTS['205'].vi}: ${why}`));
  };
  router.use(formProblem);
  return router;
}
