/**
 * The check-in submission's decision (guiHoSoCheckin), once the caller is authenticated: the
 * first check that fails answers, 205 with a message naming the field unless said otherwise.
 *
 *   1. the form: exactly loaiHoSo, maCSKCB, fileHSB64, each once, as text
 *   2. loaiHoSo is "0"; maCSKCB is a facility code and the asking account's facility
 *   3. fileHSB64: strict base64 → UTF-8 → no DOCTYPE (check-in-file.ts)
 *   4. the XSD (the same schema the kiosk validates against): its first error names the field
 *   5. CHUKYDONVI: a certificate is registered for maCSKCB (portal.json `facilityCerts`), and the
 *      signature verifies with it (the key is never taken from the file)
 *   6. the records, read from the SIGNED content only: each MA_CSKCB is maCSKCB, no MA_LK twice
 *   7. injected refusal of an MA_LK (faults `checkInRejectMaLk`)
 *   8. the store: every MA_LK already held → "201" with the original receipt, else "200" (check-in-records.ts)
 *
 * No HTTP here; the route (check-in-routes.ts) authenticates and applies the call faults first.
 */
import { X509Certificate } from 'node:crypto';
import { verifyCheckInSignature } from '../check-in-record/verify-signature.js';
import { validateCheckInXml } from '../check-in-record/xsd.js';
import { isFacilityCode } from '../lib/facility-code.js';
import { CHECKIN_LOAI_HO_SO, CHECKIN_SUBMIT_FORM_FIELDS, CHECKIN_SUBMIT_RESULTS, type CheckinSubmitReply } from '../wire/portal.js';
import { decodeCheckInFile, recordsOfSignedXml, xsdProblem } from './check-in-file.js';
import type { CheckInRecordStore, NewReceipt } from './check-in-records.js';
import type { PortalAccount } from './dataset-schema.js';

export interface CheckInSubmission {
  account: PortalAccount;
  /** The parsed form (express.urlencoded, not extended: values are strings or lists of strings). */
  form: unknown;
  /** The facility's registered certificate (PEM), if any. */
  certificateOf(facility: string): string | undefined;
  /** The first MA_LK the faults refuse. */
  rejectedMaLk(maLks: readonly string[]): string | undefined;
  store: CheckInRecordStore;
  /** A new receipt (transaction id and time), drawn only when a record is stored. */
  newReceipt(): NewReceipt;
}

/** A reply with every field but the code and message null. */
export function checkInReply(maKetQua: '205' | '401' | '500', thongDiep: string): CheckinSubmitReply {
  return { maKetQua, thongDiep, maGiaoDich: null, thoiGianTiepNhan: null };
}

const invalid = (why: string) => checkInReply('205', `${CHECKIN_SUBMIT_RESULTS['205'].vi}: ${why}`);

function formFields(form: unknown): Record<(typeof CHECKIN_SUBMIT_FORM_FIELDS)[number], string> | string {
  if (typeof form !== 'object' || form === null || Array.isArray(form)) return 'cần loaiHoSo, maCSKCB và fileHSB64 (form-urlencoded)';
  const o = form as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!(CHECKIN_SUBMIT_FORM_FIELDS as readonly string[]).includes(k)) return `tham số không xác định ${JSON.stringify(k.slice(0, 40))}`;
  for (const k of CHECKIN_SUBMIT_FORM_FIELDS)
    if (typeof o[k] !== 'string') return `${k} thiếu, lặp lại hoặc không phải văn bản (missing, repeated or not text)`;
  return o as Record<(typeof CHECKIN_SUBMIT_FORM_FIELDS)[number], string>;
}

/** Whether the registered PEM still reads as a certificate (the data file's validator checked it; a guard, not a rule). */
function readable(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

export async function decideCheckInSubmission(s: CheckInSubmission): Promise<CheckinSubmitReply> {
  const form = formFields(s.form);
  if (typeof form === 'string') return invalid(form);
  if (form.loaiHoSo !== CHECKIN_LOAI_HO_SO) return invalid(`loaiHoSo phải là ${CHECKIN_LOAI_HO_SO} (check-in record)`);
  if (!isFacilityCode(form.maCSKCB)) return invalid('maCSKCB phải là mã cơ sở KCB 5 ký tự');
  if (form.maCSKCB !== s.account.facility) return invalid('maCSKCB không phải cơ sở của tài khoản (not this account’s facility)');
  const facility = form.maCSKCB;

  const file = decodeCheckInFile(form.fileHSB64);
  if (!file.ok) return invalid(file.problem);
  const xsd = await validateCheckInXml(file.value);
  if (!xsd.valid) return invalid(xsdProblem(xsd.errors));

  const cert = s.certificateOf(facility);
  if (cert === undefined || !readable(cert))
    return invalid(`CHUKYDONVI: cơ sở ${facility} chưa đăng ký chứng thư số (no certificate registered)`);
  const signature = verifyCheckInSignature(file.value, cert);
  if (!signature.ok) return invalid(`CHUKYDONVI: ${signature.code}: ${signature.detail}`);

  const records = recordsOfSignedXml(signature.signedXml);
  if (!records.ok) return invalid(records.problem);
  const seen = new Set<string>();
  for (const [i, r] of records.value.entries()) {
    const stt = `TRANG_THAI_KCB thứ ${i + 1}`;
    if (r.MA_CSKCB !== facility) return invalid(`MA_CSKCB của ${stt} khác maCSKCB (another facility's record)`);
    if (r.MA_LK === undefined || r.MA_LK === '') return invalid(`MA_LK của ${stt} rỗng`);
    if (seen.has(r.MA_LK)) return invalid(`MA_LK của ${stt} trùng trong hồ sơ (repeated in the file)`);
    seen.add(r.MA_LK);
  }
  const refused = s.rejectedMaLk([...seen]);
  if (refused !== undefined) return invalid(`MA_LK ${refused} bị từ chối (refused: test fault)`);

  const receipt = await s.store.receive(facility, records.value, () => s.newReceipt());
  return {
    maKetQua: receipt.code,
    thongDiep: CHECKIN_SUBMIT_RESULTS[receipt.code].vi,
    maGiaoDich: receipt.maGiaoDich,
    thoiGianTiepNhan: receipt.thoiGianTiepNhan,
  };
}
