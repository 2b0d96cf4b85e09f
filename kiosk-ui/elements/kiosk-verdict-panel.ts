import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { VerifyResult } from '../../server/wire/verification.js';
import { formatDuration } from '../i18n/duration.js';
import { translator, type Locale } from '../i18n/index.js';
import { buildVerdictView, type ReasonView } from '../verdict/view-model.js';
import { infoIcon, severityIcon, toneIcon } from './icons.js';

/**
 * The verdict, readable from a metre away. The host element carries `data-verdict`
 * (accepted | needs_review | rejected) and `data-code` (the primary reason code) while a result
 * is shown, and neither — nor any card data in its shadow DOM — once the result is cleared.
 * The online check's panel (kiosk-portal-panel) is slotted in as `portal`.
 */
@customElement('kiosk-verdict-panel')
export class KioskVerdictPanel extends LitElement {
  @property({ attribute: false }) result: VerifyResult | undefined;
  @property() locale: Locale = 'vi';
  /** Seconds until the screen clears (shown as a countdown), when known. */
  @property({ type: Number }) clearsIn: number | undefined;
  /** The countdown moves an undecided card to the "chưa tiếp nhận" tray rather than clearing it. */
  @property({ type: Boolean, attribute: 'clears-to-tray' }) clearsToTray = false;
  /**
   * The online check is under way or answered: its panel (slotted as `portal`, at the top of the
   * frame) replaces the "check online" banner.
   */
  @property({ type: Boolean, attribute: 'portal-shown' }) portalShown = false;

  static override styles = css`
    :host {
      display: block;
      container-type: inline-size;
      font-size: 22px;
      color: var(--ink);
    }
    :host(:not([data-verdict])) {
      display: none;
    }
    .band {
      display: flex;
      align-items: center;
      gap: 18px;
      padding: 12px 20px;
      border-radius: 14px 14px 0 0;
    }
    .band .icon {
      width: 72px;
      height: 72px;
      flex: none;
    }
    .band h2 {
      margin: 0;
      font-size: 58px;
      line-height: 1;
      letter-spacing: 0.02em;
      font-weight: 900;
    }
    .band h2:focus {
      /* Focused by script so screen readers start here; not a control, so no focus ring. */
      outline: none;
    }
    .band p {
      margin: 4px 0 0;
      font-size: 22px;
      font-weight: 600;
    }
    .tone-ok .band {
      background: var(--ok);
      color: var(--white);
    }
    .tone-review .band {
      background: var(--review-fill);
      color: var(--ink);
    }
    .tone-stop .band {
      background: var(--stop);
      color: var(--white);
    }
    .frame {
      border: 6px solid;
      border-top: none;
      border-radius: 0 0 14px 14px;
      padding: 12px 20px 14px;
      background: var(--white);
    }
    .tone-ok .frame {
      border-color: var(--ok);
    }
    .tone-review .frame {
      border-color: var(--review-fill);
    }
    .tone-stop .frame {
      border-color: var(--stop);
    }
    .banner {
      display: flex;
      align-items: center;
      gap: 14px;
      margin: 0 0 10px;
      padding: 8px 14px;
      background: #fff4cc;
      border: 3px dashed var(--review);
      border-radius: 10px;
      font-size: 26px;
      font-weight: 800;
      color: #4a3600;
    }
    .banner .icon {
      width: 44px;
      height: 44px;
      flex: none;
    }
    .demo {
      display: inline-block;
      margin: 0 0 10px;
      padding: 4px 10px;
      background: #5b0a91;
      color: var(--white);
      font-weight: 700;
      border-radius: 6px;
      font-size: 18px;
    }
    ul.reasons {
      list-style: none;
      margin: 0 0 8px;
      padding: 0;
    }
    ul.reasons li {
      display: flex;
      align-items: flex-start;
      gap: 12px;
      padding: 6px 0;
      font-size: 22px;
      line-height: 1.3;
    }
    ul.reasons .icon {
      width: 30px;
      height: 30px;
      flex: none;
      margin-top: 2px;
    }
    .sev-error .icon {
      color: var(--stop);
    }
    .sev-warning .icon {
      color: var(--review);
    }
    .sev-info .icon {
      color: #0d47a1;
    }
    .portal {
      display: inline-block;
      margin-left: 8px;
      padding: 0 8px;
      border: 2px solid currentColor;
      border-radius: 6px;
      font-weight: 800;
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .name {
      font-size: 38px;
      font-weight: 800;
      margin: 2px 0 8px;
      line-height: 1.15;
    }
    .name.unreadable {
      font-size: 20px;
      font-weight: 700;
      font-style: italic;
    }
    .name-note {
      margin: -4px 0 10px;
      font-size: 15px;
      font-weight: 600;
    }
    dl {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(210px, 1fr));
      gap: 6px 20px;
      margin: 0;
    }
    dl > div {
      min-width: 0;
    }
    dt {
      font-size: 14px;
      color: var(--ink-muted);
      text-transform: uppercase;
      letter-spacing: 0.03em;
    }
    dd {
      margin: 0;
      font-size: 23px;
      font-weight: 700;
      overflow-wrap: anywhere;
      font-variant-numeric: tabular-nums;
    }
    .notice dd {
      color: #0d47a1;
    }
    .wide {
      grid-column: 1 / -1;
    }
    .foot {
      display: flex;
      justify-content: space-between;
      gap: 12px;
      margin-top: 8px;
      font-size: 16px;
      color: var(--ink-muted);
    }
    @container (max-width: 560px) {
      .band h2 {
        font-size: 48px;
      }
      .band .icon {
        width: 60px;
        height: 60px;
      }
    }
  `;

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (!changed.has('result')) return;
    // Reflect onto the host so tests and integrations can read the verdict from outside.
    if (this.result) {
      this.setAttribute('data-verdict', this.result.verdict);
      this.setAttribute('data-code', this.result.code);
      markPainted();
    } else {
      this.removeAttribute('data-verdict');
      this.removeAttribute('data-code');
    }
  }

  /** Moves focus to the verdict heading (screen readers read it; no button gets pressed by Enter). */
  focusHeading(): void {
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  override render() {
    if (!this.result) return nothing;
    const t = translator(this.locale);
    const v = buildVerdictView(this.result, this.locale, t);
    const name = v.fields.find((f) => f.id === 'fullName');
    const rest = v.fields.filter((f) => f.id !== 'fullName');
    return html`
      <section class="tone-${v.tone}" aria-labelledby="verdict-title">
        <div class="band">
          ${toneIcon(v.tone)}
          <div>
            <h2 id="verdict-title" tabindex="-1">${v.title}</h2>
            <p>${v.hint}</p>
          </div>
        </div>
        <div class="frame">
          <slot name="portal"></slot>
          ${v.unsignedBanner && !this.portalShown ? html`<p class="banner" role="note" data-banner="unsigned">${severityIcon('warning')}${v.unsignedBanner}</p>` : nothing}
          ${v.demoCard ? html`<p class="demo">${t('verdict.demoCard')}</p>` : nothing}
          ${
            v.reasons.length
              ? html`<ul class="reasons" aria-label=${t('verdict.reasons')}>
                  ${v.reasons.map((r) => this.renderReason(r, t))}
                </ul>`
              : nothing
          }
          ${
            name
              ? html`<p
                  class="name ${this.result.card?.nameFrom ?? ''}"
                  data-field="fullName"
                  data-name-from=${this.result.card?.nameFrom ?? 'card'}
                >
                  ${name.value}
                </p>`
              : nothing
          }
          ${name?.note ? html`<p class="name-note" data-name-note>${name.note}</p>` : nothing}
          ${
            rest.length
              ? html`<dl aria-label=${t('verdict.cardHeading')}>
                  ${rest.map(
                    (f) =>
                      html`<div class="${f.emphasis ?? ''} ${f.id === 'offRoute' ? 'wide' : ''}" data-field=${f.id}>
                        <dt>${f.label}</dt>
                        <dd>${f.value}</dd>
                      </div>`,
                  )}
                </dl>`
              : nothing
          }
          <div class="foot">
            <span>${v.issuer ?? ''}</span>
            <span
              >${
                this.clearsIn !== undefined
                  ? this.clearsToTray
                    ? t('verdict.movesToTrayIn', { time: formatDuration(this.clearsIn, t, { countdown: true }) })
                    : t('verdict.clearsIn', { time: formatDuration(this.clearsIn, t, { countdown: true }) })
                  : ''
              }</span
            >
          </div>
        </div>
      </section>
    `;
  }

  private renderReason(r: ReasonView, t: ReturnType<typeof translator>) {
    return html`<li class="sev-${r.severity}" data-reason=${r.code}>
      ${r.severity === 'info' ? infoIcon() : severityIcon(r.severity)}
      <span>${r.text}${r.portalCode ? html`<span class="portal">${t('verdict.portalCode', { code: r.portalCode })}</span>` : nothing}</span>
    </li>`;
  }
}

/**
 * `bhyt:verdict-painted` once the frame showing the verdict has been painted (a task after the
 * next animation frame): the end point of the benchmark's scan-to-verdict latency.
 */
function markPainted(): void {
  requestAnimationFrame(() => setTimeout(() => performance.mark('bhyt:verdict-painted'), 0));
}

declare global {
  interface HTMLElementTagNameMap {
    'kiosk-verdict-panel': KioskVerdictPanel;
  }
}
