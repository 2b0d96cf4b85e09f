/** A text field's value from a submitted form ('' when absent; these forms have no file inputs). */
export function formText(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === 'string' ? v : '';
}
