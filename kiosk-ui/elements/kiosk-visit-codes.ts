import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { VisitCodeTable, VisitCodeView } from '../../server/wire/check-in-report.js';
import { activityEvent, visitCodesEvent } from '../events.js';
import { translator, type Locale } from '../i18n/index.js';

/** `1.1 · Đúng tuyến, nơi đăng ký KCB ban đầu`: the code, then its label in the screen's language (Vietnamese first). */
export function codeOptionText(c: VisitCodeView, locale: Locale): string {
  return `${c.code} · ${locale === 'en' ? c.labelEn : c.labelVi}`;
}

/**
 * The visit category (MA_DOITUONG_KCB) and visit type (MA_LOAI_KCB) of the check-in, as two
 * compact native selects (keyboard: Tab, arrows; they never take Enter from the confirm button,
 * which comes first). The proposed category is preselected; when the screen has no proposal, or
 * the codes could not be loaded, the category is left to the server. Every choice is announced
 * as `kiosk-visit-codes`.
 */
@customElement('kiosk-visit-codes')
export class KioskVisitCodes extends LitElement {
  /** GET /api/visit-codes's answer; undefined while loading or when it failed. */
  @property({ attribute: false }) table: VisitCodeTable | undefined;
  /** The server's proposal for this card (proposedVisitCategory). */
  @property({ attribute: false }) proposed: string | undefined;
  @property() locale: Locale = 'vi';
  @property({ type: Boolean }) disabled = false;

  @state() private category: string | undefined;
  @state() private type = '01';

  static override styles = css`
    :host {
      display: block;
      margin: 10px 0 0;
      font-size: 17px;
    }
    :host([hidden]) {
      display: none;
    }
    /* Each label above its select, the select as wide as the column; the chosen category's whole
       label (some are 90 characters: no select shows them) wraps on the line below. */
    .row {
      display: grid;
      grid-template-columns: minmax(0, 1fr);
      gap: 4px;
    }
    label {
      font-weight: 700;
    }
    label[for='type'] {
      margin-top: 6px;
    }
    .chosen {
      margin: 0;
      font-size: 16px;
      line-height: 1.3;
      overflow-wrap: anywhere;
    }
    .chosen b {
      font-weight: 700;
    }
    select {
      font: inherit;
      min-height: 40px;
      width: 100%;
      max-width: 100%;
      padding: 4px 8px;
      border: 2px solid #6b7785;
      border-radius: 8px;
      background: var(--white, #fff);
    }
    select:focus-visible {
      outline: 4px solid var(--action);
      outline-offset: 2px;
    }
    .note {
      margin: 4px 0 0;
      font-size: 15px;
      color: #4a5561;
    }
  `;

  /** The category to send (undefined: the server proposes). */
  get selectedCategory(): string | undefined {
    return this.category;
  }

  /** The visit type to send. */
  get selectedType(): string {
    return this.type;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('proposed') || changed.has('table')) {
      const known = this.table?.categories.some((c) => c.code === this.proposed) === true;
      this.category = known ? this.proposed : undefined;
      const def = this.table?.defaultType ?? '01';
      this.type = this.table === undefined || this.table.types.some((t) => t.code === def) ? def : (this.table.types[0]?.code ?? def);
    }
  }

  override render() {
    const t = translator(this.locale);
    const table = this.table;
    if (!table) return html`<p class="note" data-visit-codes="unavailable">${t('visitCodes.unavailable')}</p>`;
    const chosen = table.categories.find((c) => c.code === this.category);
    return html`
      <div class="row">
        <label for="category">${t('visitCodes.category')}</label>
        <select
          id="category"
          name="visitCategory"
          data-visit-category
          aria-describedby=${chosen ? 'category-chosen' : nothing}
          ?disabled=${this.disabled}
          @change=${(e: Event) => this.choose({ category: (e.target as HTMLSelectElement).value || undefined })}
        >
          ${this.category === undefined ? html`<option value="" selected>${t('visitCodes.serverProposes')}</option>` : nothing}
          ${table.categories.map(
            (c) =>
              html`<option value=${c.code} ?selected=${c.code === this.category}>
                ${codeOptionText(c, this.locale)}${c.code === this.proposed ? ` ${t('visitCodes.proposed')}` : ''}
              </option>`,
          )}
        </select>
        ${
          chosen
            ? html`<p class="chosen" id="category-chosen" data-visit-category-text>
                <b>${chosen.code}</b> ·
                ${this.locale === 'en' ? chosen.labelEn : chosen.labelVi}${
                  chosen.code === this.proposed ? ` ${t('visitCodes.proposed')}` : ''
                }
              </p>`
            : nothing
        }
        <label for="type">${t('visitCodes.type')}</label>
        <select
          id="type"
          name="visitType"
          data-visit-type
          ?disabled=${this.disabled}
          @change=${(e: Event) => this.choose({ type: (e.target as HTMLSelectElement).value })}
        >
          ${table.types.map((c) => html`<option value=${c.code} ?selected=${c.code === this.type}>${codeOptionText(c, this.locale)}</option>`)}
        </select>
      </div>
    `;
  }

  private choose(next: { category?: string | undefined; type?: string }): void {
    if ('category' in next) this.category = next.category;
    if (next.type !== undefined) this.type = next.type;
    this.dispatchEvent(visitCodesEvent({ category: this.category, type: this.type }));
    this.dispatchEvent(activityEvent());
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiosk-visit-codes': KioskVisitCodes;
  }
}
