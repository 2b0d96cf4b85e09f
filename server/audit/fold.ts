/**
 * Folding for the auditors' forgiving search: Vietnamese with or without diacritics, any case,
 * spaces collapsed. "Nguyen Thi Thu", "nguyễn thị thu" and "NGUYỄN  THỊ THU" all fold to
 * "nguyen thi thu"; đ/Đ fold to d (it is a letter of its own, not a d with a mark, to Unicode).
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether `needle` (already folded) occurs in any of `haystacks`, folded. */
export function foldedMatch(needle: string, ...haystacks: Array<string | null | undefined>): boolean {
  return haystacks.some((h) => h !== null && h !== undefined && fold(h).includes(needle));
}
