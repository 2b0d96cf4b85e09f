import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { SessionUser } from '../../server/wire/session.js';
import { getSession, logout } from '../api/client.js';
import { EMPTY_FILTERS, type AuditFilters } from './filter-params.js';
import { initialLocale, switchLocale, translator, type Locale, type LocaleSource } from '../i18n/index.js';
import { LightElement } from './light-element.js';
import './audit-charts.js';
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

@customElement('audit-app')
export class AuditApp extends LightElement {
  @state() private user: SessionUser | undefined;
  @state() private checked = false;
  @state() private offline = false;
  @state() private locale: Locale = initialLocale(LOCALE_SOURCE);
  @state() private filters: AuditFilters = EMPTY_FILTERS;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refreshSession();
  }

  private async refreshSession(): Promise<void> {
    const r = await getSession();
    this.offline = !r.ok && r.status === 0;
    this.user = r.ok ? r.body.user : undefined;
    this.checked = true;
  }

  private toggleLocale(): void {
    this.locale = switchLocale(this.locale, LOCALE_SOURCE);
  }

  private async signOut(): Promise<void> {
    await logout();
    this.user = undefined;
    this.filters = EMPTY_FILTERS;
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
      body = html`<audit-login .t=${t} @audit-signed-in=${(e: CustomEvent<SessionUser>) => (this.user = e.detail)}></audit-login>`;
    else if (this.user.role !== 'auditor')
      body = html`<p class="error" role="alert" id="audit-not-auditor">${t('audit.notAuditor', { role: this.user.role })}</p>`;
    else
      body = html`<audit-integrity .t=${t}></audit-integrity>
        <audit-filters
          .t=${t}
          .filters=${this.filters}
          @audit-filters=${(e: CustomEvent<AuditFilters>) => (this.filters = e.detail)}
        ></audit-filters>
        <audit-charts .t=${t} .filters=${this.filters}></audit-charts>
        <audit-table .t=${t} .filters=${this.filters}></audit-table>`;
    return html`${header}
      <main class="content">${body}</main>`;
  }
}
