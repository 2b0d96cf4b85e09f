import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { SessionUser } from '../../server/wire/session.js';
import type { VisitCodeTable } from '../../server/wire/check-in-report.js';
import { getSession, getStatus, getVisitCodes, logout } from '../api/client.js';
import { EMPTY_FILTERS, type AuditFilters } from './filter-params.js';
import { initialLocale, switchLocale, translator, type Locale, type LocaleSource, type MessageKey, type Translate } from '../i18n/index.js';
import { LightElement } from './light-element.js';
import { codeLabeller } from './visit-code-labels.js';
import './audit-charts.js';
import './audit-check-in-records.js';
import './audit-filters.js';
import './audit-integrity.js';
import './audit-login.js';
import './audit-table.js';

/**
 * The auditor page (/audit): sign-in, integrity badge, filters with CSV download, charts and the
 * visit table. Only the auditor role sees data; the server enforces that, the page just says so.
 */
/** The auditor page remembers its language on this browser. */
const LOCALE_SOURCE: LocaleSource = { storageKey: 'bhyt-audit-locale' };

/** The page's two views: the visit log, and the check-in records sent to the agency's portal. */
type AuditTab = 'visits' | 'check-in';

@customElement('audit-app')
export class AuditApp extends LightElement {
  @state() private user: SessionUser | undefined;
  @state() private checked = false;
  @state() private offline = false;
  @state() private locale: Locale = initialLocale(LOCALE_SOURCE);
  @state() private filters: AuditFilters = EMPTY_FILTERS;
  @state() private tab: AuditTab = 'visits';
  @state() private codes: VisitCodeTable | undefined;
  /** From GET /api/status: whether visits are synced to the medical-history store at all. */
  @state() private syncEnabled = true;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refreshSession();
  }

  private async refreshSession(): Promise<void> {
    const r = await getSession();
    this.offline = !r.ok && r.status === 0;
    this.user = r.ok ? r.body.user : undefined;
    this.checked = true;
    void this.loadCodes();
  }

  /** The visit codes' labels (any signed-in user may read them); bare codes until they come. */
  private async loadCodes(): Promise<void> {
    if (!this.user || this.codes) return;
    const [r, status] = await Promise.all([getVisitCodes(), getStatus()]);
    if (r.ok) this.codes = r.body;
    if (status.ok) this.syncEnabled = status.body.sync?.enabled ?? false;
  }

  private signedIn(user: SessionUser): void {
    this.user = user;
    void this.loadCodes();
  }

  private tabs(t: Translate) {
    const tab = (id: AuditTab, label: string) =>
      html`<button
        type="button"
        role="tab"
        id="tab-${id}"
        aria-controls="panel-${id}"
        aria-selected=${this.tab === id ? 'true' : 'false'}
        tabindex=${this.tab === id ? 0 : -1}
        @click=${() => (this.tab = id)}
        @keydown=${(e: KeyboardEvent) => this.tabKey(e)}
      >
        ${label}
      </button>`;
    return html`<div class="tabs" role="tablist" aria-label=${t('audit.tabs.label')}>
      ${tab('visits', t('audit.tabs.visits'))} ${tab('check-in', t('audit.tabs.checkIn'))}
    </div>`;
  }

  /** Arrow keys move between the tabs (the WAI-ARIA tabs pattern). */
  private tabKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    this.tab = this.tab === 'visits' ? 'check-in' : 'visits';
    void this.updateComplete.then(() => this.querySelector<HTMLElement>(`#tab-${this.tab}`)?.focus());
  }

  private toggleLocale(): void {
    this.locale = switchLocale(this.locale, LOCALE_SOURCE);
  }

  private async signOut(): Promise<void> {
    await logout();
    this.user = undefined;
    this.filters = EMPTY_FILTERS;
    this.tab = 'visits';
  }

  protected override render() {
    const t = translator(this.locale);
    document.title = t('audit.title');
    const header = html`<header class="top">
      <h1>${t('audit.title')}</h1>
      <div class="who">
        ${this.user ? html`<span id="audit-user" data-username=${this.user.username}>${t('audit.signedInAs', { name: this.user.displayName })}</span>` : nothing}
        <button type="button" class="secondary" id="audit-lang" @click=${() => this.toggleLocale()}>${t('lang.switch')}</button>
        ${this.user ? html`<button type="button" class="secondary" id="audit-logout" @click=${() => this.signOut()}>${t('login.logout')}</button>` : nothing}
      </div>
    </header>`;
    let body;
    if (!this.checked) body = html`<p class="muted">${t('audit.loading')}</p>`;
    else if (this.offline) body = html`<p class="error" role="alert">${t('audit.offline')}</p>`;
    else if (!this.user)
      body = html`<audit-login .t=${t} @audit-signed-in=${(e: CustomEvent<SessionUser>) => this.signedIn(e.detail)}></audit-login>`;
    else if (this.user.role !== 'auditor')
      body = html`<p class="error" role="alert" id="audit-not-auditor">
        ${t('audit.notAuditor', { role: t(`audit.role.${this.user.role}` as MessageKey) })}
      </p>`;
    else {
      const codeLabel = codeLabeller(this.codes, this.locale);
      body = html`<audit-integrity .t=${t}></audit-integrity> ${this.tabs(t)}
        ${
          this.tab === 'visits'
            ? html`<div role="tabpanel" id="panel-visits" aria-labelledby="tab-visits">
                <audit-filters
                  .t=${t}
                  .filters=${this.filters}
                  @audit-filters=${(e: CustomEvent<AuditFilters>) => (this.filters = e.detail)}
                ></audit-filters>
                <audit-charts .t=${t} .locale=${this.locale} .filters=${this.filters}></audit-charts>
                <audit-table
                  .t=${t}
                  .locale=${this.locale}
                  .filters=${this.filters}
                  .codeLabel=${codeLabel}
                  .syncEnabled=${this.syncEnabled}
                ></audit-table>
              </div>`
            : html`<div role="tabpanel" id="panel-check-in" aria-labelledby="tab-check-in">
                <audit-check-in-records .t=${t} .codeLabel=${codeLabel}></audit-check-in-records>
              </div>`
        }`;
    }
    return html`${header}
      <main class="content">${body}</main>`;
  }
}
