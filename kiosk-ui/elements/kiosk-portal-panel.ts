import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PortalSummary } from '../card-check/types.js';
import { translator, type Locale } from '../i18n/index.js';
import { buildPortalView } from '../verdict/portal-view.js';

/**
 * The online card check beside the verdict: "Đang tra cứu cổng giám định… 12 s" while pending
 * (the seconds tick), then the portal's number and message, the new card, "already checked in
 * today", the last visits, the 5-year date, the portal's address and registered facility, and a
 * mismatch as the portal's value beside the card's. The host carries `data-portal-state`
 * (pending | done | unavailable | config | failed) and, once answered, `data-portal-code`.
 */
@customElement('kiosk-portal-panel')
export class KioskPortalPanel extends LitElement {
  @property({ attribute: false }) portal: PortalSummary | undefined;
  @property() locale: Locale = 'vi';
  /** performance.now() when the check started: the elapsed seconds count from here. */
  @property({ type: Number }) startedAt = 0;
  /** The service refused or could not start the check (its code). */
  @property() failedCode: string | undefined;
  /** The receptionist stopped waiting. */
  @property({ type: Boolean, attribute: 'gave-up' }) gaveUp = false;

  @state() private elapsed = 0;
  private tick: ReturnType<typeof setInterval> | undefined;

  static override styles = css`
    :host {
      display: block;
      margin: 0 0 10px;
      font-size: 20px;
      color: var(--ink);
    }
    :host(:not([data-portal-state])) {
      display: none;
    }
    section {
      border: 4px solid var(--action);
      border-radius: 12px;
      padding: 10px 16px 12px;
      background: var(--white);
    }
    .tone-ok {
      border-color: var(--ok);
    }
    .tone-review,
    .tone-config {
      border-color: var(--review);
    }
    .tone-stop {
      border-color: var(--stop);
    }
    h3 {
      margin: 0 0 4px;
      font-size: 15px;
      text-transform: uppercase;
      letter-spacing: 0.03em;
      color: var(--ink-muted);
    }
    .title {
      margin: 0;
      font-size: 26px;
      font-weight: 800;
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 4px 12px;
    }
    .elapsed {
      font-variant-numeric: tabular-nums;
      color: var(--action);
    }
    .spinner {
      width: 22px;
      height: 22px;
      border: 4px solid var(--mist);
      border-top-color: var(--action);
      border-radius: 50%;
      animation: spin 1s linear infinite;
      align-self: center;
    }
    @keyframes spin {
      to {
        transform: rotate(360deg);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .spinner {
        animation: none;
      }
    }
    .code {
      padding: 0 8px;
      border: 2px solid currentColor;
      border-radius: 6px;
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .message {
      margin: 4px 0 0;
      font-size: 22px;
      font-weight: 700;
    }
    .hint {
      margin: 4px 0 0;
      font-size: 18px;
    }
    .tone-config .title {
      color: var(--review);
    }
    .today {
      margin: 8px 0 0;
      padding: 6px 12px;
      border-left: 6px solid var(--stop);
      background: var(--mist);
      font-weight: 800;
    }
    table {
      margin: 8px 0 0;
      border-collapse: collapse;
      font-size: 20px;
    }
    caption {
      caption-side: top;
      text-align: left;
      font-weight: 700;
      padding-bottom: 2px;
    }
    th,
    td {
      text-align: left;
      padding: 2px 14px 2px 0;
    }
    th {
      font-size: 14px;
      color: var(--ink-muted);
      text-transform: uppercase;
    }
    td.portal-value {
      font-weight: 800;
      color: var(--stop);
    }
    dl {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(230px, 1fr));
      gap: 6px 20px;
      margin: 8px 0 0;
    }
    dt {
      font-size: 14px;
      color: var(--ink-muted);
      text-transform: uppercase;
    }
    dd {
      margin: 0;
      font-size: 21px;
      font-weight: 700;
      overflow-wrap: anywhere;
    }
    .notice dd {
      color: var(--action);
    }
    .foot {
      margin: 6px 0 0;
      font-size: 15px;
      color: var(--ink-muted);
    }
  `;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopTick();
  }

  private get hostState(): string | undefined {
    if (this.failedCode !== undefined) return 'failed';
    const s = this.portal?.state;
    return s === undefined || s === 'off' || s === 'not_needed' ? undefined : s;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('portal') || changed.has('startedAt') || changed.has('gaveUp')) {
      const ticking = this.portal?.state === 'pending' && !this.gaveUp && this.failedCode === undefined;
      if (ticking && this.tick === undefined) {
        this.elapsed = this.secondsSinceStart();
        this.tick = setInterval(() => (this.elapsed = this.secondsSinceStart()), 250);
      } else if (!ticking) this.stopTick();
    }
  }

  protected override updated(): void {
    const s = this.hostState;
    if (s) this.setAttribute('data-portal-state', s);
    else this.removeAttribute('data-portal-state');
    const code = this.portal?.state === 'done' || this.portal?.state === 'config' ? this.portal.code : undefined;
    if (code !== undefined && this.failedCode === undefined) this.setAttribute('data-portal-code', code);
    else this.removeAttribute('data-portal-code');
  }

  private secondsSinceStart(): number {
    return Math.max(0, Math.floor((performance.now() - this.startedAt) / 1000));
  }

  private stopTick(): void {
    clearInterval(this.tick);
    this.tick = undefined;
  }

  override render() {
    const t = translator(this.locale);
    if (this.failedCode !== undefined) {
      return html`<section class="tone-review" aria-labelledby="portal-h">
        <h3 id="portal-h">${t('portal.heading')}</h3>
        <p class="title" role="alert">${t('portal.failed', { code: this.failedCode })}</p>
      </section>`;
    }
    const p = this.portal;
    if (!p || this.hostState === undefined) return nothing;
    const v = buildPortalView(p, this.locale, t);
    const pending = v.state === 'pending';
    return html`<section class="tone-${v.tone}" aria-labelledby="portal-h" aria-busy=${pending && !this.gaveUp ? 'true' : 'false'}>
      <h3 id="portal-h">${t('portal.heading')}</h3>
      <p class="title" data-portal-title>
        ${pending && !this.gaveUp ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}
        <span>${pending && this.gaveUp ? t('portal.gaveUpTitle') : v.title}</span>
        ${
          pending && !this.gaveUp
            ? html`<span class="elapsed" data-portal-elapsed=${this.elapsed}>${t('portal.elapsed', { n: this.elapsed })}</span>`
            : nothing
        }
        ${v.code ? html`<span class="code" data-portal-result=${v.code}>${t('portal.resultCode', { code: v.code })}</span>` : nothing}
      </p>
      ${v.message ? html`<p class="message" data-portal-message>${v.message}</p>` : nothing}
      ${pending && this.gaveUp ? html`<p class="hint" data-portal-gave-up>${t('portal.gaveUp')}</p>` : v.hint ? html`<p class="hint">${v.hint}</p>` : nothing}
      ${v.today ? html`<p class="today" data-portal-today>${v.today}</p>` : nothing}
      ${
        v.mismatch
          ? html`<table data-portal-mismatch=${v.mismatch.field}>
              <caption class="hint">
                ${t('portal.mismatchHeading', { field: v.mismatch.label })}
              </caption>
              <tr>
                <th scope="col">${t('portal.mismatchCard')}</th>
                <th scope="col">${t('portal.mismatchPortal')}</th>
              </tr>
              <tr>
                <td data-mismatch-card>${v.mismatch.card}</td>
                <td class="portal-value" data-mismatch-portal>${v.mismatch.portal}</td>
              </tr>
            </table>`
          : nothing
      }
      ${
        v.fields.length
          ? html`<dl>
              ${v.fields.map(
                (f) =>
                  html`<div class=${f.emphasis ?? ''} data-portal-field=${f.id}>
                    <dt>${f.label}</dt>
                    <dd>${f.value}</dd>
                  </div>`,
              )}
            </dl>`
          : nothing
      }
      ${v.latency ? html`<p class="foot">${v.latency}</p>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiosk-portal-panel': KioskPortalPanel;
  }
}
