import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CheckInReportSection } from '../../server/wire/check-in-report.js';
import type { KioskStatus, OutboxStatus } from '../../server/wire/status.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { vnTime } from '../audit/filter-params.js';
import { LightElement } from '../audit/light-element.js';
import { ageText } from './age.js';

/**
 * The service at a glance: its warnings (each in words, the code beside), the sync to the
 * medical-history store, the agency portal and the check-in report: on or off, sending or
 * failing, how much waits and since when, the last error.
 */
@customElement('admin-services')
export class AdminServices extends LightElement {
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) status: KioskStatus | undefined;

  private warning(code: string) {
    const key = `admin.warning.${code}` as MessageKey;
    const words = this.t(key);
    return html`<li data-warning=${code}>${words === key ? code : words} <span class="mono small muted">${code}</span></li>`;
  }

  private outbox(id: string, heading: string, s: OutboxStatus | CheckInReportSection | { enabled: false } | undefined) {
    const t = this.t;
    if (!s) return nothing;
    if (!s.enabled)
      return html`<div id=${id} data-state="off">
        <h3>${heading}</h3>
        <p class="muted">${t('admin.services.off')}</p>
      </div>`;
    const bad = s.lastError !== null || s.parked > 0;
    return html`<div id=${id} data-state=${s.state}>
      <h3>${heading}</h3>
      <dl class="facts">
        <dt>${t('admin.services.state')}</dt>
        <dd class=${bad ? 'state-warn' : 'state-ok'}>${t(`admin.outbox.${s.state}` as MessageKey)}</dd>
        <dt>${t('admin.services.pending')}</dt>
        <dd data-pending=${s.pending}>
          ${s.pending}${s.oldestPendingAgeSec !== null ? ` (${t('admin.services.oldest', { age: ageText(t, s.oldestPendingAgeSec) })})` : ''}
        </dd>
        <dt>${t('admin.services.parked')}</dt>
        <dd class=${s.parked > 0 ? 'state-bad' : ''}>${s.parked}</dd>
        <dt>${t('admin.services.lastSuccess')}</dt>
        <dd>${s.lastSuccessAt ? vnTime(s.lastSuccessAt) : t('admin.users.never')}</dd>
        ${
          s.lastError
            ? html`<dt>${t('admin.services.lastError')}</dt>
                <dd class="state-bad">${s.lastError.code}: ${s.lastError.detail} (${vnTime(s.lastError.at)})</dd>`
            : nothing
        }
      </dl>
    </div>`;
  }

  protected override render() {
    const t = this.t;
    const s = this.status;
    if (!s) return html`<section class="card"><p class="muted">${t('audit.loading')}</p></section>`;
    const p = s.portal;
    return html`<section class="card" aria-labelledby="admin-services-heading" id="admin-services">
      <h2 id="admin-services-heading">${t('admin.services.heading')}</h2>
      <p class="muted">${t('admin.services.facility', { facility: s.facility, desk: s.deskId, version: s.version })}</p>
      <h3>${t('admin.services.warnings')}</h3>
      ${
        s.warnings.length === 0
          ? html`<p class="state-ok" id="admin-no-warnings">${t('admin.services.noWarnings')}</p>`
          : html`<ul class="warnings" id="admin-warnings">
              ${s.warnings.map((w) => this.warning(w))}
            </ul>`
      }
      <div class="admin-grid">
        ${this.outbox('admin-sync', t('admin.services.sync'), s.sync)}
        ${
          p
            ? html`<div id="admin-portal" data-state=${p.state}>
                <h3>${t('admin.services.portal')}</h3>
                <dl class="facts">
                  <dt>${t('admin.services.state')}</dt>
                  <dd class=${p.state === 'reachable' ? 'state-ok' : p.state === 'off' ? '' : 'state-warn'}>
                    ${t(`admin.portal.${p.state}` as MessageKey)}
                  </dd>
                  ${
                    p.lastAnswer
                      ? html`<dt>${t('admin.services.lastAnswer')}</dt>
                          <dd>${vnTime(p.lastAnswer.at)}${p.lastAnswer.code ? ` (${p.lastAnswer.code})` : ''}</dd>`
                      : nothing
                  }
                  <dt>${t('admin.services.awaitingRecheck')}</dt>
                  <dd>${p.awaitingRecheck}</dd>
                </dl>
              </div>`
            : nothing
        }
        ${this.outbox('admin-checkin', t('admin.services.checkIn'), s.checkInReport)}
      </div>
    </section>`;
  }
}
