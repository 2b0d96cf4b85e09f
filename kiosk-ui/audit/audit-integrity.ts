import { html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AuditIntegrity as Integrity } from '../../server/wire/audit.js';
import { getAuditIntegrity } from '../api/client.js';
import type { Translate } from '../i18n/index.js';
import { LightElement } from './light-element.js';
import { problemText } from './problem-text.js';

/** The hash-chain badge: green when the whole log verifies, red naming the first broken row. */
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
      text = r.firstBrokenSeq !== undefined ? t('audit.integrity.broken', { seq: r.firstBrokenSeq }) : t('audit.integrity.brokenNoSeq');
    }
    return html`<div class="integrity ${cls}" id="audit-integrity" data-state=${cls} role="status" title=${r?.headHash ?? ''}>
      <span>${text}</span>
      <button type="button" class="link" @click=${() => this.check()}>${t('audit.integrity.recheck')}</button>
    </div>`;
  }
}
