import { WedgeDetector, type WedgeOptions } from './wedge-detector.js';

/**
 * Wires the WedgeDetector to the document: keydown in the capture phase, so a scanner burst is
 * seen before a focused button reacts to its final Enter. Keys aimed at a text field are left to
 * the field (the paste box handles a scanner typing into it on its own).
 */
export function listenForWedgeScans(target: Document, onScan: (text: string) => void, opts?: Partial<WedgeOptions>): () => void {
  const detector = new WedgeDetector(opts);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.repeat || isEditable(e.composedPath()[0])) {
      detector.reset();
      return;
    }
    const r = detector.handleKey(e);
    if (r.action === 'scan') {
      e.preventDefault();
      e.stopPropagation();
      onScan(r.text);
    } else if (r.action === 'tail' || (r.action === 'burst' && (e.key === 'Enter' || e.key === ' '))) {
      // A scanner's CR+LF tail or a space inside a burst must not press the focused button.
      e.preventDefault();
    }
  };
  target.addEventListener('keydown', onKeyDown, true);
  return () => target.removeEventListener('keydown', onKeyDown, true);
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
