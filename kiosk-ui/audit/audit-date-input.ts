import { html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Translate } from '../i18n/index.js';
import { formatDay, parseDay } from './dates.js';
import { LightElement } from './light-element.js';

let nextId = 0;

/**
 * A date typed as dd/mm/yyyy, whatever the browser's locale (a native date input would follow
 * it). `value` is `YYYY-MM-DD` (or ''); dispatches `audit-date` with the typed text on change,
 * and marks the field invalid (with a message) when it is not a real day.
 */
@customElement('audit-date-input')
export class AuditDateInput extends LightElement {
  @property({ attribute: false }) t!: Translate;
  @property() label = '';
  /** `YYYY-MM-DD` or ''. */
  @property() value = '';
  /** The form field's name, when the input is part of a form. */
  @property() name = '';
  @state() private text = '';
  @state() private invalid = false;
  readonly #inputId = `date-input-${++nextId}`;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('value')) {
      this.text = formatDay(this.value);
      this.invalid = false;
    }
  }

  private changed(e: Event): void {
    const text = (e.target as HTMLInputElement).value;
    this.text = text;
    this.invalid = text.trim() !== '' && parseDay(text) === undefined;
    this.dispatchEvent(new CustomEvent<string>('audit-date', { detail: text, bubbles: true }));
  }

  protected override render() {
    const t = this.t;
    const hintId = `${this.#inputId}-hint`;
    return html`<label for=${this.#inputId}>${this.label}</label
      ><input
        id=${this.#inputId}
        name=${this.name}
        inputmode="numeric"
        autocomplete="off"
        placeholder="dd/mm/yyyy"
        maxlength="10"
        aria-describedby=${hintId}
        aria-invalid=${this.invalid ? 'true' : 'false'}
        .value=${this.text}
        @change=${(e: Event) => this.changed(e)}
      /><span id=${hintId} class=${this.invalid ? 'error small' : 'muted small'}
        >${this.invalid ? t('audit.date.invalid') : t('audit.date.hint')}</span
      >`;
  }
}
