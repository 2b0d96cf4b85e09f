/**
 * Test helpers for check-in records (the record's own tests, the portal's guiHoSoCheckin and its
 * client): a record with every required field, a demo facility key as the kiosk loads it, the
 * signed file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFacilityKey, type FacilityKey } from '../../server/check-in-record/facility-key.js';
import type { CheckInRecord } from '../../server/check-in-record/fields.js';
import { signCheckInXml } from '../../server/check-in-record/sign.js';
import { checkInXml } from '../../server/check-in-record/xml.js';
import { makeDemoFacilityCert } from '../../server/issuer/facility-cert.js';

/** A record with every required field; `maLk` makes it unique, `over` changes any field. */
export function checkInTestRecord(maLk: string, over: CheckInRecord = {}): CheckInRecord {
  return {
    MA_LK: maLk,
    STT: '1',
    MA_BN: '1201234567',
    HO_TEN: 'Nguyễn Đức Thiện',
    NGAY_SINH: '199003200000',
    GIOI_TINH: '1',
    MA_DOITUONG_KCB: '1.1',
    NGAY_VAO: '202611250900',
    MA_LOAI_KCB: '01',
    MA_CSKCB: '12001',
    NGAY_YL: '202611250900',
    ...over,
  };
}

/** A demo facility key and certificate valid at `now`, written 0600 in `dir` and loaded as the kiosk loads them. */
export function checkInTestKey(dir: string, facility: string, now: number): FacilityKey {
  const { keyPem, certPem } = makeDemoFacilityCert({ facility, days: 30, now });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, `${facility}-${now}-key.pem`);
  const certFile = join(dir, `${facility}-${now}-cert.pem`);
  writeFileSync(keyFile, keyPem, { mode: 0o600 });
  writeFileSync(certFile, certPem, { mode: 0o600 });
  return loadFacilityKey(keyFile, certFile, now);
}

/** The signed check-in file of `records`. */
export function signedCheckInFile(records: readonly CheckInRecord[], key: FacilityKey): string {
  return signCheckInXml(checkInXml(records), key);
}
