import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AuditIntegrity as Integrity } from '../../server/wire/audit.js';
import { getAuditIntegrity } from '../api/client.js';
import type { Translate } from '../i18n/index.js';
import { formatDuration } from '../i18n/duration.js';
import { LightElement } from './light-element.js';
import { problemText } from './problem-text.js';

/**
 * The hash-chain badge: green when both logs verify and still hold the last anchored checkpoint,
 * red naming the first broken entry; beside it the anchor: the last checkpoint the
 * medical-history store accepted, its age, and how many entries came after it.
 */
@customElement('audit-integrity')
export class AuditIntegrity extends LightElement {
  @property({ attribute: false }) t!: Translate;
  @state() private result: Integrity | undefined;
  @state() private failed: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.check();
  }

  async check(): Promise<void> {
    this.result = undefined;
    this.failed = undefined;
    const r = await getAuditIntegrity();
    if (r.ok) this.result = r.body;
    else this.failed = problemText(this.t, r.code);
  }

  protected override render() {
    const t = this.t;
    const r = this.result;
    let cls = 'pending';
    let text = t('audit.integrity.checking');
    if (this.failed) text = this.failed;
    else if (r?.intact) {
      cls = 'ok';
      text = t('audit.integrity.intact', { count: r.count, head: r.headHash.slice(0, 16) + '…' });
    } else if (r) {
      cls = 'broken';
      const key = r.brokenLog === 'cardChecks' ? 'audit.integrity.brokenCardChecks' : 'audit.integrity.broken';
      if (r.problem === 'CHECKPOINT_MISSING' || r.problem === 'CHECKPOINT_MISMATCH')
        text = t('audit.integrity.notAnchored', { seq: r.firstBrokenSeq ?? 0 });
      else text = r.firstBrokenSeq !== undefined ? t(key, { seq: r.firstBrokenSeq }) : t('audit.integrity.brokenNoSeq');
    }
    return html`<div class="integrity ${cls}" id="audit-integrity" data-state=${cls} role="status" title=${r?.headHash ?? ''}>
        <span>${text}</span>
        <button type="button" class="link" @click=${() => this.check()}>${t('audit.integrity.recheck')}</button>
      </div>
      ${r?.anchor ? this.renderAnchor(r.anchor) : ''}`;
  }

  private renderAnchor(a: NonNullable<Integrity['anchor']>) {
    const t = this.t;
    const last = a.lastCheckpoint;
    if (!a.enabled && !last) {
      return html`<p class="anchor off" id="audit-anchor" data-state="off">${t('audit.anchor.off')}</p>`;
    }
    if (!last) {
      return html`<p class="anchor none" id="audit-anchor" data-state="none">${t('audit.anchor.none')}</p>`;
    }
    // Older than a day with entries waiting: the anchor is not keeping up (store unreachable?).
    const stale = last.ageSec > 86_400 && (a.notAnchored.visits > 0 || a.notAnchored.cardChecks > 0);
    return html`<p
      class="anchor ${stale ? 'stale' : 'ok'}"
      id="audit-anchor"
      data-state=${stale ? 'stale' : 'ok'}
      title=${last.visits.hash}
    >
      ${t('audit.anchor.last', {
        seq: last.visits.seq,
        hash: last.visits.hash.slice(0, 12) + '…',
        age: formatDuration(last.ageSec, t),
      })}
      ${
        a.notAnchored.visits + a.notAnchored.cardChecks > 0
          ? html`<span class="anchor-waiting">
              ${t('audit.anchor.waiting', { visits: a.notAnchored.visits, cardChecks: a.notAnchored.cardChecks })}</span
            >`
          : ''
      }
    </p>`;
  }
}
