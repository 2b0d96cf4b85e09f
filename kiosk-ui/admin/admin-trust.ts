import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { TrustRefreshReply } from '../../server/wire/admin.js';
import type { TrustStatus } from '../../server/wire/status.js';
import { refreshTrust } from '../api/client.js';
import type { Translate } from '../i18n/index.js';
import { vnTime } from '../audit/filter-params.js';
import { LightElement } from '../audit/light-element.js';
import { problemText } from '../audit/problem-text.js';
import { ageText } from './age.js';

/**
 * The trust store: each issuer with its key ids (revoked ones marked) and revocation lists, how
 * old the store and its revocation lists are, "refresh now", and the last refusal with why.
 * Dispatches `admin-reload` after a refresh so the page reads the status again.
 */
@customElement('admin-trust')
export class AdminTrust extends LightElement {
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) trust: TrustStatus | undefined;
  @state() private busy = false;
  @state() private outcome: TrustRefreshReply | undefined;
  @state() private error: string | undefined;

  private async refresh(): Promise<void> {
    this.busy = true;
    this.error = undefined;
    const r = await refreshTrust();
    this.busy = false;
    if (r.ok) this.outcome = r.body;
    else {
      this.outcome = undefined;
      this.error = problemText(this.t, r.code);
    }
    this.dispatchEvent(new CustomEvent('admin-reload', { bubbles: true }));
  }

  private outcomeText(o: TrustRefreshReply): string {
    const t = this.t;
    if (!o.ok) return t('admin.trust.refused', { code: o.refusedBecause ?? '?', problems: (o.problems ?? []).join('; ') });
    return o.changed
      ? t('admin.trust.changed', { issuers: o.issuers, refreshed: o.refreshed })
      : t('admin.trust.unchanged', { issuers: o.issuers });
  }

  protected override render() {
    const t = this.t;
    const s = this.trust;
    const last = s?.refresh.lastError;
    return html`<section class="card" aria-labelledby="admin-trust-heading" id="admin-trust">
      <h2 id="admin-trust-heading">${t('admin.trust.heading')}</h2>
      ${
        s
          ? html`<dl class="facts">
                <dt>${t('admin.trust.age')}</dt>
                <dd id="admin-trust-age" class=${s.stale ? 'state-bad' : 'state-ok'}>
                  ${ageText(t, s.ageSec)} (${vnTime(s.updatedAt)})${s.stale ? html` — ${t('admin.trust.stale')}` : nothing}
                </dd>
                <dt>${t('admin.trust.crlAge')}</dt>
                <dd id="admin-crl-age">${ageText(t, s.crlAgeSec)} (${vnTime(s.crlCheckedAt)})</dd>
                <dt>${t('admin.trust.lastSuccess')}</dt>
                <dd>${s.refresh.lastSuccessAt ? vnTime(s.refresh.lastSuccessAt) : t('admin.users.never')}</dd>
                <dt>${t('admin.trust.lastRefusal')}</dt>
                <dd id="admin-trust-last-refusal">
                  ${
                    last
                      ? html`<span class="state-bad">${last.code}</span>${last.at ? ` (${vnTime(last.at)})` : ''}${
                            last.problems.length ? html`: ${last.problems.join('; ')}` : nothing
                          }`
                      : t('admin.trust.noRefusal')
                  }
                </dd>
              </dl>
              <table id="admin-issuers" class="cards-on-narrow">
                <caption class="visually-hidden">
                  ${t('admin.trust.issuers')}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">${t('admin.trust.issuer')}</th>
                    <th scope="col">${t('admin.trust.keys')}</th>
                    <th scope="col">${t('admin.trust.crls')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${s.issuers.map(
                    (i) =>
                      html`<tr data-iss=${i.iss}>
                        <td data-label=${t('admin.trust.issuer')}>
                          <span
                            >${i.name}${i.demo ? html` <span class="badge pending">DEMO</span>` : nothing}<br /><span
                              class="mono small muted"
                              >${i.iss}</span
                            ></span
                          >
                        </td>
                        <td data-label=${t('admin.trust.keys')}>
                          <ul class="reasons">
                            ${i.keys.map(
                              (k) =>
                                html`<li class="mono small" data-kid=${k.kid}>
                                  ${k.kid}${k.revoked ? html` <span class="state-bad">${t('admin.trust.revoked')}</span>` : nothing}
                                </li>`,
                            )}
                          </ul>
                        </td>
                        <td data-label=${t('admin.trust.crls')}>
                          ${
                            i.revocationLists.length === 0
                              ? '—'
                              : html`<ul class="reasons">
                                  ${i.revocationLists.map(
                                    (c) =>
                                      html`<li class="small">${t('admin.trust.crl', { kid: c.kid, ctr: c.ctr, entries: c.entries })}</li>`,
                                  )}
                                </ul>`
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
          : html`<p class="muted">${t('audit.loading')}</p>`
      }
      <p>
        <button type="button" id="admin-trust-refresh" ?disabled=${this.busy} @click=${() => this.refresh()}>
          ${t('admin.trust.refresh')}
        </button>
      </p>
      ${
        this.outcome
          ? html`<p
              role="status"
              id="admin-trust-outcome"
              data-ok=${this.outcome.ok ? 'true' : 'false'}
              class=${this.outcome.ok ? '' : 'state-bad'}
            >
              ${this.outcomeText(this.outcome)}
            </p>`
          : nothing
      }
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }
}
