import { trustAgeLevel } from '../status/trust-level.js';
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { getStatus } from '../api/client.js';
import type { SessionUser } from '../../server/wire/session.js';
import type { KioskStatus } from '../../server/wire/status.js';
import { portalHealth } from '../card-check/online-check.js';
import type { PortalHealth } from '../card-check/types.js';
import { statusEvent } from '../events.js';
import { CHECKIN_REPORT_BEHIND_SEC, checkInReportItem } from '../status/check-in-report.js';
import { formatAge, translator, type Locale, type MessageKey } from '../i18n/index.js';

/** Sync is "behind" when the oldest unsent visit waits longer than this. */
export const SYNC_BEHIND_SEC = 3600;

/** The portal's state in the bar: its text and how loud it is (off: not shown). */
const PORTAL_ITEMS: Readonly<Record<Exclude<PortalHealth, 'off'>, { key: MessageKey; cls: string }>> = {
  unknown: { key: 'status.portalUnknown', cls: '' },
  reachable: { key: 'status.portalReachable', cls: 'up' },
  slow: { key: 'status.portalSlow', cls: 'warn' },
  down: { key: 'status.portalDown', cls: 'warn' },
  misconfigured: { key: 'status.portalMisconfigured', cls: 'bad' },
};

/** The portal's health from /api/status: its section, made louder by the PORTAL_* warnings. */
export function barPortalHealth(status: KioskStatus | undefined, warnings: ReadonlySet<string>): PortalHealth {
  const h = portalHealth(status);
  if (h === 'off') return h;
  if (warnings.has('PORTAL_CONFIG')) return 'misconfigured';
  if (warnings.has('PORTAL_DOWN') && h !== 'misconfigured') return 'down';
  return h;
}

/**
 * The strip across the top: is the service reachable, how old the trust store is, the demo-keys
 * warning (big: a kiosk trusting demo keys must never run a real desk), pending sync, the agency
 * portal (reachable, slow, down, misconfigured; nothing when none is configured), unsent check-in
 * records for the agency and their warnings (nothing while reporting is off), and who is
 * signed in. Polls /api/status and shares each answer with the page as `kiosk-status`.
 */
@customElement('kiosk-status-bar')
export class KioskStatusBar extends LitElement {
  @property() locale: Locale = 'vi';
  @property({ attribute: false }) user: SessionUser | undefined;
  /** Poll interval, ms. */
  @property({ type: Number }) interval = 10_000;

  @state() private status: KioskStatus | undefined;
  @state() private reachable: boolean | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  static override styles = css`
    :host {
      display: block;
      font-size: 17px;
      background: #1d2733;
      color: var(--white);
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 6px 18px;
      padding: 8px 16px;
    }
    .item {
      display: inline-flex;
      align-items: center;
      gap: 6px;
    }
    .dot {
      width: 14px;
      height: 14px;
      border-radius: 50%;
      display: inline-block;
    }
    .up .dot {
      background: #3ddc84;
    }
    .down {
      font-weight: 800;
      color: #ffb4a8;
    }
    .down .dot {
      background: #ff5252;
      border-radius: 2px;
    }
    .warn {
      color: #ffd54f;
      font-weight: 700;
    }
    .bad {
      background: var(--stop);
      color: var(--white);
      font-weight: 800;
      padding: 2px 8px;
      border-radius: 4px;
    }
    .spacer {
      flex: 1;
    }
    .demo {
      background: repeating-linear-gradient(-45deg, var(--stop) 0 24px, var(--stop-deep) 24px 48px);
      color: var(--white);
      font-size: 26px;
      font-weight: 900;
      text-align: center;
      padding: 10px 16px;
      letter-spacing: 0.02em;
      border-bottom: 4px solid #ffeb3b;
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.poll();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Fetch now (also used after sign-in / check-in so counts update at once). */
  async poll(): Promise<void> {
    clearTimeout(this.timer);
    const res = await getStatus();
    if (!this.isConnected) return;
    this.reachable = res.ok;
    if (res.ok) this.status = res.body;
    this.dispatchEvent(statusEvent(res.ok ? res.body : undefined));
    this.timer = setTimeout(() => void this.poll(), this.interval);
  }

  override render() {
    const t = translator(this.locale);
    const s = this.status;
    const warnings = new Set(s?.warnings ?? []);
    // The last answer's: a demo kiosk stays marked DEMO while the service is down.
    const demo = s?.demo === true || warnings.has('DEMO_KEYS');
    const trustAge = s?.trust?.crlAgeSec ?? s?.trust?.ageSec;
    const trustLevel = trustAgeLevel(trustAge, s?.trust?.maxAgeSec, s?.trust?.stale === true || warnings.has('TRUST_STALE'));
    const sync = s?.sync?.enabled ? s.sync : undefined;
    const portal = this.reachable === false ? 'off' : barPortalHealth(s, warnings);
    const portalItem = portal === 'off' ? undefined : PORTAL_ITEMS[portal];
    const report = this.reachable === false ? undefined : checkInReportItem(s);
    const syncBehind = warnings.has('SYNC_BEHIND') || (sync?.oldestPendingAgeSec != null && sync.oldestPendingAgeSec > SYNC_BEHIND_SEC);
    return html`
      ${demo ? html`<div class="demo" role="alert" data-warning="DEMO_KEYS">⚠ ${t('status.demoKeys')} ⚠</div>` : nothing}
      <div class="row">
        ${
          this.reachable === undefined
            ? html`<span class="item">${t('status.checking')}</span>`
            : this.reachable
              ? html`<span class="item up" data-service="up"><span class="dot" aria-hidden="true"></span>${t('status.online')}</span>`
              : html`<span class="item down" role="alert" data-service="down"
                  ><span class="dot" aria-hidden="true"></span>${t('status.offline')}</span
                >`
        }
        ${
          trustAge !== undefined
            ? trustLevel === 'stale'
              ? html`<span class="item bad" data-warning="TRUST_STALE" data-trust-level="stale"
                  >⚠ ${t('status.trustStale', { age: formatAge(trustAge, t) })}</span
                >`
              : html`<span class="item ${trustLevel === 'ageing' ? 'warn' : ''}" data-trust-level=${trustLevel}
                  >${trustLevel === 'ageing' ? '⚠ ' : ''}${t('status.trustAge', { age: formatAge(trustAge, t) })}</span
                >`
            : nothing
        }
        ${warnings.has('TRUST_REFRESH_FAILED') ? html`<span class="item warn">⚠ ${t('status.trustRefreshFailed')}</span>` : nothing}
        ${warnings.has('CLOCK_SUSPECT') ? html`<span class="item warn">⚠ ${t('status.clockSuspect')}</span>` : nothing}
        ${
          // The store refused this kiosk's checkpoint: its log may have been cut or rewritten (IT, not the desk, acts).
          warnings.has('CHECKPOINT_REFUSED')
            ? html`<span class="item bad" data-warning="CHECKPOINT_REFUSED">⚠ ${t('status.checkpointRefused')}</span>`
            : nothing
        }
        ${
          sync
            ? html`<span class="item ${syncBehind ? 'warn' : ''}" data-sync-pending=${sync.pending ?? 0}>
                ${
                  syncBehind
                    ? html`⚠ ${t('status.syncBehind', { age: formatAge(sync.oldestPendingAgeSec ?? SYNC_BEHIND_SEC, t) })} ·
                      ${t('status.syncPending', { count: sync.pending ?? 0 })}`
                    : sync.pending
                      ? t('status.syncPending', { count: sync.pending })
                      : t('status.syncOk')
                }
              </span>`
            : nothing
        }
        ${
          portalItem
            ? html`<span
                class="item ${portalItem.cls}"
                data-portal-health=${portal}
                role=${portal === 'reachable' || portal === 'unknown' ? 'status' : 'alert'}
                >${portalItem.cls === 'up' ? html`<span class="dot" aria-hidden="true"></span>` : portalItem.cls ? '⚠ ' : ''}${t(portalItem.key)}</span
              >`
            : nothing
        }
        ${
          report
            ? html`<span
                class="item ${report.behind ? 'warn' : ''}"
                data-checkin-report-pending=${report.pending}
                role=${report.behind ? 'alert' : 'status'}
                >${report.behind ? html`⚠ ${t('status.checkInReportBehind', { age: formatAge(report.oldestAgeSec ?? CHECKIN_REPORT_BEHIND_SEC, t) })} · ` : ''}${t(
                  'status.checkInReportPending',
                  { count: report.pending },
                )}</span
              >`
            : nothing
        }
        ${
          report && report.parked > 0
            ? html`<span class="item warn" data-checkin-report-parked=${report.parked}
                >⚠ ${t('status.checkInReportParked', { count: report.parked })}</span
              >`
            : nothing
        }
        ${
          report?.config
            ? html`<span class="item bad" role="alert" data-warning="CHECKIN_REPORT_CONFIG">⚠ ${t('status.checkInReportConfig')}</span>`
            : nothing
        }
        <span class="spacer"></span>
        ${s?.deskId ? html`<span class="item">${t('status.desk', { desk: s.deskId })}</span>` : nothing}
        <span class="item" data-user=${this.user?.username ?? ''}>
          ${this.user ? t('status.user', { name: this.user.displayName ?? this.user.username }) : t('status.noUser')}
        </span>
        <slot></slot>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiosk-status-bar': KioskStatusBar;
  }
}
