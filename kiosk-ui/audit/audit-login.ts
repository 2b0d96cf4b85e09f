import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SessionUser } from '../../server/wire/session.js';
import { login } from '../api/client.js';
import { formText } from '../form-data.js';
import type { Translate } from '../i18n/index.js';
import { LightElement } from './light-element.js';

/** Sign-in form; dispatches `audit-signed-in` with the user. */
@customElement('audit-login')
export class AuditLogin extends LightElement {
  @property({ attribute: false }) t!: Translate;
  /** The form's heading (the admin page reuses this form). */
  @property() heading = '';
  @state() private error: string | undefined;
  @state() private busy = false;

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    this.busy = true;
    this.error = undefined;
    const r = await login(formText(data, 'username'), formText(data, 'password'));
    this.busy = false;
    if (r.ok) {
      form.reset();
      this.dispatchEvent(new CustomEvent<SessionUser>('audit-signed-in', { detail: r.body.user, bubbles: true }));
      return;
    }
    if (r.code === 'LOGIN_THROTTLED') this.error = this.t('audit.login.throttled', { sec: r.retryAfterSec ?? 60 });
    else if (r.code === 'LOGIN_FAILED') this.error = this.t('login.failed');
    else this.error = this.t('audit.login.error');
  }

  protected override render() {
    const t = this.t;
    return html`<form class="login card" id="audit-login-form" @submit=${(e: Event) => this.submit(e)}>
      <h2>${this.heading || t('audit.login.heading')}</h2>
      <label>${t('login.username')}<input name="username" id="audit-username" autocomplete="username" required maxlength="64" /></label>
      <label
        >${t('login.password')}<input
          name="password"
          id="audit-password"
          type="password"
          autocomplete="current-password"
          required
          maxlength="1024"
      /></label>
      ${this.error ? html`<p class="error" role="alert" data-testid="login-error">${this.error}</p>` : nothing}
      <button type="submit" id="audit-login-submit" ?disabled=${this.busy}>${t('login.submit')}</button>
    </form>`;
  }
}
