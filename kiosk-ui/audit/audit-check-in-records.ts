import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { CheckInRecordDay, CheckInRecordState, CheckInRecordView } from '../../server/wire/check-in-report.js';
import { getCheckInRecords } from '../api/client.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { addDays, formatDay, parseDay, portalTime, todayVn } from './dates.js';
import { vnTime } from './filter-params.js';
import { LightElement } from './light-element.js';
import { problemText } from './problem-text.js';
import { bareCodes, type CodeLabel } from './visit-code-labels.js';
import './audit-date-input.js';

const STATES: readonly CheckInRecordState[] = ['pending', 'received', 'parked'];

/**
 * The check-in records of one Vietnam day (what the kiosk reported to the agency's portal): the
 * counts per state, each record with its state, the portal's transaction id or why it was parked,
 * and the day as one signed XML file (the fallback a facility uploads by hand).
 */
@customElement('audit-check-in-records')
export class AuditCheckInRecords extends LightElement {
  @property({ attribute: false }) t!: Translate;
  /** `YYYY-MM-DD`, Vietnam day; today by default. */
  @property() date: string = todayVn();
  @property({ attribute: false }) codeLabel: CodeLabel = bareCodes;
  @state() private day: CheckInRecordDay | undefined;
  @state() private loading = false;
  @state() private error: string | undefined;
  @state() private fileError: string | undefined;
  @state() private fileDone: string | undefined;
  @state() private downloading = false;
  #generation = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('date')) void this.load();
  }

  private async load(): Promise<void> {
    const gen = ++this.#generation;
    this.loading = true;
    this.error = undefined;
    this.fileError = undefined;
    this.fileDone = undefined;
    // Never show the previous day's rows under the new day's heading or an error.
    this.day = undefined;
    const r = await getCheckInRecords(this.date);
    if (gen !== this.#generation) return;
    this.loading = false;
    if (r.ok) this.day = r.body;
    else this.error = problemText(this.t, r.code);
  }

  private setDate(iso: string): void {
    this.date = iso;
  }

  /** Fetches the file first so a 404/503 is said in words on the page, not as a browser error page. */
  private async download(): Promise<void> {
    this.fileError = undefined;
    this.fileDone = undefined;
    this.downloading = true;
    const url = xmlUrl(this.date);
    try {
      const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as { code?: unknown };
        this.fileError = problemText(this.t, typeof body.code === 'string' ? body.code : `HTTP_${res.status}`);
        return;
      }
      const records = Number(res.headers.get('x-record-count') ?? 0);
      const skipped = Number(res.headers.get('x-records-skipped') ?? 0);
      this.fileDone =
        skipped > 0
          ? this.t('audit.checkin.downloadedSkipped', { n: records, skipped })
          : this.t('audit.checkin.downloaded', { n: records });
      const blob = await res.blob();
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `checkin-${this.date}.xml`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
    } catch {
      this.fileError = problemText(this.t, 'NETWORK');
    } finally {
      this.downloading = false;
    }
  }

  private row(r: CheckInRecordView) {
    const t = this.t;
    return html`<tr data-ma-lk=${r.maLk} data-state=${r.state}>
      <td class="num" data-label=${t('audit.table.seq')}>${r.visitSeq}</td>
      <td data-label=${t('audit.table.time')}>${vnTime(r.checkedInAt)}</td>
      <td data-label=${t('audit.table.operator')}>${r.operator}</td>
      <td data-label=${t('audit.checkin.category')}>${this.codeLabel('category', r.visitCategory)}</td>
      <td data-label=${t('audit.table.visitType')}>${this.codeLabel('type', r.visitType)}</td>
      <td data-label=${t('audit.checkin.state')}>
        <span
          ><span class="badge ${r.state}" data-badge=${r.state}>${t(`audit.checkin.state.${r.state}` as MessageKey)}</span> ${
            r.state === 'pending' && r.attempts > 0
              ? html`<span class="muted small">${t('audit.checkin.attempts', { n: r.attempts })}</span>`
              : nothing
          }</span
        >
      </td>
      <td data-label=${t('audit.checkin.maGiaoDich')}>
        <span
          ><span class="mono">${r.maGiaoDich ?? '—'}</span
          >${r.receivedAt ? html`<br /><span class="muted small">${portalTime(r.receivedAt, vnTime)}</span>` : nothing}</span
        >
      </td>
      <td data-label=${t('audit.checkin.detail')}>${detail(r)}</td>
    </tr>`;
  }

  protected override render() {
    const t = this.t;
    const d = this.day;
    return html`<section class="card check-in-records" aria-labelledby="checkin-heading" data-loading=${this.loading ? 'true' : 'false'}>
      <h2 id="checkin-heading">${t('audit.checkin.heading')}</h2>
      <p class="muted">${t('audit.checkin.intro')}</p>
      <div class="day-picker">
        <button type="button" class="secondary" id="checkin-prev" @click=${() => this.setDate(addDays(this.date, -1))}>
          ${t('audit.checkin.prevDay')}
        </button>
        <audit-date-input
          .t=${t}
          id="checkin-date"
          .label=${t('audit.checkin.date')}
          .value=${this.date}
          @audit-date=${(e: CustomEvent<string>) => {
            const iso = parseDay(e.detail);
            if (iso) this.setDate(iso);
          }}
        ></audit-date-input>
        <button type="button" class="secondary" id="checkin-next" @click=${() => this.setDate(addDays(this.date, 1))}>
          ${t('audit.checkin.nextDay')}
        </button>
        <button type="button" class="secondary" id="checkin-today" @click=${() => this.setDate(todayVn())}>
          ${t('audit.checkin.today')}
        </button>
        <button type="button" id="checkin-xml" ?disabled=${this.downloading} @click=${() => this.download()}>
          ${t('audit.checkin.download')}
        </button>
      </div>
      ${this.fileError ? html`<p class="error" role="alert" id="checkin-xml-error">${this.fileError}</p>` : nothing}
      ${this.fileDone ? html`<p role="status" id="checkin-xml-done">${this.fileDone}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert" id="checkin-error">${this.error}</p>` : nothing}
      ${this.loading ? html`<p class="muted" role="status">${t('audit.loading')}</p>` : nothing}
      ${
        d
          ? html`<ul class="counts" id="checkin-counts" aria-label=${t('audit.checkin.counts', { date: formatDay(d.date) })}>
                ${STATES.map(
                  (s) =>
                    html`<li data-count=${s}>
                      <span class="badge ${s}">${t(`audit.checkin.state.${s}` as MessageKey)}</span> <strong>${d.counts[s]}</strong>
                    </li>`,
                )}
                <li class="muted">${t('audit.checkin.facility', { facility: d.facility })}</li>
              </ul>
              ${
                d.records.length === 0
                  ? html`<p class="muted" id="checkin-empty">${t('audit.checkin.empty', { date: formatDay(d.date) })}</p>`
                  : html`<div class="table-wrap">
                      <table id="checkin-table" class="cards-on-narrow">
                        <caption class="visually-hidden">
                          ${t('audit.checkin.counts', { date: formatDay(d.date) })}
                        </caption>
                        <thead>
                          <tr>
                            <th scope="col">${t('audit.table.seq')}</th>
                            <th scope="col">${t('audit.table.time')}</th>
                            <th scope="col">${t('audit.table.operator')}</th>
                            <th scope="col">${t('audit.checkin.category')}</th>
                            <th scope="col">${t('audit.table.visitType')}</th>
                            <th scope="col">${t('audit.checkin.state')}</th>
                            <th scope="col">${t('audit.checkin.maGiaoDich')}</th>
                            <th scope="col">${t('audit.checkin.detail')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          ${d.records.map((r) => this.row(r))}
                        </tbody>
                      </table>
                    </div>`
              }`
          : nothing
      }
    </section>`;
  }
}

/** The day file's address. */
function xmlUrl(date: string): string {
  return `/api/audit/check-in-records.xml?date=${encodeURIComponent(date)}`;
}

/** Why a record is where it is: the portal's refusal when parked, the last failure while it waits; nothing once received. */
function detail(r: CheckInRecordView): string {
  if (r.state === 'parked') return r.parkedReason ?? r.lastError ?? '';
  if (r.state === 'pending') return r.lastError ?? '';
  return '';
}
