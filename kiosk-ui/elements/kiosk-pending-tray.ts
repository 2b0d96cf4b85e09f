import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { checkIn } from '../api/client.js';
import { checkedInEvent, trayEvent, type PendingPatient } from '../events.js';
import { translator, type Locale } from '../i18n/index.js';

/**
 * "Chưa tiếp nhận": patients whose card was scanned and found good but who were not confirmed
 * before the next scan (or the long idle clear). Nobody is dropped silently: an accepted card is
 * checked in from here with one key (its button), a card that needs review is reopened on the
 * main panel (the ticks are needed), and the receptionist can remove an entry on purpose.
 * Shown only to a signed-in receptionist; the page empties it on sign-out.
 */
@customElement('kiosk-pending-tray')
export class KioskPendingTray extends LitElement {
  @property() locale: Locale = 'vi';
  @property({ attribute: false }) items: readonly PendingPatient[] = [];
  /** Entries whose check-in is being sent. */
  @state() private busy = new Set<string>();
  /** Entries whose one-key check-in failed (the reason is shown on reopening). */
  @state() private failed = new Set<string>();

  static override styles = css`
    :host {
      display: block;
      font-size: 18px;
    }
    section {
      border: 3px solid var(--review);
      border-radius: 10px;
      padding: 8px 12px;
      background: #fffaf0;
    }
    h2 {
      font-size: 20px;
      margin: 0 0 4px;
    }
    p {
      margin: 0 0 6px;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
      /* A long queue scrolls inside the tray: the verdict below stays on screen. */
      max-height: 30vh;
      overflow-y: auto;
    }
    li {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px 10px;
      padding: 6px 0;
      border-top: 1px solid #e6d9b8;
    }
    .name {
      flex: 1 1 10em;
      font-weight: 700;
    }
    .verdict {
      font-size: 15px;
      color: #5f4500;
    }
    button {
      font: inherit;
      font-weight: 700;
      min-height: 44px;
      padding: 4px 14px;
      border-radius: 8px;
      border: 2px solid var(--action);
      background: var(--white);
      color: var(--action);
      cursor: pointer;
    }
    button.primary {
      background: var(--ok);
      border-color: var(--ok);
      color: var(--white);
    }
    button:focus-visible {
      outline: 4px solid var(--action);
      outline-offset: 2px;
    }
    .bad {
      color: var(--stop);
      font-weight: 700;
      flex-basis: 100%;
      margin: 0;
    }
  `;

  override render() {
    if (this.items.length === 0) return nothing;
    const t = translator(this.locale);
    return html`<section aria-labelledby="tray-heading" data-tray>
      <h2 id="tray-heading">${t('tray.heading', { count: this.items.length })}</h2>
      <p>${t('tray.intro')}</p>
      <ol>
        ${this.items.map((p) => {
          const busy = this.busy.has(p.id);
          const nameId = `tray-name-${p.id}`;
          return html`<li data-tray-item=${p.id} data-verdict=${p.result.verdict}>
            <span class="name" id=${nameId}
              >${p.result.card?.fullName ?? p.result.card?.idNumber ?? '—'}
              <span class="verdict">· ${t(`recent.${p.result.verdict}` as 'recent.accepted')}</span></span
            >
            ${
              p.result.verdict === 'accepted' && !this.failed.has(p.id)
                ? html`<button
                    type="button"
                    class="primary"
                    data-action="tray-confirm"
                    aria-describedby=${nameId}
                    aria-disabled=${busy ? 'true' : 'false'}
                    @click=${() => void this.confirm(p)}
                  >
                    ${busy ? t('tray.busy') : t('tray.confirm')}
                  </button>`
                : nothing
            }
            ${
              p.qr !== undefined
                ? html`<button type="button" data-action="tray-open" aria-describedby=${nameId} @click=${() => this.emit(p, 'open')}>
                    ${t('tray.open')}
                  </button>`
                : nothing
            }
            <button type="button" data-action="tray-dismiss" aria-describedby=${nameId} @click=${() => this.emit(p, 'dismiss')}>
              ${t('tray.dismiss')}
            </button>
            ${
              this.failed.has(p.id)
                ? html`<p class="bad" role="alert">${t('tray.error', { name: p.result.card?.fullName ?? '' })}</p>`
                : nothing
            }
          </li>`;
        })}
      </ol>
    </section>`;
  }

  private emit(p: PendingPatient, action: 'open' | 'dismiss' | 'done'): void {
    this.dispatchEvent(trayEvent({ id: p.id, action }));
  }

  private async confirm(p: PendingPatient): Promise<void> {
    if (this.busy.has(p.id)) return;
    this.busy = new Set([...this.busy, p.id]);
    const res = await checkIn(p.cardCheckId !== undefined ? { cardCheckId: p.cardCheckId } : { qr: p.qr! }, p.idempotencyKey);
    const busy = new Set(this.busy);
    busy.delete(p.id);
    this.busy = busy;
    if (res.ok) {
      this.dispatchEvent(checkedInEvent({ duplicate: res.body?.duplicate === true }));
      this.emit(p, 'done');
    } else {
      this.failed = new Set([...this.failed, p.id]);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiosk-pending-tray': KioskPendingTray;
  }
}
