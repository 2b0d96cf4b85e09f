/**
 * Visit categories (MA_DOITUONG_KCB) and visit types (MA_LOAI_KCB) in words, from the service's
 * one table (GET /api/visit-codes), with the code beside the label: an auditor reads "Khám bệnh
 * (01)", not a bare 01. A code the table does not know is shown as it is.
 */
import type { VisitCodeTable } from '../../server/wire/check-in-report.js';
import type { Locale } from '../i18n/index.js';

type CodeKind = 'category' | 'type';
export type CodeLabel = (kind: CodeKind, code: string | null | undefined) => string;

export function codeLabeller(table: VisitCodeTable | undefined, locale: Locale): CodeLabel {
  const maps: Record<CodeKind, Map<string, string>> = { category: new Map(), type: new Map() };
  for (const c of table?.categories ?? []) maps.category.set(c.code, locale === 'en' ? c.labelEn : c.labelVi);
  for (const c of table?.types ?? []) maps.type.set(c.code, locale === 'en' ? c.labelEn : c.labelVi);
  return (kind, code) => {
    if (code === null || code === undefined || code === '') return '—';
    const label = maps[kind].get(code);
    return label ? `${label} (${code})` : code;
  };
}

/** Until the table has loaded: the bare codes. */
export const bareCodes: CodeLabel = (_kind, code) => (code === null || code === undefined || code === '' ? '—' : code);
