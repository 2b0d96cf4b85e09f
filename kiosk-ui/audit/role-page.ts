import { html, nothing, type TemplateResult } from 'lit';
import { state } from 'lit/decorators.js';
import type { OperatorRole, SessionUser } from '../../server/wire/session.js';
import { logout, getSession } from '../api/client.js';
import { initialLocale, switchLocale, translator, type Locale, type LocaleSource, type MessageKey, type Translate } from '../i18n/index.js';
import { LightElement } from './light-element.js';
import './audit-login.js';

/** What tells one role page from the other. */
export interface RolePageSpec {
  /** The prefix of the page's element ids (`audit-user`, `admin-lang`, …), which tests and tools use. */
  id: 'audit' | 'admin';
  /** The one role that sees the page's content. */
  role: OperatorRole;
  /** The page's title (the header and the document). */
  title: MessageKey;
  /** Said to a signed-in user of another role, with `{role}`. */
  otherRole: MessageKey;
  /** The sign-in form's heading, when not the auditor's. */
  loginHeading?: MessageKey;
  /** Where the page remembers its language on this browser. */
  locale: LocaleSource;
}

/**
 * The shell the role pages share (/audit for auditors, /admin for admins): the session check, the
 * header (who is signed in, the language switch, sign-out), and what to show before the content:
 * loading, the service unreachable, the sign-in form, or a plain "not your page" to another role.
 * The server enforces the role on every call; the page only says so. A page gives its spec and its
 * content, and hears of the user arriving and leaving.
 */
export abstract class RolePage extends LightElement {
  @state() private user: SessionUser | undefined;
  @state() protected locale: Locale;
  @state() private checked = false;
  @state() private offline = false;

  constructor(private readonly spec: RolePageSpec) {
    super();
    this.locale = initialLocale(spec.locale);
  }

  /** The page's content, for a user of its role. */
  protected abstract renderContent(t: Translate, user: SessionUser): TemplateResult;

  /** A user of the page's role is known (the session found at load, or a sign-in): load the content's data. */
  protected userArrived(_user: SessionUser): void {}

  /** The user signed out: forget what the page loaded for them. */
  protected userLeft(): void {}

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refreshSession();
  }

  private async refreshSession(): Promise<void> {
    const r = await getSession();
    this.offline = !r.ok && r.status === 0;
    this.user = r.ok ? r.body.user : undefined;
    this.checked = true;
    if (this.user) this.signedIn(this.user);
  }

  private signedIn(user: SessionUser): void {
    this.user = user;
    // Another role is only told this is not their page: nothing is loaded for it.
    if (user.role === this.spec.role) this.userArrived(user);
  }

  private async signOut(): Promise<void> {
    await logout();
    this.user = undefined;
    this.userLeft();
  }

  protected override render() {
    const { id, role } = this.spec;
    const t = translator(this.locale);
    document.title = t(this.spec.title);
    const user = this.user;
    const header = html`<header class="top">
      <h1>${t(this.spec.title)}</h1>
      <div class="who">
        ${user ? html`<span id="${id}-user" data-username=${user.username}>${t('audit.signedInAs', { name: user.displayName })}</span>` : nothing}
        <button type="button" class="secondary" id="${id}-lang" @click=${() => (this.locale = switchLocale(this.locale, this.spec.locale))}>
          ${t('lang.switch')}
        </button>
        ${user ? html`<button type="button" class="secondary" id="${id}-logout" @click=${() => this.signOut()}>${t('login.logout')}</button>` : nothing}
      </div>
    </header>`;
    let body;
    if (!this.checked) body = html`<p class="muted">${t('audit.loading')}</p>`;
    else if (this.offline) body = html`<p class="error" role="alert">${t('audit.offline')}</p>`;
    else if (!user)
      body = html`<audit-login
        .t=${t}
        .heading=${this.spec.loginHeading ? t(this.spec.loginHeading) : ''}
        @audit-signed-in=${(e: CustomEvent<SessionUser>) => this.signedIn(e.detail)}
      ></audit-login>`;
    else if (user.role !== role)
      body = html`<p class="error" role="alert" id="${id}-not-${role}">
        ${t(this.spec.otherRole, { role: t(`audit.role.${user.role}` as MessageKey) })}
      </p>`;
    else body = this.renderContent(t, user);
    return html`${header}
      <main class="content">${body}</main>`;
  }
}
