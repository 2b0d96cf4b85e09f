/** STUB: interface fixed; implementation in progress. */
import type { CheckInRecord } from './fields.js';

/** The unsigned file: root › DSACH_TRANG_THAI_KCB › TRANG_THAI_KCB per record, then an empty CHUKYDONVI. */
export declare function checkInXml(records: readonly CheckInRecord[]): string;
