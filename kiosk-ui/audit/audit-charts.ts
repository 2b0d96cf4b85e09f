import { html, nothing, svg, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { AuditSummary as Summary } from '../../server/wire/audit.js';
import { getAuditSummary } from '../api/client.js';
import { EMPTY_FILTERS, filterParams, type AuditFilters } from './filter-params.js';
import { horizontalBars, stackedBars, VERDICT_ORDER } from './chart-geometry.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { LightElement } from './light-element.js';

const W = 640;
const H = 220;
const BOX = { left: 36, top: 10, width: W - 46, height: H - 40 };

/** Visits per day by verdict (stacked bars) and the top reject reasons (horizontal bars). */
@customElement('audit-charts')
export class AuditCharts extends LightElement {
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) filters: AuditFilters = EMPTY_FILTERS;
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
    } else this.error = r.code;
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
          <title>${b.day}: ${b.segments.map((x) => `${t(`audit.verdict.${x.verdict}` as MessageKey)} ${x.value}`).join(', ')}</title>
          ${b.segments.map((seg) => (seg.height > 0 ? svg`<rect x=${b.x} y=${seg.y} width=${b.width} height=${seg.height} class="bar ${seg.verdict}" />` : nothing))}
          ${i % labelEvery === 0 ? svg`<text x=${b.x + b.width / 2} y=${H - 14} class="tick" text-anchor="middle">${b.day.slice(8)}/${b.day.slice(5, 7)}</text>` : nothing}
        </g>`,
      )}
    </svg>`;
  }

  private reasons(s: Summary) {
    const t = this.t;
    if (s.topRejectReasons.length === 0) return html`<p class="muted" id="chart-reasons-empty">${t('audit.charts.noReasons')}</p>`;
    const labelW = 200;
    const rows = horizontalBars(s.topRejectReasons, W - labelW - 50);
    const h = rows.length * 26 + 6;
    return svg`<svg viewBox="0 0 ${W} ${h}" class="chart" id="chart-reasons" role="img" aria-label=${t('audit.charts.reasons')}>
      ${rows.map(
        (r, i) => svg`<g data-code=${r.code}>
          <text x=${labelW - 8} y=${i * 26 + 19} class="label" text-anchor="end">${r.code}</text>
          <rect x=${labelW} y=${i * 26 + 6} width=${Math.max(1, r.length)} height="18" class="bar rejected" />
          <text x=${labelW + r.length + 6} y=${i * 26 + 19} class="tick">${r.count}</text>
        </g>`,
      )}
    </svg>`;
  }

  protected override render() {
    const t = this.t;
    const s = this.summary;
    if (this.error) return html`<section class="card"><p class="error">${this.error}</p></section>`;
    if (!s) return html`<section class="card"><p class="muted">…</p></section>`;
    return html`<section class="card charts" aria-label=${t('audit.charts.perDay')}>
      <div>
        <h2>${t('audit.charts.perDay')}</h2>
        <p class="muted">${t('audit.charts.range', { from: s.from, to: s.to })} · ${t('audit.charts.total', { n: s.totals.total })}</p>
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
