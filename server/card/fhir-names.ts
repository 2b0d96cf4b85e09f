/**
 * The names the card format uses (../shared/spec/digital-card.md §1–2, docs/card-format.md):
 * one place for the issuing side (fhir-build.ts) and the verifying side (credential.ts,
 * fhir-read.ts), so the two can never drift apart.
 */
export const HEALTH_CARD_TYPE = 'https://smarthealth.cards#health-card';
export const FHIR_VERSION = '4.0.1';
/** Patient.identifier system of the 10-digit mã số BHXH. */
export const BHXH_ID_SYSTEM = 'urn:vn:bhxh:ma-so';
/** Coverage.class type coding system; codes below. */
export const BHYT_CLASS_SYSTEM = 'urn:vn:bhyt:class';
export const CLASS_OBJECT_CODE = 'doi-tuong';
export const CLASS_BENEFIT_LEVEL = 'muc-huong';
export const EXT_FIVE_YEARS = 'urn:vn:bhyt:du-5-nam';
export const EXT_AREA_CODE = 'urn:vn:bhyt:khu-vuc';
