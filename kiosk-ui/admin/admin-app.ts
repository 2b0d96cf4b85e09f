import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { SessionUser } from '../../server/wire/session.js';
import type { KioskStatus } from '../../server/wire/status.js';
import { getStatus } from '../api/client.js';
import { translator, type Translate } from '../i18n/index.js';
import { problemText } from '../audit/problem-text.js';
import { RolePage } from '../audit/role-page.js';
import './admin-operators.js';
import './admin-services.js';
import './admin-trust.js';

/**
 * The admin page (/admin): the operator accounts, the trust store, the service's outboxes and
 * portal, and its warnings, in the role pages' shell (sign-in, header, "not your page").
 */
@customElement('admin-app')
export class AdminApp extends RolePage {
  @state() private status: KioskStatus | undefined;
  @state() private statusError: string | undefined;

  constructor() {
    super({
      id: 'admin',
      role: 'admin',
      title: 'admin.title',
      otherRole: 'admin.notAdmin',
      loginHeading: 'admin.login.heading',
      // The admin page remembers its language on this browser.
      locale: { storageKey: 'bhyt-admin-locale' },
    });
  }

  protected override userArrived(): void {
    void this.loadStatus();
  }

  protected override userLeft(): void {
    this.status = undefined;
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

  protected renderContent(t: Translate, user: SessionUser) {
    return html`${this.statusError ? html`<p class="error" role="alert" id="admin-status-error">${this.statusError}</p>` : nothing}
      <admin-services .t=${t} .status=${this.status} @admin-reload=${() => this.loadStatus()}></admin-services>
      <admin-operators .t=${t} .self=${user.username}></admin-operators>
      <admin-trust .t=${t} .trust=${this.status?.trust} @admin-reload=${() => this.loadStatus()}></admin-trust>`;
  }
}
