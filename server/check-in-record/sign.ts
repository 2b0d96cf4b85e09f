/** STUB: interface fixed; implementation in progress. */
import type { FacilityKey } from './facility-key.js';

/** Puts an enveloped XMLDSig (exclusive c14n, RSA-SHA256) into CHUKYDONVI. */
export declare function signCheckInXml(xml: string, key: FacilityKey): string;
