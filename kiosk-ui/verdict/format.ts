/** Display formats receptionists know from the paper card: dates as dd/MM/yyyy. */

/** `YYYY-MM-DD` → `dd/MM/yyyy`; `YYYY-MM` → `MM/yyyy`; `YYYY` stays; anything else unchanged. */
export function formatDate(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(iso);
  if (!m) return iso;
  if (m[3] !== undefined) return `${m[3]}/${m[2]}/${m[1]}`;
  if (m[2] !== undefined) return `${m[2]}/${m[1]}`;
  return m[1];
}
