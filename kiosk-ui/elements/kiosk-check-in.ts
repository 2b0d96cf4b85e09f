import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { checkIn, randomKey } from '../api/client.js';
import type { VisitCodeTable } from '../../server/wire/check-in-report.js';
import type { OperatorRole } from '../../server/wire/session.js';
import type { VerifyResult } from '../../server/wire/verification.js';
import { activityEvent, checkedInEvent, giveUpEvent, reviewEvent } from '../events.js';
import { translator, type Locale, type MessageKey } from '../i18n/index.js';
import { reasonText } from '../verdict/view-model.js';
import './kiosk-visit-codes.js';
import type { KioskVisitCodes } from './kiosk-visit-codes.js';

/** What a receptionist confirms for a needs_review card; all are required. */
export const REVIEW_ITEMS = [
  { id: 'ID_SEEN', label: 'checkin.checkIdSeen' },
  { id: 'PORTAL_LOOKUP', label: 'checkin.checkPortal' },
] as const satisfies readonly { id: string; label: MessageKey }[];

/** What a receptionist confirms when they stop waiting for the portal (it has not answered). */
export const GIVE_UP_ITEMS = [
  { id: 'ID_SEEN', label: 'checkin.checkIdSeen' },
  { id: 'PAPER_CARD', label: 'checkin.checkPaperCard' },
] as const satisfies readonly { id: string; label: MessageKey }[];

type Outcome =
  | 'idle'
  | 'busy'
  | 'done'
  | 'duplicate'
  | 'sessionExpired'
  | 'forbidden'
  | 'serverRejected'
  | 'reviewNoteRequired'
  | 'pendingRefused'
  | 'checkExpired'
  | 'error';

const OUTCOME_TEXT: Partial<Record<Outcome, MessageKey>> = {
  done: 'checkin.done',
  duplicate: 'checkin.duplicate',
  sessionExpired: 'checkin.sessionExpired',
  forbidden: 'checkin.forbidden',
  reviewNoteRequired: 'checkin.reviewNoteRequired',
  pendingRefused: 'checkin.portalPendingRefused',
  checkExpired: 'checkin.checkExpired',
  error: 'checkin.error',
};

/**
 * Check-in for the card on screen. accepted → one confirm button; needs_review → the
 * receptionist ticks what they checked first (sent as `reviewNote`); rejected → no check-in.
 * From an online card check (`cardCheckId`): while the portal is pending, only "stop waiting"
 * (which opens its own review); the visit is then recorded from the check (`{cardCheckId}`).
 * Under the confirm button: the visit category (the server's proposal preselected) and type,
 * sent with the check-in; without the visit-code table the server proposes the category.
 */
@customElement('kiosk-check-in')
export class KioskCheckIn extends LitElement {
  @property({ attribute: false }) result: VerifyResult | undefined;
  /** The scanned text, needed by the server to re-verify; never rendered. */
  @property({ attribute: false }) qr: string | undefined;
  @property({ type: Boolean, attribute: 'signed-in' }) signedIn = false;
  /** The signed-in operator's role: only a receptionist is offered the check-in. */
  @property({ attribute: false }) operatorRole: OperatorRole | undefined;
  @property() locale: Locale = 'vi';
  /** The online card check this result came from: check-in sends its id instead of the QR text. */
  @property({ attribute: false }) cardCheckId: string | undefined;
  /** The portal has not answered yet. */
  @property({ type: Boolean, attribute: 'portal-pending' }) portalPending = false;
  /** The receptionist stopped waiting for the portal. */
  @property({ type: Boolean, attribute: 'gave-up' }) gaveUp = false;
  /** The portal could not be asked (unavailable, or refused the facility's setup): nothing to "look up on the portal". */
  @property({ type: Boolean, attribute: 'portal-unanswered' }) portalUnanswered = false;
  /** GET /api/visit-codes's answer (fetched once after sign-in); undefined when unavailable. */
  @property({ attribute: false }) visitCodes: VisitCodeTable | undefined;
  /** The visit category the server proposes for this card (proposedVisitCategory). */
  @property({ attribute: false }) proposedCategory: string | undefined;

  @state() private ticked = new Set<string>();
  @state() private outcome: Outcome = 'idle';
  @state() private serverReason = '';
  @state() private showTickHint = false;
  @query('kiosk-visit-codes') private codes!: KioskVisitCodes | null;
  private idempotencyKey = randomKey();
  private reviewOpen = false;

  static override styles = css`
    :host {
      display: block;
      font-size: 20px;
    }
    :host([hidden]) {
      display: none;
    }
    fieldset {
      border: 2px solid var(--review);
      border-radius: 10px;
      margin: 0 0 12px;
      padding: 8px 14px 12px;
      background: #fffaf0;
    }
    legend {
      /* Floated so a two-line instruction sits inside the box instead of across its border. */
      float: left;
      width: 100%;
      padding: 0;
      margin: 2px 0 4px;
      font-weight: 700;
    }
    legend + label {
      clear: both;
    }
    label {
      display: flex;
      align-items: center;
      gap: 12px;
      min-height: 48px;
      cursor: pointer;
      font-size: 22px;
    }
    input[type='checkbox'] {
      width: 30px;
      height: 30px;
      flex: none;
    }
    button {
      font: inherit;
      font-size: 26px;
      font-weight: 800;
      width: 100%;
      min-height: 72px;
      border-radius: 12px;
      border: 3px solid var(--ok);
      background: var(--ok);
      color: var(--white);
      cursor: pointer;
    }
    button.review {
      background: #5f4500;
      border-color: #5f4500;
    }
    button[aria-disabled='true'] {
      opacity: 0.55;
      cursor: not-allowed;
    }
    button:focus-visible,
    input:focus-visible {
      outline: 4px solid var(--action);
      outline-offset: 3px;
    }
    .msg {
      margin: 10px 0 0;
      font-weight: 700;
    }
    .msg.good {
      color: var(--ok);
    }
    .msg.bad {
      color: var(--stop);
    }
    .blocked {
      margin: 0;
      padding: 12px 16px;
      border: 3px solid var(--stop);
      border-radius: 10px;
      color: var(--stop);
      font-weight: 800;
      background: var(--white);
    }
  `;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new answer for the same online check (the portal's poll) is the same card: the ticks stay.
    const prevCheck: string | undefined = changed.get('cardCheckId');
    const sameCheck =
      this.cardCheckId !== undefined && (!changed.has('cardCheckId') || prevCheck === this.cardCheckId) && !changed.has('qr');
    if ((changed.has('result') || changed.has('qr') || changed.has('cardCheckId')) && !sameCheck) {
      // A new card: fresh ticks, fresh idempotency key (same card again = same key only while shown).
      this.ticked = new Set();
      this.outcome = 'idle';
      this.serverReason = '';
      this.showTickHint = false;
      this.idempotencyKey = randomKey();
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const finished = this.outcome === 'done' || this.outcome === 'duplicate';
    const open = this.result !== undefined && !finished && (this.ticked.size > 0 || (this.gaveUp && this.portalPending));
    if (open !== this.reviewOpen) {
      this.reviewOpen = open;
      this.dispatchEvent(reviewEvent({ open }));
    }
  }

  /** The items this card's review asks for: the give-up list while the portal has not answered. */
  private get items(): readonly { id: string; label: MessageKey }[] {
    return (this.portalPending && this.gaveUp) || this.portalUnanswered ? GIVE_UP_ITEMS : REVIEW_ITEMS;
  }

  override render() {
    const r = this.result;
    if (!r) return nothing;
    const t = translator(this.locale);
    if (r.verdict === 'rejected') {
      return html`<p class="blocked" data-checkin="blocked">${t('checkin.rejected')}</p>`;
    }
    if (!this.signedIn) {
      return html`<p class="blocked" data-checkin="login-required">${t('checkin.loginRequired')}</p>`;
    }
    if (this.operatorRole !== undefined && this.operatorRole !== 'receptionist') {
      return html`<p class="msg" data-checkin="role-cannot">${t('checkin.roleCannot')}</p>`;
    }
    if (this.portalPending && !this.gaveUp) {
      return html`<p class="msg" data-checkin="portal-pending">${t('checkin.portalPending')}</p>
        <button type="button" class="review" data-action="give-up" @click=${() => this.giveUp()}>${t('portal.giveUp')}</button>`;
    }
    const review = r.verdict === 'needs_review' || (this.portalPending && this.gaveUp);
    const items = this.items;
    const allTicked = !review || items.every((i) => this.ticked.has(i.id));
    const finished = this.outcome === 'done' || this.outcome === 'duplicate';
    const busy = this.outcome === 'busy';
    const msgKey = OUTCOME_TEXT[this.outcome];
    return html`
      ${
        review
          ? html`<fieldset>
              <legend>${this.portalPending ? t('checkin.giveUpIntro') : t('checkin.reviewIntro')}</legend>
              ${items.map(
                (i) =>
                  html`<label
                    ><input
                      type="checkbox"
                      data-review=${i.id}
                      .checked=${this.ticked.has(i.id)}
                      ?disabled=${finished}
                      @change=${(e: Event) => this.tick(i.id, (e.target as HTMLInputElement).checked)}
                    />${t(i.label)}</label
                  >`,
              )}
            </fieldset>`
          : nothing
      }
      ${
        finished
          ? nothing
          : html`<button
              type="button"
              class=${review ? 'review' : ''}
              data-action="check-in"
              aria-disabled=${!allTicked || busy ? 'true' : 'false'}
              @click=${() => void this.confirm()}
            >
              ${busy ? t('checkin.busy') : review ? t('checkin.confirmReviewed') : t('checkin.confirm')}
            </button>`
      }
      ${
        finished
          ? nothing
          : html`<kiosk-visit-codes
              .table=${this.visitCodes}
              .proposed=${this.proposedCategory}
              .locale=${this.locale}
              ?disabled=${busy}
            ></kiosk-visit-codes>`
      }
      ${this.showTickHint && !allTicked ? html`<p class="msg bad" role="alert">${t('checkin.reviewRequired')}</p>` : nothing}
      ${
        msgKey
          ? html`<p class="msg ${finished ? 'good' : 'bad'}" role="status" data-checkin-outcome=${this.outcome}>${t(msgKey)}</p>`
          : nothing
      }
      ${
        this.outcome === 'serverRejected'
          ? html`<p class="msg bad" role="alert" data-checkin-outcome="serverRejected">
              ${t('checkin.serverRejected', { reason: this.serverReason })}
            </p>`
          : nothing
      }
    `;
  }

  /** The check-in is still to be decided (a card that can be checked in, not yet recorded). */
  get undecided(): boolean {
    const r = this.result;
    return (
      r !== undefined &&
      r.verdict !== 'rejected' &&
      this.signedIn &&
      this.operatorRole === 'receptionist' &&
      this.outcome !== 'done' &&
      this.outcome !== 'duplicate'
    );
  }

  /** Whether the card on screen can be confirmed with one key now (accepted, nothing to tick). */
  get confirmable(): boolean {
    const r = this.result;
    return this.undecided && r?.verdict === 'accepted' && !this.portalPending && this.outcome !== 'busy';
  }

  /**
   * Puts the keyboard where the next action is: the first unticked review item, the confirm
   * button, or "stop waiting" while the portal is asked. False when there is no action here.
   */
  async focusAction(): Promise<boolean> {
    await this.updateComplete;
    if (!this.undecided) return false;
    const root = this.renderRoot;
    const next =
      root.querySelector<HTMLElement>('input[data-review]:not(:checked)') ??
      root.querySelector<HTMLElement>('[data-action="check-in"], [data-action="give-up"]');
    next?.focus();
    return next !== null;
  }

  /** Enter on the page (no control focused): confirms an accepted card. */
  confirmByKey(): boolean {
    if (!this.confirmable) return false;
    void this.confirm();
    return true;
  }

  private giveUp(): void {
    this.dispatchEvent(giveUpEvent());
    this.dispatchEvent(activityEvent());
  }

  private tick(id: string, on: boolean): void {
    const next = new Set(this.ticked);
    if (on) next.add(id);
    else next.delete(id);
    this.ticked = next;
    this.dispatchEvent(activityEvent());
  }

  /** The receptionist's visit category and type; nothing without the code table (the server proposes and defaults). */
  private visitCodeFields(): { visitCategory?: string; visitType?: string } {
    const codes = this.codes;
    if (!this.visitCodes || !codes) return {};
    const category = codes.selectedCategory;
    return { ...(category !== undefined ? { visitCategory: category } : {}), visitType: codes.selectedType };
  }

  /** The note stored with the visit: codes plus the Vietnamese wording the receptionist saw. */
  private reviewNote(): string {
    const vi = translator('vi');
    const items = this.items.filter((i) => this.ticked.has(i.id)).map((i) => `${i.id}: ${vi(i.label)}`);
    const note = vi('checkin.note', { items: items.join('; ') });
    return this.portalPending ? `${note}; ${vi('portal.gaveUpTitle')}` : note;
  }

  private async confirm(): Promise<void> {
    const r = this.result;
    const qr = this.qr;
    const checkId = this.cardCheckId;
    if (!r || (!qr && !checkId) || r.verdict === 'rejected' || this.outcome === 'busy') return;
    if (this.portalPending && !this.gaveUp) return;
    this.dispatchEvent(activityEvent());
    const review = r.verdict === 'needs_review' || this.portalPending;
    if (review && !this.items.every((i) => this.ticked.has(i.id))) {
      this.showTickHint = true;
      return;
    }
    this.outcome = 'busy';
    const note = review ? { reviewNote: this.reviewNote() } : {};
    // Given up while the portal is still out: the service ends the check as PORTAL_UNAVAILABLE and
    // the visit keeps its card check, so it is re-checked once the portal answers.
    const giveUp = checkId && this.portalPending && this.gaveUp ? { giveUpOnPortal: true } : {};
    const codes = this.visitCodeFields();
    const res = await checkIn(
      checkId ? { cardCheckId: checkId, ...note, ...giveUp, ...codes } : { qr: qr!, ...note, ...codes },
      this.idempotencyKey,
    );
    if (this.result !== r) return; // the screen moved on (cleared or a new card) meanwhile
    if (res.ok) {
      this.outcome = res.body?.duplicate ? 'duplicate' : 'done';
      await this.updateComplete;
      this.dispatchEvent(checkedInEvent({ duplicate: res.body?.duplicate === true }));
      return;
    }
    const code = res.problem.code;
    if (res.status === 401) this.outcome = 'sessionExpired';
    else if (res.status === 403) this.outcome = 'forbidden';
    else if (code === 'REVIEW_NOTE_REQUIRED') this.outcome = 'reviewNoteRequired';
    else if (code === 'CARD_CHECK_PENDING') this.outcome = 'pendingRefused';
    else if (code === 'CARD_CHECK_EXPIRED') this.outcome = 'checkExpired';
    else if (code === 'CARD_REJECTED') {
      const result = res.problem.result as VerifyResult | undefined;
      const first = result?.reasons?.find((x) => x.code === result.code) ?? result?.reasons?.[0];
      this.serverReason = first ? reasonText(first, this.locale, translator(this.locale)) : (res.problem.detail ?? code);
      this.outcome = 'serverRejected';
    } else this.outcome = 'error';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiosk-check-in': KioskCheckIn;
  }
}
