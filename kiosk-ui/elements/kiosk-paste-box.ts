import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { scanEvent } from '../events.js';
import { detailsStyles } from './details-styles.js';
import { translator, type Locale } from '../i18n/index.js';

/** Same cap as the server's policy default: no card QR is longer. */
const MAX_CHARS = 4096;

/**
 * Last resort when neither camera nor scanner reads the card: paste or type the QR text. Enter
 * checks it (Shift+Enter for a new line), so a scanner typing into the focused box also works.
 * The box is emptied as soon as the text is sent: nothing personal stays on screen.
 */
@customElement('kiosk-paste-box')
export class KioskPasteBox extends LitElement {
  @property() locale: Locale = 'vi';
  @property({ type: Boolean }) disabled = false;
  @state() private error: 'tooLong' | undefined;
  @query('textarea') private textarea!: HTMLTextAreaElement;

  static override styles = [
    detailsStyles,
    css`
      textarea:focus-visible,
      button:focus-visible {
        outline: 4px solid var(--action);
        outline-offset: 2px;
      }
      label {
        display: block;
        margin: 8px 0 4px;
        font-size: 16px;
      }
      textarea {
        width: 100%;
        box-sizing: border-box;
        min-height: 80px;
        font:
          16px/1.3 ui-monospace,
          monospace;
        resize: vertical;
      }
      button {
        margin-top: 8px;
        font: inherit;
        font-weight: 700;
        padding: 10px 22px;
        border-radius: 8px;
        border: 2px solid var(--action);
        background: var(--action);
        color: var(--white);
        cursor: pointer;
      }
      button[disabled] {
        opacity: 0.5;
      }
      .error {
        color: var(--stop);
        font-weight: 700;
      }
    `,
  ];

  override render() {
    const t = translator(this.locale);
    return html`<details>
      <summary>${t('paste.heading')}</summary>
      <label for="paste">${t('paste.label')}</label>
      <textarea
        id="paste"
        maxlength=${MAX_CHARS + 1}
        placeholder=${t('paste.placeholder')}
        autocomplete="off"
        autocorrect="off"
        autocapitalize="off"
        spellcheck="false"
        @keydown=${(e: KeyboardEvent) => this.onKeyDown(e)}
      ></textarea>
      ${this.error ? html`<p class="error" role="alert">${t('paste.tooLong')}</p>` : nothing}
      <button type="button" ?disabled=${this.disabled} @click=${() => this.submit()}>${t('paste.submit')}</button>
    </details>`;
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.submit();
    }
  }

  private submit(): void {
    const text = this.textarea.value.trim();
    this.textarea.value = '';
    if (!text) return;
    if (text.length > MAX_CHARS) {
      this.error = 'tooLong';
      return;
    }
    this.error = undefined;
    this.dispatchEvent(scanEvent({ text, source: 'paste' }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiosk-paste-box': KioskPasteBox;
  }
}
