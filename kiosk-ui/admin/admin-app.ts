import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { SessionUser } from '../../server/wire/session.js';
import type { KioskStatus } from '../../server/wire/status.js';
import { getSession, getStatus, logout } from '../api/client.js';
import { initialLocale, switchLocale, translator, type Locale, type LocaleSource, type MessageKey } from '../i18n/index.js';
import { LightElement } from '../audit/light-element.js';
import { problemText } from '../audit/problem-text.js';
import '../audit/audit-login.js';
import './admin-operators.js';
import './admin-services.js';
import './admin-trust.js';

/** The admin page remembers its language on this browser. */
const LOCALE_SOURCE: LocaleSource = { storageKey: 'bhyt-admin-locale' };

/**
 * The admin page (/admin): sign-in, the operator accounts, the trust store, the service's
 * outboxes and portal, and its warnings. Only the admin role sees it (the server enforces that
 * on every call; the page just says so).
 */
@customElement('admin-app')
export class AdminApp extends LightElement {
  @state() private user: SessionUser | undefined;
  @state() private checked = false;
  @state() private offline = false;
  @state() private locale: Locale = initialLocale(LOCALE_SOURCE);
  @state() private status: KioskStatus | undefined;
  @state() private statusError: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refreshSession();
  }

  private async refreshSession(): Promise<void> {
    const r = await getSession();
    this.offline = !r.ok && r.status === 0;
    this.user = r.ok ? r.body.user : undefined;
    this.checked = true;
    if (this.user?.role === 'admin') void this.loadStatus();
  }

  private async loadStatus(): Promise<void> {
    const r = await getStatus();
    if (r.ok) {
      this.status = r.body;
      this.statusError = undefined;
    } else {
      this.status = undefined;
      this.statusError = problemText(translator(this.locale), r.code);
    }
  }

  private signedIn(user: SessionUser): void {
    this.user = user;
    if (user.role === 'admin') void this.loadStatus();
  }

  private async signOut(): Promise<void> {
    await logout();
    this.user = undefined;
    this.status = undefined;
  }

  protected override render() {
    const t = translator(this.locale);
    document.title = t('admin.title');
    const header = html`<header class="top">
      <h1>${t('admin.title')}</h1>
      <div class="who">
        ${
          this.user
            ? html`<span id="admin-user" data-username=${this.user.username}
                >${t('audit.signedInAs', { name: this.user.displayName })}</span
              >`
            : nothing
        }
        <button type="button" class="secondary" id="admin-lang" @click=${() => (this.locale = switchLocale(this.locale, LOCALE_SOURCE))}>
          ${t('lang.switch')}
        </button>
        ${
          this.user
            ? html`<button type="button" class="secondary" id="admin-logout" @click=${() => this.signOut()}>${t('login.logout')}</button>`
            : nothing
        }
      </div>
    </header>`;
    let body;
    if (!this.checked) body = html`<p class="muted">${t('audit.loading')}</p>`;
    else if (this.offline) body = html`<p class="error" role="alert">${t('audit.offline')}</p>`;
    else if (!this.user)
      body = html`<audit-login
        .t=${t}
        .heading=${t('admin.login.heading')}
        @audit-signed-in=${(e: CustomEvent<SessionUser>) => this.signedIn(e.detail)}
      ></audit-login>`;
    else if (this.user.role !== 'admin')
      body = html`<p class="error" role="alert" id="admin-not-admin">
        ${t('admin.notAdmin', { role: t(`audit.role.${this.user.role}` as MessageKey) })}
      </p>`;
    else
      body = html`${this.statusError ? html`<p class="error" role="alert" id="admin-status-error">${this.statusError}</p>` : nothing}
        <admin-services .t=${t} .status=${this.status} @admin-reload=${() => this.loadStatus()}></admin-services>
        <admin-operators .t=${t} .self=${this.user.username}></admin-operators>
        <admin-trust .t=${t} .trust=${this.status?.trust} @admin-reload=${() => this.loadStatus()}></admin-trust>`;
    return html`${header}
      <main class="content">${body}</main>`;
  }
}
