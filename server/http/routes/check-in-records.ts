/**
 * The auditors' view of the check-in records (role auditor): a day's records with their state,
 * and the day as one signed XML file (the upload-by-hand fallback). Every read is recorded in
 * audit_reads before data is returned, like every other auditor read.
 */
import { Router, type RequestHandler } from 'express';
import { parseRequiredDay, rejectUnknownParams } from '../../audit/filters.js';
import { AppError } from '../../errors.js';
import type { CheckInRecordDay } from '../../wire/check-in-report.js';
import type { Role } from '../../users/types.js';
import { currentUser } from './session-auth.js';

export interface CheckInRecordReads {
  day(date: string): Promise<CheckInRecordDay>;
  /** The day's signed file; `unavailable` when there is no usable facility key, null when the day has no record. */
  dayFile(date: string): Promise<{ xml: string; records: number; skipped: number } | null | 'unavailable'>;
  recordRead(reader: string, endpoint: string, filter: unknown): Promise<void>;
}

export function checkInRecordRoutes(deps: { records: CheckInRecordReads; requireRole: (...roles: Role[]) => RequestHandler }): Router {
  const r = Router();
  const auditor = deps.requireRole('auditor');
  const query = (req: Parameters<RequestHandler>[0]) => req.query as Record<string, unknown>;

  r.get('/api/audit/check-in-records', auditor, async (req, res) => {
    const q = query(req);
    rejectUnknownParams(q, ['date']);
    const date = parseRequiredDay(q, 'date');
    await deps.records.recordRead(currentUser(res).username, 'check-in-records', { date });
    res.json((await deps.records.day(date)) satisfies CheckInRecordDay);
  });

  r.get('/api/audit/check-in-records.xml', auditor, async (req, res) => {
    const q = query(req);
    rejectUnknownParams(q, ['date']);
    const date = parseRequiredDay(q, 'date');
    await deps.records.recordRead(currentUser(res).username, 'check-in-records.xml', { date });
    const file = await deps.records.dayFile(date);
    if (file === 'unavailable')
      throw new AppError(
        'CHECKIN_KEY_UNAVAILABLE',
        'The facility key or certificate is not usable: the file cannot be signed (see /api/status).',
      );
    if (file === null) throw new AppError('CHECKIN_DAY_EMPTY', `No check-in record on ${date}.`);
    res
      .type('application/xml; charset=utf-8')
      .set('content-disposition', `attachment; filename="checkin-${date}.xml"`)
      .set('x-record-count', String(file.records))
      .set('x-records-skipped', String(file.skipped))
      .send(file.xml);
  });
  return r;
}
