import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { getRecentVisits } from '../api/client.js';
import type { Visit as RecentVisit } from '../../server/wire/visit.js';
import { vietnamWallClock } from '../../server/wire/vietnam-time.js';
import { translator, type Locale, type MessageKey } from '../i18n/index.js';
import { formatDate } from '../verdict/format.js';
import { detailsStyles } from './details-styles.js';

const LIMIT = 10;

/**
 * "This desk's recent check-ins", for a receptionist answering "did I already check her in?".
 * Closed by default and fetched only when opened; it closes itself and drops what it fetched
 * after `clearSec` seconds (and whenever the app clears), so no names linger on screen. Opened,
 * it shows the time, the verdict and masked initials only; names, card numbers and birth dates
 * appear on request ("Hiện"), for the one answer being looked for.
 */
@customElement('kiosk-recent-visits')
export class KioskRecentVisits extends LitElement {
  @property() locale: Locale = 'vi';
  @property({ type: Boolean, attribute: 'signed-in' }) signedIn = false;
  @property({ type: Number }) clearSec = 20;
  @state() private open = false;
  @state() private items: RecentVisit[] | undefined;
  @state() private error: string | undefined;
  @state() private revealed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  static override styles = [
    detailsStyles,
    css`
      ol {
        list-style: none;
        margin: 8px 0 0;
        padding: 0;
      }
      li {
        display: grid;
        grid-template-columns: 4.5em 1fr auto;
        gap: 8px;
        padding: 4px 0;
        border-top: 1px solid #e0e4e8;
      }
      .verdict.accepted {
        color: #1b5e20;
      }
      .verdict.needs_review {
        color: #7a4b00;
      }
      .muted {
        color: #55606c;
      }
      .reveal {
        font: inherit;
        margin-top: 8px;
        min-height: 40px;
        padding: 4px 12px;
        border-radius: 8px;
        border: 2px solid var(--action);
        background: var(--white);
        color: var(--action);
        cursor: pointer;
      }
      .reveal:focus-visible {
        outline: 4px solid var(--action);
        outline-offset: 2px;
      }
    `,
  ];

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.close();
  }

  /** Closes the list and forgets it. */
  close(): void {
    clearTimeout(this.timer);
    this.open = false;
    this.revealed = false;
    this.items = undefined;
    this.error = undefined;
    this.renderRoot.querySelector('details')?.removeAttribute('open');
  }

  private async onToggle(e: Event): Promise<void> {
    const opened = (e.target as HTMLDetailsElement).open;
    if (!opened) return this.close();
    this.open = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.close(), this.clearSec * 1000);
    const res = await getRecentVisits(LIMIT);
    if (!this.open) return;
    if (res.ok) {
      this.items = res.body.items;
      this.error = undefined;
    } else {
      this.error = res.problem.code ?? String(res.status);
    }
  }

  override render() {
    if (!this.signedIn) return nothing;
    const t = translator(this.locale);
    return html`<details data-recent @toggle=${(e: Event) => this.onToggle(e)}>
      <summary>${t('recent.heading')}</summary>
      ${this.error ? html`<p class="muted" role="alert">${t('recent.error')}</p>` : nothing}
      ${this.items && this.items.length === 0 ? html`<p class="muted">${t('recent.empty')}</p>` : nothing}
      ${
        this.items && this.items.length > 0
          ? html`<button
              type="button"
              class="reveal"
              data-action="recent-reveal"
              aria-pressed=${this.revealed ? 'true' : 'false'}
              @click=${() => (this.revealed = !this.revealed)}
            >
              ${this.revealed ? t('recent.hide') : t('recent.reveal')}
            </button>`
          : nothing
      }
      ${
        this.items && this.items.length > 0
          ? html`<ol>
              ${this.items.map(
                (v) =>
                  html`<li data-visit-id=${v.id}>
                    <span class="muted">${timeOf(v.recordedAt)}</span>
                    ${
                      this.revealed
                        ? html`<span data-revealed
                            >${v.card?.fullName ?? '—'}<br /><span class="muted"
                              >${v.card?.cardNumber ?? v.card?.maSoBhxh ?? ''} · ${formatDate(v.card?.birthDate) ?? ''}</span
                            ></span
                          >`
                        : html`<span data-masked
                            >${initials(v.card?.fullName)}<br /><span class="muted"
                              >${maskNumber(v.card?.cardNumber ?? v.card?.maSoBhxh)} · ${t('recent.masked')}</span
                            ></span
                          >`
                    }
                    <span class="verdict ${v.verdict}">${t(`recent.${v.verdict}` as MessageKey)}</span>
                  </li>`,
              )}
            </ol>`
          : nothing
      }
    </details>`;
  }
}

/** "N. Đ. T." for "Nguyễn Đức Thiện": enough to tell rows apart, not to name anyone. */
export function initials(name: string | undefined): string {
  if (!name) return '—';
  return name
    .trim()
    .split(/\s+/)
    .map((w) => `${w.charAt(0)}.`)
    .join(' ');
}

/** The last 3 characters of a card number, the rest as dots. */
export function maskNumber(n: string | undefined): string {
  if (!n) return '';
  return `•••${n.slice(-3)}`;
}

/** HH:mm in Vietnam time (UTC+7), whatever the browser's zone. */
function timeOf(iso: string): string {
  const d = vietnamWallClock(Date.parse(iso));
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'kiosk-recent-visits': KioskRecentVisits;
  }
}
