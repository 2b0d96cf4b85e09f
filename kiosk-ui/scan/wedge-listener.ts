import { WedgeDetector, type WedgeOptions } from './wedge-detector.js';

/**
 * Wires the WedgeDetector to the document: keydown in the capture phase, so a scanner burst is
 * seen before a focused button reacts to its final Enter. A burst aimed at a one-line text field
 * (the sign-in form's username, the manual entry's fields) is a scan too: once it is recognised
 * as one, its keys stop reaching the field, and when it completes the field gets back the value
 * it had before the burst (the two or three characters that landed first are taken out again).
 * Other editable targets (the paste box's textarea, which handles a scanner on its own) are left alone.
 */
export function listenForWedgeScans(target: Document, onScan: (text: string) => void, opts?: Partial<WedgeOptions>): () => void {
  const detector = new WedgeDetector(opts);
  let field: { el: HTMLInputElement; value: string } | undefined;
  const onKeyDown = (e: KeyboardEvent) => {
    const node = e.composedPath()[0];
    const input = textInput(node);
    if (e.repeat || (isEditable(node) && !input)) {
      detector.reset();
      field = undefined;
      return;
    }
    const before = input?.value;
    const r = detector.handleKey(e);
    // This key started the input seen so far: the field's value before it is what to restore.
    if (input && detector.size <= 1 && r.action !== 'scan') field = { el: input, value: before ?? '' };
    // In a field, only a card's text is a scan: a password manager's fast auto-typing is not.
    if (input && r.action === 'scan' && !cardLike(r.text)) return;
    if (input && r.action === 'burst') {
      if (cardLike(detector.text)) e.preventDefault();
      return;
    }
    if (r.action === 'scan') {
      e.preventDefault();
      e.stopPropagation();
      if (input && field?.el === input && input.value !== field.value) {
        input.value = field.value;
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      }
      field = undefined;
      onScan(r.text);
    } else if (r.action === 'tail' || (r.action === 'burst' && (e.key === 'Enter' || e.key === ' '))) {
      // A scanner's CR+LF tail or a space inside a burst must not press the focused button.
      e.preventDefault();
    }
  };
  target.addEventListener('keydown', onKeyDown, true);
  return () => target.removeEventListener('keydown', onKeyDown, true);
}

/** What a card QR starts like: the signed card's `shc:/`, or the paper card's / chip ID card's `|` fields. */
function cardLike(text: string): boolean {
  return /^shc:\//i.test(text) || text.includes('|');
}

/** A one-line text field (not a checkbox, button…): a scanner burst into it is taken as a scan. */
function textInput(node: EventTarget | undefined): HTMLInputElement | undefined {
  if (!(node instanceof HTMLInputElement)) return undefined;
  // Never a password field: a password manager's auto-typed password must not become a "scan".
  return ['text', 'search', 'tel', 'number', 'email', 'url', ''].includes(node.type) ? node : undefined;
}

function isEditable(node: EventTarget | undefined): boolean {
  if (!(node instanceof HTMLElement)) return false;
  if (node.isContentEditable) return true;
  if (node instanceof HTMLTextAreaElement || node instanceof HTMLSelectElement) return true;
  if (node instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(node.type);
  }
  return false;
}
