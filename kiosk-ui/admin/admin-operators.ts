import { html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { AdminUserChange, AdminUserView, NewAdminUser } from '../../server/wire/admin.js';
import { createAdminUser, getAdminUsers, resetUserPassword, setUserDisabled, updateAdminUser } from '../api/client.js';
import { formText } from '../form-data.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { vnTime } from '../audit/filter-params.js';
import { LightElement } from '../audit/light-element.js';
import { problemText } from '../audit/problem-text.js';

const ROLES: ReadonlyArray<AdminUserView['role']> = ['receptionist', 'auditor', 'admin'];

/**
 * The operator accounts: who they are (name, ID-card number, role), whether they may sign in,
 * when they last did; add one, edit one (name, ID-card number, role), disable (after a
 * confirmation dialog: Escape cancels, Enter on its confirm button confirms) or re-enable, reset
 * a password. Every change goes through the admin API, which checks the same rules as the `user` CLI.
 */
@customElement('admin-operators')
export class AdminOperators extends LightElement {
  @property({ attribute: false }) t!: Translate;
  /** The signed-in admin's username (they cannot disable themselves: no button). */
  @property() self = '';
  @state() private users: AdminUserView[] = [];
  @state() private loadError: string | undefined;
  @state() private formError: string | undefined;
  @state() private notice: string | undefined;
  /** The account whose password form is open. */
  @state() private resetting: string | undefined;
  @state() private busy = false;
  /** The account whose edit form is open. */
  @state() private editing: string | undefined;
  /** The account the disable dialog asks about. */
  @state() private confirming: AdminUserView | undefined;
  @query('#admin-disable-dialog') private dialog!: HTMLDialogElement | null;
  /** The button that opened the dialog (focus goes back to it). */
  private opener: HTMLElement | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    const r = await getAdminUsers();
    if (r.ok) {
      this.users = r.body.items;
      this.loadError = undefined;
    } else {
      this.users = [];
      this.loadError = problemText(this.t, r.code);
    }
  }

  /** A refused field in words: the field's label, then why. */
  private fieldProblem(code: string, field: unknown): string {
    const label = typeof field === 'string' ? this.t(`admin.field.${field}` as MessageKey) : '';
    const reason = code === 'FIELD_MISSING' ? this.t('admin.error.missing') : code === 'FIELD_INVALID' ? this.t('admin.error.invalid') : '';
    return reason && label && !label.startsWith('admin.field.') ? `${label}: ${reason}` : problemText(this.t, code);
  }

  private async add(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const user: NewAdminUser = {
      username: formText(data, 'username').trim(),
      displayName: formText(data, 'displayName').trim(),
      role: formText(data, 'role') as NewAdminUser['role'],
      password: formText(data, 'password'),
    };
    const cccd = formText(data, 'cccd').trim();
    if (cccd) user.cccd = cccd;
    this.busy = true;
    const r = await createAdminUser(user);
    this.busy = false;
    if (!r.ok) {
      this.formError = this.fieldProblem(r.code, r.problem.field);
      this.notice = undefined;
      return;
    }
    form.reset();
    this.formError = undefined;
    this.notice = this.t('admin.users.added', { name: r.body.user.displayName });
    await this.load();
  }

  /** Disabling asks first (a modal dialog); enabling does not. */
  private async askDisable(u: AdminUserView, opener: HTMLElement): Promise<void> {
    this.opener = opener;
    this.confirming = u;
    await this.updateComplete;
    this.dialog?.showModal();
    this.dialog?.querySelector<HTMLButtonElement>('[data-action="cancel-disable"]')?.focus();
  }

  /** The dialog closed (confirm, cancel, Escape): disables on confirm only; focus back where it was. */
  private async onDialogClose(): Promise<void> {
    const u = this.confirming;
    const confirmed = this.dialog?.returnValue === 'confirm';
    this.confirming = undefined;
    if (this.dialog) this.dialog.returnValue = '';
    if (confirmed && u) await this.toggle(u);
    const again =
      this.opener && this.opener.isConnected
        ? this.opener
        : this.querySelector<HTMLElement>(`tr[data-username="${u?.username ?? ''}"] [data-action]`);
    again?.focus();
  }

  private async edit(e: Event, u: AdminUserView): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const change: AdminUserChange = {};
    const displayName = formText(data, 'displayName').trim();
    const cccd = formText(data, 'cccd').trim();
    const role = formText(data, 'role') as AdminUserView['role'];
    if (displayName !== u.displayName) change.displayName = displayName;
    if (cccd !== (u.cccd ?? '')) change.cccd = cccd === '' ? null : cccd;
    if (role !== u.role) change.role = role;
    if (Object.keys(change).length === 0) {
      this.editing = undefined;
      return;
    }
    this.busy = true;
    const r = await updateAdminUser(u.username, change);
    this.busy = false;
    if (!r.ok) {
      this.notice = undefined;
      this.formError = this.fieldProblem(r.code, r.problem.field);
      return;
    }
    this.editing = undefined;
    this.formError = undefined;
    this.notice = this.t(change.role !== undefined ? 'admin.users.editedRole' : 'admin.users.edited', { name: r.body.user.displayName });
    await this.load();
  }

  private async toggle(u: AdminUserView): Promise<void> {
    const r = await setUserDisabled(u.username, !u.disabled);
    if (!r.ok) {
      this.notice = undefined;
      this.formError = problemText(this.t, r.code);
      return;
    }
    this.formError = undefined;
    this.notice = this.t(u.disabled ? 'admin.users.enabled' : 'admin.users.disabled', { name: u.displayName });
    await this.load();
  }

  private async reset(e: Event, u: AdminUserView): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const r = await resetUserPassword(u.username, formText(data, 'password'));
    if (!r.ok) {
      this.notice = undefined;
      this.formError = this.fieldProblem(r.code, r.problem.field);
      return;
    }
    this.resetting = undefined;
    this.formError = undefined;
    this.notice = this.t('admin.users.passwordReset', { name: u.displayName });
    await this.load();
  }

  private row(u: AdminUserView) {
    const t = this.t;
    return html`<tr data-username=${u.username} data-disabled=${u.disabled ? 'true' : 'false'}>
      <td data-label=${t('admin.field.displayName')}>${u.displayName}</td>
      <td class="mono" data-label=${t('admin.field.username')}>${u.username}</td>
      <td class="mono" data-label=${t('admin.field.cccd')}>
        ${u.cccd ?? html`<span class="state-warn">${t('admin.users.noCccd')}</span>`}
      </td>
      <td data-label=${t('admin.field.role')}>${t(`audit.role.${u.role}` as MessageKey)}</td>
      <td data-label=${t('admin.users.state')}>
        ${u.disabled ? html`<span class="state-bad">${t('admin.users.isDisabled')}</span>` : html`<span class="state-ok">${t('admin.users.isActive')}</span>`}
      </td>
      <td data-label=${t('admin.users.lastLogin')} data-last-login=${u.lastLoginAt ?? ''}>
        ${u.lastLoginAt ? vnTime(u.lastLoginAt) : t('admin.users.never')}
      </td>
      <td data-label=${t('admin.users.actions')}>
        <span class="row-actions">
          ${
            u.username === this.self
              ? nothing
              : html`<button
                  type="button"
                  class="secondary"
                  data-action=${u.disabled ? 'enable' : 'disable'}
                  @click=${(e: Event) => (u.disabled ? this.toggle(u) : this.askDisable(u, e.currentTarget as HTMLElement))}
                >
                  ${u.disabled ? t('admin.users.enable') : t('admin.users.disable')}
                </button>`
          }
          <button
            type="button"
            class="secondary"
            data-action="edit"
            aria-expanded=${this.editing === u.username ? 'true' : 'false'}
            aria-label=${t('admin.users.editLabel', { name: u.displayName })}
            @click=${() => (this.editing = this.editing === u.username ? undefined : u.username)}
          >
            ${t('admin.users.edit')}
          </button>
          <button
            type="button"
            class="secondary"
            data-action="reset"
            aria-expanded=${this.resetting === u.username ? 'true' : 'false'}
            @click=${() => (this.resetting = this.resetting === u.username ? undefined : u.username)}
          >
            ${t('admin.users.resetPassword')}
          </button>
        </span>
        ${this.editing === u.username ? this.editForm(u) : nothing}
        ${
          this.resetting === u.username
            ? html`<form class="password-form" data-reset-for=${u.username} @submit=${(e: Event) => this.reset(e, u)}>
                <label
                  >${t('admin.users.newPassword', { name: u.displayName })}<input
                    name="password"
                    type="password"
                    autocomplete="new-password"
                    required
                    minlength="10"
                    maxlength="1024"
                /></label>
                <button type="submit">${t('admin.users.savePassword')}</button>
              </form>`
            : nothing
        }
      </td>
    </tr>`;
  }

  private editForm(u: AdminUserView) {
    const t = this.t;
    const id = (f: string) => `edit-${u.username}-${f}`;
    return html`<form
      class="edit-form"
      data-edit-for=${u.username}
      aria-label=${t('admin.users.editLabel', { name: u.displayName })}
      @submit=${(e: Event) => this.edit(e, u)}
    >
      <label for=${id('name')}>${t('admin.field.displayName')}</label>
      <input id=${id('name')} name="displayName" required maxlength="200" autocomplete="off" .value=${u.displayName} />
      <label for=${id('cccd')}>${t('admin.field.cccd')}</label>
      <input
        id=${id('cccd')}
        name="cccd"
        inputmode="numeric"
        pattern="[0-9]{12}"
        maxlength="12"
        autocomplete="off"
        .value=${u.cccd ?? ''}
      />
      <label for=${id('role')}>${t('admin.field.role')}</label>
      <select id=${id('role')} name="role" ?disabled=${u.username === this.self}>
        ${ROLES.map((r) => html`<option value=${r} ?selected=${r === u.role}>${t(`audit.role.${r}` as MessageKey)}</option>`)}
      </select>
      ${u.username === this.self ? html`<input type="hidden" name="role" .value=${u.role} />` : nothing}
      <span class="edit-actions">
        <button type="submit" ?disabled=${this.busy}>${t('admin.users.saveEdit')}</button>
        <button type="button" class="secondary" @click=${() => (this.editing = undefined)}>${t('admin.users.cancel')}</button>
      </span>
    </form>`;
  }

  private disableDialog() {
    const t = this.t;
    const u = this.confirming;
    return html`<dialog
      id="admin-disable-dialog"
      aria-labelledby="admin-disable-title"
      aria-describedby="admin-disable-text"
      @close=${() => this.onDialogClose()}
    >
      <form method="dialog">
        <h3 id="admin-disable-title">${t('admin.users.confirmDisableTitle')}</h3>
        <p id="admin-disable-text">${u ? t('admin.users.confirmDisableText', { name: u.displayName, username: u.username }) : ''}</p>
        <div class="dialog-actions">
          <button type="submit" value="cancel" class="secondary" data-action="cancel-disable">${t('admin.users.cancel')}</button>
          <button type="submit" value="confirm" class="danger" data-action="confirm-disable">${t('admin.users.confirmDisable')}</button>
        </div>
      </form>
    </dialog>`;
  }

  protected override render() {
    const t = this.t;
    return html`<section class="card" aria-labelledby="admin-users-heading" id="admin-operators">
      <h2 id="admin-users-heading">${t('admin.users.heading')}</h2>
      ${this.loadError ? html`<p class="error" role="alert">${this.loadError}</p>` : nothing}
      ${this.notice ? html`<p role="status" id="admin-users-notice">${this.notice}</p>` : nothing}
      ${this.formError ? html`<p class="error" role="alert" id="admin-users-error">${this.formError}</p>` : nothing}
      <div class="table-wrap">
        <table id="admin-users" class="cards-on-narrow">
          <thead>
            <tr>
              <th scope="col">${t('admin.field.displayName')}</th>
              <th scope="col">${t('admin.field.username')}</th>
              <th scope="col">${t('admin.field.cccd')}</th>
              <th scope="col">${t('admin.field.role')}</th>
              <th scope="col">${t('admin.users.state')}</th>
              <th scope="col">${t('admin.users.lastLogin')}</th>
              <th scope="col">${t('admin.users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            ${this.users.map((u) => this.row(u))}
          </tbody>
        </table>
      </div>
      <h3>${t('admin.users.addHeading')}</h3>
      <form class="new-user" id="admin-new-user" @submit=${(e: Event) => this.add(e)}>
        <label>${t('admin.field.displayName')}<input name="displayName" required maxlength="200" autocomplete="off" /></label>
        <label>${t('admin.field.cccd')}<input name="cccd" inputmode="numeric" maxlength="12" autocomplete="off" /></label>
        <label>${t('admin.field.username')}<input name="username" required maxlength="64" autocomplete="off" /></label>
        <label
          >${t('admin.field.role')}<select name="role">
            ${ROLES.map((r) => html`<option value=${r}>${t(`audit.role.${r}` as MessageKey)}</option>`)}
          </select></label
        >
        <label
          >${t('admin.field.password')}<input
            name="password"
            type="password"
            required
            minlength="10"
            maxlength="1024"
            autocomplete="new-password"
        /></label>
        <button type="submit" id="admin-add-user" ?disabled=${this.busy}>${t('admin.users.add')}</button>
      </form>
      ${this.disableDialog()}
    </section>`;
  }
}
