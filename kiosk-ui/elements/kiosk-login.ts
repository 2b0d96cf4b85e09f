import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { getSession, login, logout } from '../api/client.js';
import type { SessionUser } from '../../server/wire/session.js';
import { sessionEvent } from '../events.js';
import { formText } from '../form-data.js';
import { translator, type Locale, type MessageKey } from '../i18n/index.js';

type LoginError = 'failed' | 'throttled' | 'error';
const ERROR_TEXT: Record<LoginError, MessageKey> = {
  failed: 'login.failed',
  throttled: 'login.throttled',
  error: 'login.error',
};

/**
 * Staff sign-in (POST /api/session; the session is an HttpOnly cookie, never in storage).
 * Shows who is signed in and a sign-out button. Announces changes as `kiosk-session`.
 */
@customElement('kiosk-login')
export class KioskLogin extends LitElement {
  @property() locale: Locale = 'vi';
  @state() private user: SessionUser | undefined;
  @state() private busy = false;
  @state() private error: LoginError | undefined;
  @state() private checked = false;

  static override styles = css`
    :host {
      display: block;
      font-size: 18px;
    }
    form,
    .who {
      border: 2px solid var(--box-border);
      border-radius: 10px;
      padding: 10px 14px;
      background: var(--white);
    }
    h2 {
      font-size: 20px;
      margin: 0 0 6px;
    }
    .fields {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 12px;
      align-items: flex-end;
    }
    label {
      display: flex;
      flex-direction: column;
      font-size: 15px;
      flex: 1 1 160px;
    }
    input {
      font: inherit;
      padding: 8px;
      border: 2px solid #5f6b7a;
      border-radius: 6px;
    }
    button {
      font: inherit;
      font-weight: 700;
      padding: 9px 20px;
      border-radius: 8px;
      border: 2px solid var(--action);
      background: var(--action);
      color: var(--white);
      cursor: pointer;
    }
    button.secondary {
      background: var(--white);
      color: var(--action);
    }
    button:focus-visible,
    input:focus-visible {
      outline: 4px solid var(--action);
      outline-offset: 2px;
    }
    .who {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 12px;
      font-weight: 700;
    }
    .error {
      color: var(--stop);
      font-weight: 700;
      margin: 6px 0 0;
    }
    .hint {
      font-size: 14px;
      color: var(--ink-muted);
      margin: 6px 0 0;
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  /** Asks the server who is signed in (cookie), e.g. at start and after a 401. */
  async refresh(): Promise<void> {
    const res = await getSession();
    this.checked = true;
    this.setUser(res.ok ? res.body.user : undefined);
  }

  private setUser(user: SessionUser | undefined): void {
    this.user = user;
    this.dispatchEvent(sessionEvent({ user }));
  }

  override render() {
    const t = translator(this.locale);
    if (this.user) {
      return html`<div class="who" data-signed-in=${this.user.username}>
        <span>${t('login.signedInAs', { name: this.user.displayName ?? this.user.username })}</span>
        <button type="button" class="secondary" @click=${() => void this.signOut()}>${t('login.logout')}</button>
      </div>`;
    }
    if (!this.checked) return nothing;
    return html`<form @submit=${(e: SubmitEvent) => this.onSubmit(e)} autocomplete="off">
      <h2>${t('login.heading')}</h2>
      <div class="fields">
        <label>${t('login.username')}<input name="username" autocomplete="username" required maxlength="64" /></label>
        <label
          >${t('login.password')}<input name="password" type="password" autocomplete="current-password" required maxlength="256"
        /></label>
        <button type="submit" ?disabled=${this.busy}>${this.busy ? t('login.busy') : t('login.submit')}</button>
      </div>
      ${this.error ? html`<p class="error" role="alert">${t(ERROR_TEXT[this.error])}</p>` : nothing}
      <p class="hint">${t('login.hint')}</p>
    </form>`;
  }

  private async onSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const username = formText(data, 'username').trim();
    const password = formText(data, 'password');
    if (!username || !password) return;
    this.busy = true;
    this.error = undefined;
    const res = await login(username, password);
    this.busy = false;
    // The password never stays in the page after the attempt.
    const pw = form.elements.namedItem('password') as HTMLInputElement | null;
    if (pw) pw.value = '';
    if (res.ok) {
      form.reset();
      this.setUser(res.body.user);
      return;
    }
    const code = res.problem.code;
    this.error =
      code === 'LOGIN_FAILED' || res.status === 401 ? 'failed' : code === 'LOGIN_THROTTLED' || res.status === 429 ? 'throttled' : 'error';
  }

  private async signOut(): Promise<void> {
    await logout();
    this.setUser(undefined);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiosk-login': KioskLogin;
  }
}
