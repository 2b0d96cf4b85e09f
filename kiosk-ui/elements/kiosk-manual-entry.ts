import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { fieldOfProblem, parseManualForm, type ManualErrors, type ManualField, type ManualKind } from '../card-check/manual-entry.js';
import { activityEvent, manualEntryEvent } from '../events.js';
import { formText } from '../form-data.js';
import { translator, type Locale } from '../i18n/index.js';
import { vietnamDay } from '../../server/wire/vietnam-time.js';

/**
 * For a patient without a QR code (dead phone): a modal form, keyboard-first. Tab goes number
 * type → number → name → birth date → look up → close; Enter submits (not while an input method
 * is composing a Vietnamese letter); Esc closes. Messages are the catalog's, Vietnamese first.
 * Submitting sends `kiosk-manual-entry`; the page posts it and closes the form (`close()`) or
 * hands back the service's refusal (`refused()`). The fields are emptied on close.
 */
@customElement('kiosk-manual-entry')
export class KioskManualEntry extends LitElement {
  @property() locale: Locale = 'vi';
  /** A receptionist is signed in (the lookup needs one). */
  @property({ type: Boolean }) enabled = false;

  /** Sent, waiting for the service's first answer. */
  @state() private busy = false;
  /** The service refused the last entry: its code and the member it named. */
  @state() private serverError: { code: string; field?: string } | undefined;
  @state() private kind: ManualKind = 'card';
  @state() private errors: ManualErrors = {};
  @query('dialog') private dialog!: HTMLDialogElement;
  @query('form') private form!: HTMLFormElement;
  private composing = false;

  static override styles = css`
    :host {
      display: block;
      font-size: 18px;
    }
    .open {
      width: 100%;
      font: inherit;
      font-weight: 700;
      padding: 10px 14px;
      border-radius: 10px;
      border: 2px solid var(--action);
      background: var(--white);
      color: var(--action);
      cursor: pointer;
      text-align: left;
    }
    dialog {
      width: min(640px, 92vw);
      border: 4px solid var(--action);
      border-radius: 14px;
      padding: 18px 22px;
      color: var(--ink);
    }
    dialog::backdrop {
      background: rgb(0 0 0 / 45%);
    }
    h2 {
      margin: 0 0 6px;
      font-size: 28px;
    }
    .intro {
      margin: 0 0 10px;
      color: var(--ink-muted);
    }
    fieldset {
      border: none;
      margin: 0;
      padding: 0;
      display: flex;
      gap: 18px;
      flex-wrap: wrap;
    }
    legend {
      font-weight: 700;
      margin-bottom: 4px;
    }
    .radio {
      display: inline-flex;
      align-items: center;
      gap: 8px;
      min-height: 40px;
    }
    .field {
      margin-top: 12px;
    }
    .field label {
      display: block;
      font-weight: 700;
    }
    .hint {
      font-size: 15px;
      color: var(--ink-muted);
    }
    input[type='text'] {
      width: 100%;
      box-sizing: border-box;
      font: inherit;
      font-size: 24px;
      padding: 8px 10px;
      border: 2px solid var(--box-border);
      border-radius: 8px;
    }
    input[aria-invalid='true'] {
      border-color: var(--stop);
    }
    .error {
      margin: 4px 0 0;
      color: var(--stop);
      font-weight: 700;
    }
    .buttons {
      display: flex;
      gap: 12px;
      margin-top: 16px;
    }
    .buttons button {
      font: inherit;
      font-weight: 800;
      font-size: 22px;
      padding: 10px 22px;
      border-radius: 10px;
      border: 2px solid var(--action);
      cursor: pointer;
    }
    .submit {
      background: var(--action);
      color: var(--white);
      flex: 1;
    }
    .cancel {
      background: var(--white);
      color: var(--action);
    }
    input:focus-visible,
    button:focus-visible {
      outline: 4px solid var(--action);
      outline-offset: 2px;
    }
  `;

  /** Opens the form with the first field focused. */
  open(): void {
    if (!this.enabled || this.dialog.open) return;
    this.errors = {};
    this.dialog.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('input[name="number"]')?.focus();
    // The page does not clear itself while the form is open (it asks `isOpen`).
    this.dispatchEvent(activityEvent());
  }

  /** The service refused the entry: say which field (or the code), keep what was typed. */
  refused(problem: { code: string; field?: string }): void {
    this.busy = false;
    this.serverError = problem;
  }

  /** Closes the form and forgets what was typed. */
  close(): void {
    this.busy = false;
    this.serverError = undefined;
    this.form?.reset();
    this.kind = 'card';
    // reset() restores the radios' default (none: they are bound by property): pick the card again.
    const card = this.renderRoot.querySelector<HTMLInputElement>('input[data-manual-kind="card"]');
    if (card) card.checked = true;
    this.errors = {};
    if (this.dialog?.open) {
      this.dialog.close();
      this.dispatchEvent(activityEvent());
    }
  }

  get isOpen(): boolean {
    return this.dialog?.open === true;
  }

  override render() {
    const t = translator(this.locale);
    const server = this.serverError;
    const serverField = fieldOfProblem(server?.field);
    const err = (f: ManualField) => {
      const key = this.errors[f];
      if (key) return t(key);
      if (server && serverField === f) return t('manual.errServer', { field: server.field ?? server.code });
      return undefined;
    };
    const input = (f: ManualField, label: string, hint: string, extra: Record<string, string> = {}) => {
      const e = err(f);
      return html`<div class="field">
        <label for=${`m-${f}`}>${label}</label>
        <input
          id=${`m-${f}`}
          name=${f}
          type="text"
          autocomplete="off"
          spellcheck="false"
          inputmode=${extra.inputmode ?? 'text'}
          aria-invalid=${e ? 'true' : 'false'}
          aria-describedby=${`m-${f}-hint${e ? ` m-${f}-err` : ''}`}
          data-manual-field=${f}
        />
        <div class="hint" id=${`m-${f}-hint`}>${hint}</div>
        ${e ? html`<p class="error" id=${`m-${f}-err`} role="alert" data-manual-error=${f}>${e}</p>` : nothing}
      </div>`;
    };
    return html`
      <button type="button" class="open" data-action="manual-entry" ?disabled=${!this.enabled} @click=${() => this.open()}>
        ⌨ ${t('manual.open')}
      </button>
      ${!this.enabled ? html`<div class="hint">${t('manual.loginRequired')}</div>` : nothing}
      <dialog aria-labelledby="m-title" @keydown=${(e: KeyboardEvent) => this.onKeyDown(e)} @cancel=${(e: Event) => this.onCancel(e)}>
        <form
          novalidate
          @submit=${(e: SubmitEvent) => this.onSubmit(e)}
          @compositionstart=${() => (this.composing = true)}
          @compositionend=${() => (this.composing = false)}
        >
          <h2 id="m-title">${t('manual.heading')}</h2>
          <p class="intro">${t('manual.intro')}</p>
          <fieldset>
            <legend>${t('manual.kind')}</legend>
            ${(['card', 'cccd'] as const).map(
              (k) =>
                html`<label class="radio"
                  ><input
                    type="radio"
                    name="kind"
                    value=${k}
                    data-manual-kind=${k}
                    .checked=${this.kind === k}
                    @change=${() => (this.kind = k)}
                  />${k === 'card' ? t('manual.kindCard') : t('manual.kindCccd')}</label
                >`,
            )}
          </fieldset>
          ${input('number', t('manual.number'), this.kind === 'card' ? t('manual.numberHintCard') : t('manual.numberHintCccd'), {
            inputmode: this.kind === 'cccd' ? 'numeric' : 'text',
          })}
          ${input('name', t('manual.name'), '')} ${input('birthDate', t('manual.birthDate'), t('manual.birthDateHint'))}
          ${server && serverField === undefined ? html`<p class="error" role="alert">${t('manual.errFailed', { code: server.code })}</p>` : nothing}
          <div class="buttons">
            <button type="submit" class="submit" data-action="manual-submit" ?disabled=${this.busy}>
              ${this.busy ? t('manual.busy') : t('manual.submit')}
            </button>
            <button type="button" class="cancel" data-action="manual-cancel" @click=${() => this.close()}>${t('manual.cancel')}</button>
          </div>
        </form>
      </dialog>
    `;
  }

  private onKeyDown(e: KeyboardEvent): void {
    // Esc closes the form only: the page's Esc (clear the screen) must not see it.
    if (e.key === 'Escape' && !e.isComposing) {
      e.preventDefault();
      e.stopPropagation();
      this.close();
    } else if (e.key === 'Enter' && (e.isComposing || this.composing)) {
      // Enter that commits an IME composition is not a submit.
      e.preventDefault();
    }
  }

  private onCancel(e: Event): void {
    e.preventDefault();
    this.close();
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    if (this.busy || this.composing) return;
    const data = new FormData(this.form);
    const parsed = parseManualForm(
      { kind: this.kind, number: formText(data, 'number'), name: formText(data, 'name'), birthDate: formText(data, 'birthDate') },
      vietnamDay(Date.now()),
    );
    this.serverError = undefined;
    if (!parsed.ok) {
      this.errors = parsed.errors;
      const first = (['number', 'name', 'birthDate'] as const).find((f) => parsed.errors[f]);
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>(`input[name="${first}"]`)?.focus());
      return;
    }
    this.errors = {};
    this.busy = true;
    this.dispatchEvent(manualEntryEvent({ entry: parsed.entry }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiosk-manual-entry': KioskManualEntry;
  }
}
