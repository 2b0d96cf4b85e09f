import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { openScannerEvents, randomKey, verifyQr } from '../api/client.js';
import type { VisitCodeTable } from '../../server/wire/check-in-report.js';
import type { SessionUser } from '../../server/wire/session.js';
import type { KioskStatus } from '../../server/wire/status.js';
import type { VerifyResult } from '../../server/wire/verification.js';
import { CardCheckController } from '../card-check/check-controller.js';
import { VisitCodeCache } from '../check-in/visit-codes-cache.js';
import { needsOnlineCheck, portalHealth, type CheckEvent } from '../card-check/online-check.js';
import type { CardCheckRequest } from '../card-check/types.js';
import type { ManualEntryDetail, PendingPatient, ReviewDetail, ScanDetail, TrayDetail } from '../events.js';
import { initialLocale, switchLocale, translator, type Locale } from '../i18n/index.js';
import { listenForWedgeScans } from '../scan/wedge-listener.js';
import { withoutWedgeName } from '../scan/wedge-name.js';
import { SoundCues } from '../sound.js';
import { announcement } from '../verdict/view-model.js';
import { ClearTimer, readClearOverride } from '../clear-timer.js';
import { speakerIcon } from './icons.js';
import './kiosk-camera-scanner.js';
import './kiosk-check-in.js';
import type { KioskCheckIn } from './kiosk-check-in.js';
import './kiosk-login.js';
import './kiosk-manual-entry.js';
import type { KioskManualEntry } from './kiosk-manual-entry.js';
import './kiosk-paste-box.js';
import './kiosk-pending-tray.js';
import './kiosk-portal-panel.js';
import './kiosk-recent-visits.js';
import type { KioskRecentVisits } from './kiosk-recent-visits.js';
import './kiosk-status-bar.js';
import './kiosk-verdict-panel.js';
import type { KioskStatusBar } from './kiosk-status-bar.js';
import type { KioskVerdictPanel } from './kiosk-verdict-panel.js';

/** Used until /api/status answers (the server's default is the same). */
const DEFAULT_CLEAR_SEC = 20;
/**
 * A card a receptionist could still check in waits this many times the clear time (2 minutes by
 * default) before it leaves the main panel, and then it goes to the "chưa tiếp nhận" tray, never away.
 */
export const UNDECIDED_CLEAR_FACTOR = 6;

/**
 * The kiosk screen: status bar, scanning (camera, USB scanner, paste box), the verdict, check-in,
 * sign-in and the language switch. It owns the one piece of personal data on the page — the
 * current result and its QR text — and drops both when the screen clears (after
 * `ui.resultClearSec`, `?clear=` for tests, or Esc). Light DOM: the camera library needs
 * document.getElementById to reach its region; page styles live in styles.css.
 *
 * With a portal configured, a card that needs the online check (and a typed-in card) goes
 * through /api/card-checks once a receptionist is signed in: the local verdict at once, the
 * portal's answer in place when it comes (CardCheckController). The screen does not clear itself
 * while the portal is being asked or a review is open.
 *
 * Nobody is dropped: for a signed-in receptionist, a good card that was not confirmed moves to the
 * "chưa tiếp nhận" tray when the next card is scanned, on Esc, or after the long idle time (with
 * a visible countdown); Enter confirms an accepted card, and the keyboard focus sits on the next
 * action (confirm, the first review tick, then "next card").
 */
@customElement('bhyt-kiosk-app')
export class BhytKioskApp extends LitElement {
  @property() locale: Locale = 'vi';

  @state() private result: VerifyResult | undefined;
  @state() private qr: string | undefined;
  @state() private checking = false;
  @state() private verifyFailed = false;
  @state() private user: SessionUser | undefined;
  @state() private muted = false;
  @state() private clearSec = DEFAULT_CLEAR_SEC;
  @state() private clearsIn: number | undefined;
  @state() private liveText = '';
  @state() private status: KioskStatus | undefined;
  @state() private reviewOpen = false;
  /** The visit categories and types for the check-in (fetched after sign-in). */
  @state() private visitCodes: VisitCodeTable | undefined;
  /** POST /api/verify's proposed visit category for the card on screen. */
  @state() private verifyProposal: string | undefined;
  /** Scanned, good, not checked in (the tray). */
  @state() private pending: readonly PendingPatient[] = [];
  /** The card on screen was checked in (or reported a duplicate): nothing left to decide. */
  @state() private decided = false;
  /** The card on screen was typed by a keyboard-wedge scanner (its non-ASCII letters are lost). */
  @state() private wedgeTyped = false;

  @query('kiosk-verdict-panel') private panel!: KioskVerdictPanel;
  @query('kiosk-status-bar') private statusBar!: KioskStatusBar;
  @query('kiosk-recent-visits') private recent!: KioskRecentVisits | null;
  @query('kiosk-manual-entry') private manual!: KioskManualEntry | null;
  @query('kiosk-check-in') private checkInEl!: KioskCheckIn | null;

  private readonly check = new CardCheckController(this, (e, first) => this.onCheckEvent(e, first));
  /** The current check is a typed-in card (its first answer closes the form). */
  private manualCheck = false;

  private readonly codeCache = new VisitCodeCache();
  private readonly sound = new SoundCues();
  /** `?clear=SECONDS` overrides the server's setting (tests, demos). */
  private readonly clearOverride = readClearOverride(location.search);
  private readonly clearTimer = new ClearTimer(
    (sec) => (this.clearsIn = sec),
    () => this.clearResult(),
  );
  private scanSeq = 0;
  private stopWedge: (() => void) | undefined;
  /** The serial scanner's stream (open while a receptionist is signed in). */
  private stopSerial: (() => void) | undefined;

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.locale = initialLocale({ search: location.search }, this.locale);
    if (this.clearOverride !== undefined) this.clearSec = this.clearOverride;
    this.stopWedge = listenForWedgeScans(document, (text) => void this.handleScan({ text, source: 'wedge' }));
    document.addEventListener('keydown', this.onKeyDown);
    this.addEventListener('kiosk-scan', this.onScanEvent);
    this.addEventListener('kiosk-session', this.onSession);
    this.addEventListener('kiosk-status', this.onStatus);
    this.addEventListener('kiosk-activity', this.onActivity);
    this.addEventListener('kiosk-checked-in', this.onCheckedIn);
    this.addEventListener('kiosk-review', this.onReview);
    this.addEventListener('kiosk-give-up', this.onGiveUp);
    this.addEventListener('kiosk-manual-entry', this.onManualEntry);
    this.addEventListener('kiosk-tray', this.onTray);
    document.documentElement.lang = this.locale;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWedge?.();
    this.stopSerial?.();
    document.removeEventListener('keydown', this.onKeyDown);
    this.clearResult({ keep: false });
    this.pending = [];
    this.sound.close();
  }

  private readonly onScanEvent = (e: CustomEvent<ScanDetail>) => void this.handleScan(e.detail);
  private readonly onSession = (e: CustomEvent<{ user: SessionUser | undefined }>) => {
    const before = this.user?.username;
    this.user = e.detail.user;
    // A USB serial scanner's scans come from the service, to a receptionist's screen only.
    if (this.user?.role === 'receptionist')
      this.stopSerial ??= openScannerEvents((text) => void this.handleScan({ text, source: 'serial' }));
    else {
      this.stopSerial?.();
      this.stopSerial = undefined;
    }
    if (this.user) void this.loadVisitCodes();
    else {
      this.codeCache.clear();
      this.visitCodes = undefined;
    }
    // Signed out (or someone else signed in): the check and the tray belonged to the previous operator.
    if (before !== undefined && before !== this.user?.username) {
      this.pending = [];
      if (this.check.started) this.clearResult({ keep: false });
    } else void this.checkOnlineIfDue();
    if (this.result) this.armClearTimer();
  };
  private readonly onStatus = (e: CustomEvent<{ status: KioskStatus | undefined }>) => {
    if (e.detail.status) this.status = e.detail.status;
    void this.checkOnlineIfDue();
    const sec = e.detail.status?.ui?.resultClearSec;
    if (this.clearOverride === undefined && typeof sec === 'number' && sec > 0) this.clearSec = sec;
  };
  private readonly onActivity = () => {
    if (this.result) this.armClearTimer();
  };
  private readonly onReview = (e: CustomEvent<ReviewDetail>) => {
    this.reviewOpen = e.detail.open;
    if (this.result) this.armClearTimer();
  };
  private readonly onGiveUp = () => this.check.giveUp();
  private readonly onManualEntry = (e: CustomEvent<ManualEntryDetail>) => void this.handleManual(e.detail);
  private readonly onCheckedIn = (e: Event) => {
    void this.statusBar?.poll();
    if ((e.target as Element | null)?.localName !== 'kiosk-check-in') return;
    this.decided = true;
    if (this.result) this.armClearTimer();
    // The next action is the next card: Enter (or Esc) there.
    void this.updateComplete.then(() => this.querySelector<HTMLElement>('[data-action="new-scan"]')?.focus());
  };
  private readonly onTray = (e: CustomEvent<TrayDetail>) => {
    const entry = this.pending.find((p) => p.id === e.detail.id);
    if (!entry) return;
    this.pending = this.pending.filter((p) => p.id !== entry.id);
    const t = translator(this.locale);
    if (e.detail.action === 'done') this.liveText = t('tray.done', { name: entry.result.card?.fullName ?? '' });
    if (e.detail.action === 'open' && entry.qr !== undefined)
      void this.handleScan({ text: entry.qr, source: entry.wedge ? 'wedge' : 'tray' });
  };
  private readonly onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && (this.result || this.verifyFailed)) {
      e.preventDefault();
      this.clearResult();
    } else if (e.key === 'Enter' && !e.defaultPrevented && !e.repeat && this.result && pageHasNoControlFocused()) {
      // Enter confirms an accepted card when no control has the keyboard (a focused button takes its own Enter).
      if (this.checkInEl?.confirmByKey()) e.preventDefault();
    }
  };

  /** A receptionist could still check in the card on screen. */
  private get undecided(): boolean {
    return this.result !== undefined && this.result.verdict !== 'rejected' && this.user?.role === 'receptionist' && !this.decided;
  }

  /** Keeps the undecided card on screen in the tray (the same card once), announcing it. */
  private stashUndecided(): void {
    const result = this.result;
    if (!result || !this.undecided) return;
    const qr = this.qr;
    const cardCheckId = this.check.failedCode === undefined ? this.check.id : undefined;
    if (qr === undefined && cardCheckId === undefined) return;
    const entry: PendingPatient = { id: randomKey(), result, qr, cardCheckId, idempotencyKey: randomKey() };
    if (this.wedgeTyped) entry.wedge = true;
    this.pending = [
      entry,
      ...this.pending.filter((p) => !(qr !== undefined && p.qr === qr) && !(cardCheckId && p.cardCheckId === cardCheckId)),
    ];
    this.liveText = translator(this.locale)('tray.moved');
  }

  /** Verifies one scanned text and shows the verdict; a newer scan wins over a slower older one. */
  async handleScan(scan: ScanDetail): Promise<void> {
    if (scan.text !== this.qr) this.stashUndecided();
    // The card is back on the main panel: it leaves the tray.
    if (this.pending.some((p) => p.qr === scan.text)) this.pending = this.pending.filter((p) => p.qr !== scan.text);
    const seq = ++this.scanSeq;
    this.check.reset();
    this.checking = true;
    this.verifyFailed = false;
    const res = await verifyQr(scan.text);
    if (seq !== this.scanSeq) return;
    this.checking = false;
    if (!res.ok) {
      // 4xx/5xx/network: nothing to show about the card; say so and keep scanning.
      this.result = undefined;
      this.verifyProposal = undefined;
      this.qr = undefined;
      this.verifyFailed = true;
      this.sound.play('rejected');
      this.liveText = translator(this.locale)('scan.verifyFailed');
      this.armClearTimer();
      return;
    }
    this.wedgeTyped = scan.source === 'wedge';
    // A wedge loses the ID card's Vietnamese letters: its name is never shown as the name.
    this.result = this.wedgeTyped ? withoutWedgeName(res.body) : res.body;
    this.decided = false;
    this.verifyProposal = res.body.proposedVisitCategory;
    this.qr = scan.text;
    if (this.user) void this.loadVisitCodes();
    const t = translator(this.locale);
    this.liveText = announcement(this.result, this.locale, t);
    this.sound.play(res.body.verdict);
    const run = this.checkOnlineIfDue();
    this.armClearTimer();
    await this.updateComplete;
    if (!(await this.checkInEl?.focusAction())) this.panel?.focusHeading();
    await run;
  }

  /** Today's visit codes (cached; one request after sign-in, again only on a new day or after a failure). */
  private async loadVisitCodes(): Promise<void> {
    const table = await this.codeCache.load();
    if (this.user) this.visitCodes = table;
  }

  /**
   * Starts the online check of the scanned card on screen when it needs one and none ran yet:
   * after the scan, or once the sign-in or the portal's status arrives (the camera may be faster).
   */
  private checkOnlineIfDue(): Promise<void> | undefined {
    const r = this.result;
    if (!r || !this.qr || this.checking || this.check.started || this.user?.role !== 'receptionist') return;
    // A wedge-typed chip ID card goes through the service's card check even with no portal: the
    // check-in then takes the check, whose card has no name, never the name the wedge garbled.
    const wedgeIdCard = this.wedgeTyped && r.source === 'id-card';
    if (!needsOnlineCheck(r, this.status) && !wedgeIdCard) return;
    return this.startCheck(this.wedgeTyped ? { qr: this.qr, typedBy: 'wedge' } : { qr: this.qr }, false);
  }

  /** A typed-in card: looked up online like a scan; the form closes on the service's first answer. */
  async handleManual(detail: ManualEntryDetail): Promise<void> {
    this.stashUndecided();
    this.decided = false;
    this.wedgeTyped = false;
    this.scanSeq++;
    this.verifyProposal = undefined;
    await this.startCheck({ manual: detail.entry }, true);
  }

  private startCheck(req: CardCheckRequest, manual: boolean): Promise<void> {
    this.manualCheck = manual;
    return this.check.start(req);
  }

  private onCheckEvent(e: CheckEvent, first: boolean): void {
    const t = translator(this.locale);
    if (this.manualCheck && first) {
      if (e.kind === 'failed') {
        this.manual?.refused({ code: e.code, ...(e.field !== undefined ? { field: e.field } : {}) });
        this.check.reset();
        return;
      }
      this.manual?.close();
      this.verifyFailed = false;
      this.checking = false;
      this.qr = undefined;
      void this.updateComplete.then(() => this.panel?.focusHeading());
    }
    if (e.kind === 'view') {
      this.result = e.view.result;
      const state = e.view.portal.state;
      const answered = state === 'done' || state === 'unavailable' || state === 'config';
      if (answered || (first && this.manualCheck)) {
        this.liveText = announcement(e.view.result, this.locale, t);
        this.sound.play(e.view.result.verdict);
      }
      if (answered) {
        void this.statusBar?.poll();
        // The portal answered: its button replaced "stop waiting"; the keyboard follows.
        const active = document.activeElement;
        if (!active || active === document.body || active.localName === 'kiosk-check-in') void this.checkInEl?.focusAction();
      }
    }
    if (this.result) this.armClearTimer();
  }

  /**
   * (Re)starts the auto-clear countdown; paused while the portal is asked, a review or the manual
   * form is open. A card a receptionist could still check in waits much longer, then goes to the tray.
   */
  private armClearTimer(): void {
    if (this.check.waiting || this.reviewOpen || this.manual?.isOpen) this.clearTimer.stop();
    else this.clearTimer.arm(this.undecided ? this.clearSec * UNDECIDED_CLEAR_FACTOR : this.clearSec);
  }

  /**
   * Back to the scan state: drops the result and its QR text from memory, DOM and live region. An
   * undecided card goes to the tray first, unless `keep` is false (sign-out).
   */
  clearResult(opts: { keep?: boolean } = {}): void {
    if (opts.keep !== false) this.stashUndecided();
    this.decided = false;
    this.clearTimer.stop();
    this.scanSeq++;
    this.check.reset();
    this.reviewOpen = false;
    this.result = undefined;
    this.verifyProposal = undefined;
    this.qr = undefined;
    this.checking = false;
    this.verifyFailed = false;
    if (!this.pending.length) this.liveText = '';
    this.recent?.close();
    const active = document.activeElement;
    if (active instanceof HTMLElement && active !== document.body) active.blur();
  }

  private toggleLocale(): void {
    this.locale = switchLocale(this.locale);
  }

  private toggleMute(): void {
    this.muted = !this.muted;
    this.sound.muted = this.muted;
  }

  override render() {
    const t = translator(this.locale);
    document.title = t('app.title');
    const showing = this.result !== undefined;
    return html`
      <a class="skip-link" href="#scan-area">${t('app.skipToScan')}</a>
      <kiosk-status-bar .locale=${this.locale} .user=${this.user}>
        <button type="button" class="bar-button" aria-pressed=${this.muted ? 'true' : 'false'} @click=${() => this.toggleMute()}>
          ${speakerIcon(this.muted)}${this.muted ? t('sound.unmute') : t('sound.mute')}
        </button>
        <button
          type="button"
          class="bar-button"
          lang=${this.locale === 'vi' ? 'en' : 'vi'}
          aria-label=${`${t('lang.switch')} — ${t('lang.switchLabel')}`}
          @click=${() => this.toggleLocale()}
        >
          ${t('lang.switch')}
        </button>
      </kiosk-status-bar>
      <main class="layout ${showing ? 'has-result' : 'idle'}">
        <section class="scan-col" id="scan-area" aria-labelledby="scan-heading">
          <h1 id="scan-heading" class="scan-heading">${t('scan.heading')}</h1>
          <kiosk-camera-scanner .locale=${this.locale}></kiosk-camera-scanner>
        </section>
        <section class="result-col">
          ${
            // Above the verdict (the top of the screen in both orientations): never below the fold.
            this.user?.role === 'receptionist'
              ? html`<kiosk-pending-tray .locale=${this.locale} .items=${this.pending}></kiosk-pending-tray>`
              : nothing
          }
          ${
            !showing && !this.checking && !this.verifyFailed
              ? html`<div class="idle-card" data-state="idle">
                  <p class="idle-title">${t('scan.idleTitle')}</p>
                  <p class="idle-prompt">${t('scan.prompt')}</p>
                </div>`
              : nothing
          }
          ${this.checking ? html`<p class="checking" data-state="checking">${t('scan.checking')}</p>` : nothing}
          ${this.verifyFailed ? html`<p class="verify-failed" role="alert" data-state="verify-failed">${t('scan.verifyFailed')}</p>` : nothing}
          ${
            showing && this.wedgeTyped && this.result?.source === 'id-card'
              ? html`<p class="wedge-warning" role="alert" data-warning="WEDGE_ID_CARD">${t('scan.wedgeIdCard')}</p>`
              : nothing
          }
          <kiosk-verdict-panel
            .result=${this.result}
            .locale=${this.locale}
            .clearsIn=${this.clearsIn}
            ?clears-to-tray=${this.undecided}
            ?portal-shown=${this.check.portal !== undefined || this.check.failedCode !== undefined}
          >
            <kiosk-portal-panel
              slot="portal"
              .portal=${showing ? this.check.portal : undefined}
              .startedAt=${this.check.startedAt}
              .failedCode=${showing ? this.check.failedCode : undefined}
              ?gave-up=${this.check.gaveUp}
              .locale=${this.locale}
            ></kiosk-portal-panel>
          </kiosk-verdict-panel>
        </section>
        <section class="actions-col" ?hidden=${!showing && !this.verifyFailed}>
          <kiosk-check-in
            .result=${this.result}
            .qr=${this.qr}
            .cardCheckId=${this.check.failedCode === undefined ? this.check.id : undefined}
            ?portal-pending=${this.check.pending}
            ?gave-up=${this.check.gaveUp}
            ?portal-unanswered=${this.check.portal?.state === 'unavailable' || this.check.portal?.state === 'config'}
            .visitCodes=${this.visitCodes}
            .proposedCategory=${this.check.proposedCategory ?? this.verifyProposal}
            .locale=${this.locale}
            ?signed-in=${this.user !== undefined}
            .operatorRole=${this.user?.role}
          ></kiosk-check-in>
          ${
            showing || this.verifyFailed
              ? html`<button type="button" class="new-scan" data-action="new-scan" @click=${() => this.clearResult()}>
                  ${t('verdict.newScan')}
                </button>`
              : nothing
          }
        </section>
        <section class="tools-col">
          <kiosk-paste-box .locale=${this.locale}></kiosk-paste-box>
          ${
            portalHealth(this.status) !== 'off'
              ? html`<kiosk-manual-entry .locale=${this.locale} ?enabled=${this.user?.role === 'receptionist'}></kiosk-manual-entry>`
              : nothing
          }
          <kiosk-recent-visits
            .locale=${this.locale}
            .clearSec=${this.clearSec}
            ?signed-in=${this.user?.role === 'receptionist'}
          ></kiosk-recent-visits>
          <kiosk-login .locale=${this.locale}></kiosk-login>
        </section>
      </main>
      <div class="visually-hidden" role="status" aria-live="assertive" aria-atomic="true" data-live>${this.liveText}</div>
    `;
  }
}

/** No control has the keyboard: the page itself, or the verdict's heading (focused after a scan). */
function pageHasNoControlFocused(): boolean {
  const active = document.activeElement;
  return !active || active === document.body || active.localName === 'bhyt-kiosk-app' || active.localName === 'kiosk-verdict-panel';
}

declare global {
  interface HTMLElementTagNameMap {
    'bhyt-kiosk-app': BhytKioskApp;
  }
}
