import { html, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AuditSummary as Summary } from '../../server/wire/audit.js';
import { getAuditSummary } from '../api/client.js';
import { EMPTY_FILTERS, filterParams, type AuditFilters } from './filter-params.js';
import { horizontalBars, stackedBars, VERDICT_ORDER } from './chart-geometry.js';
import type { Locale, MessageKey, Translate } from '../i18n/index.js';
import { formatDay } from './dates.js';
import { problemText } from './problem-text.js';
import { reasonWords } from './reason-label.js';
import { LightElement } from './light-element.js';

const W = 640;
const H = 220;
const BOX = { left: 36, top: 10, width: W - 46, height: H - 40 };

/** Visits per day by verdict (stacked bars) and the top reject reasons (horizontal bars). */
@customElement('audit-charts')
export class AuditCharts extends LightElement {
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) filters: AuditFilters = EMPTY_FILTERS;
  @property() locale: Locale = 'vi';
  @state() private summary: Summary | undefined;
  @state() private error: string | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('filters')) void this.load();
  }

  private async load(): Promise<void> {
    const r = await getAuditSummary(filterParams(this.filters));
    if (r.ok) {
      this.summary = r.body;
      this.error = undefined;
    } else {
      // No chart of the previous filter under the error.
      this.summary = undefined;
      this.error = problemText(this.t, r.code);
    }
  }

  private perDay(s: Summary) {
    const t = this.t;
    const { bars, max } = stackedBars(s.days, BOX);
    const labelEvery = Math.max(1, Math.ceil(bars.length / 10));
    return svg`<svg viewBox="0 0 ${W} ${H}" class="chart" id="chart-per-day" role="img" aria-label=${t('audit.charts.perDay')}>
      <line x1=${BOX.left} y1=${BOX.top + BOX.height} x2=${BOX.left + BOX.width} y2=${BOX.top + BOX.height} class="axis" />
      <text x=${BOX.left - 4} y=${BOX.top + 8} class="tick" text-anchor="end">${max}</text>
      <text x=${BOX.left - 4} y=${BOX.top + BOX.height} class="tick" text-anchor="end">0</text>
      ${bars.map(
        (b, i) => svg`<g data-day=${b.day} data-total=${b.total}>
          <title>${formatDay(b.day)}: ${b.segments.map((x) => `${t(`audit.verdict.${x.verdict}` as MessageKey)} ${x.value}`).join(', ')}</title>
          ${b.segments.map((seg) => (seg.height > 0 ? svg`<rect x=${b.x} y=${seg.y} width=${b.width} height=${seg.height} class="bar ${seg.verdict}" />` : nothing))}
          ${i % labelEvery === 0 ? svg`<text x=${b.x + b.width / 2} y=${H - 14} class="tick" text-anchor="middle">${b.day.slice(8)}/${b.day.slice(5, 7)}</text>` : nothing}
        </g>`,
      )}
    </svg>`;
  }

  /** The top reject reasons as an HTML bar list: the reason in words (they wrap), its code, its count. */
  private reasons(s: Summary) {
    const t = this.t;
    if (s.topRejectReasons.length === 0) return html`<p class="muted" id="chart-reasons-empty">${t('audit.charts.noReasons')}</p>`;
    const rows = horizontalBars(s.topRejectReasons, 100);
    return html`<ol class="reason-bars" id="chart-reasons">
      ${rows.map(
        (r) =>
          html`<li data-code=${r.code}>
            <span class="reason-name">${reasonWords(r.code, this.locale)} <span class="mono small muted">${r.code}</span></span>
            <span class="reason-bar"><span class="bar-fill rejected" style="width:${Math.max(1, r.length).toFixed(1)}%"></span></span>
            <span class="num">${r.count}</span>
          </li>`,
      )}
    </ol>`;
  }

  protected override render() {
    const t = this.t;
    const s = this.summary;
    if (this.error) return html`<section class="card"><p class="error" role="alert" id="chart-error">${this.error}</p></section>`;
    if (!s) return html`<section class="card"><p class="muted">…</p></section>`;
    return html`<section class="card charts" aria-label=${t('audit.charts.perDay')}>
      <div>
        <h2>${t('audit.charts.perDay')}</h2>
        <p class="muted">
          ${t('audit.charts.range', { from: formatDay(s.from), to: formatDay(s.to) })} · ${t('audit.charts.total', { n: s.totals.total })}
        </p>
        ${this.perDay(s)}
        <ul class="legend">
          ${VERDICT_ORDER.map((v) => html`<li><span class="swatch ${v}"></span>${t(`audit.verdict.${v}` as MessageKey)}: ${s.totals[v]}</li>`)}
        </ul>
      </div>
      <div>
        <h2>${t('audit.charts.reasons')}</h2>
        ${this.reasons(s)}
      </div>
    </section>`;
  }
}
