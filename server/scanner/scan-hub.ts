/**
 * Hands each scan from the serial scanner to the screens listening at that moment (the signed-in
 * receptionist's kiosk screen). Keeps nothing: a scan nobody listens to is gone.
 */
export type ScanListener = (text: string) => void;

export class ScanHub {
  readonly #listeners = new Set<ScanListener>();

  subscribe(listener: ScanListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  publish(text: string): void {
    for (const l of this.#listeners) l(text);
  }
}
