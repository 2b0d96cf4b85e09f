import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { api, EMPTY_FILTERS, type AuditFilters, type SessionUser } from './api.js';
import { initialLocale, saveLocale, translator, type AuditLocale } from './i18n/index.js';
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
@customElement('audit-app')
export class AuditApp extends LightElement {
  @state() private user: SessionUser | undefined;
  @state() private checked = false;
  @state() private offline = false;
  @state() private locale: AuditLocale = initialLocale();
  @state() private filters: AuditFilters = EMPTY_FILTERS;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refreshSession();
  }

  private async refreshSession(): Promise<void> {
    const r = await api.session();
    this.offline = !r.ok && r.status === 0;
    this.user = r.ok ? r.body.user : undefined;
    this.checked = true;
  }

  private toggleLocale(): void {
    this.locale = this.locale === 'vi' ? 'en' : 'vi';
    saveLocale(this.locale);
    document.documentElement.lang = this.locale;
  }

  private async signOut(): Promise<void> {
    await api.logout();
    this.user = undefined;
    this.filters = EMPTY_FILTERS;
  }

  protected override render() {
    const t = translator(this.locale);
    document.title = t('app.title');
    const header = html`<header class="top">
      <h1>${t('app.title')}</h1>
      <div class="who">
        ${this.user ? html`<span id="audit-user" data-username=${this.user.username}>${t('app.signedInAs', { name: this.user.displayName })}</span>` : nothing}
        <button type="button" class="secondary" id="audit-lang" @click=${this.toggleLocale}>${t('app.lang')}</button>
        ${this.user ? html`<button type="button" class="secondary" id="audit-logout" @click=${this.signOut}>${t('app.logout')}</button>` : nothing}
      </div>
    </header>`;
    let body;
    if (!this.checked) body = html`<p class="muted">${t('app.loading')}</p>`;
    else if (this.offline) body = html`<p class="error" role="alert">${t('app.offline')}</p>`;
    else if (!this.user)
      body = html`<audit-login .t=${t} @audit-signed-in=${(e: CustomEvent<SessionUser>) => (this.user = e.detail)}></audit-login>`;
    else if (this.user.role !== 'auditor')
      body = html`<p class="error" role="alert" id="audit-not-auditor">${t('app.notAuditor', { role: this.user.role })}</p>`;
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
