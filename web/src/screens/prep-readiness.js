// The readiness board (bảng theo dõi sẵn sàng): what is still missing
// before day N, for the steering committee at a glance.  Days left to day
// N, the overall counters, then per body what is missing (documents not
// approved, tasks open or overdue, roles without a person, open findings),
// the checker's warnings and, for a multi-level exercise, its children.
// Printable on A4 landscape; the spreadsheets and the calendar download.

import { html } from '../lib.js';
import { get } from '../api.js';
import { fmtReal, tr, useLang } from '../i18n.js';
import { ErrorBox, Loading, Panel } from '../ui.js';
import { Severity, Stamp, TaskStatus, fmtDay, useData } from './prep-common.js';

const T = {
  vi: {
    days_left: 'ngày nữa đến ngày N', day_n: 'Ngày N: {0}', today: 'Hôm nay là ngày N',
    past: 'Đã qua ngày N {0} ngày', no_n: 'Kế hoạch chưa ấn định ngày N (exercise.start chưa ghi ngày cụ thể).',
    documents_pending: 'Văn kiện chưa thông qua', tasks_open: 'Nhiệm vụ chưa xong',
    tasks_overdue: 'Nhiệm vụ quá hạn', roles_unfilled: 'Vai tập chưa có người',
    findings_open: 'Tồn tại chưa khắc phục', warnings: 'Cảnh báo kiểm tra kế hoạch',
    all_clear: 'Không còn gì thiếu.',
    print: 'In bảng', xlsx_readiness: 'Bảng sẵn sàng (XLSX)', xlsx_tasks: 'Nhiệm vụ (XLSX)',
    xlsx_plan: 'Kế hoạch (XLSX)', ics: 'Lịch của tôi (ICS)', downloads: 'Tải về',
    by_body: 'Những việc còn thiếu theo cơ quan', col_body: 'Cơ quan, đơn vị', col_docs: 'Văn kiện',
    col_tasks: 'Nhiệm vụ', col_roles: 'Vai tập', col_findings: 'Tồn tại', nothing_missing: 'Các cơ quan không còn việc gì thiếu.',
    missing_person: 'chưa có người', missing_user: 'chưa có tài khoản',
    warn_title: 'Cảnh báo của bộ kiểm tra kế hoạch ({0})', no_warnings: 'Không có cảnh báo.',
    children: 'Các cuộc diễn tập cấp dưới', col_child: 'Cuộc diễn tập',
    print_head: 'BẢNG THEO DÕI CÔNG TÁC CHUẨN BỊ DIỄN TẬP', printed_at: 'In lúc {0}',
    overdue: 'quá hạn', due: 'hạn {0}',
  },
  en: {
    days_left: 'days to day N', day_n: 'Day N: {0}', today: 'Today is day N',
    past: 'Day N was {0} days ago', no_n: 'The plan does not fix day N to a date (exercise.start has no date).',
    documents_pending: 'Documents not approved', tasks_open: 'Tasks not done',
    tasks_overdue: 'Tasks overdue', roles_unfilled: 'Roles without a person',
    findings_open: 'Open findings', warnings: 'Plan checker warnings',
    all_clear: 'Nothing is missing.',
    print: 'Print', xlsx_readiness: 'Readiness (XLSX)', xlsx_tasks: 'Tasks (XLSX)',
    xlsx_plan: 'Plan (XLSX)', ics: 'My calendar (ICS)', downloads: 'Download',
    by_body: 'What is missing, by body', col_body: 'Body, unit', col_docs: 'Documents',
    col_tasks: 'Tasks', col_roles: 'Roles', col_findings: 'Findings', nothing_missing: 'No body has anything missing.',
    missing_person: 'no person', missing_user: 'no user account',
    warn_title: 'Warnings of the plan checker ({0})', no_warnings: 'No warning.',
    children: 'Lower-level exercises', col_child: 'Exercise',
    print_head: 'EXERCISE PREPARATION READINESS BOARD', printed_at: 'Printed {0}',
    overdue: 'overdue', due: 'due {0}',
  },
};
const t2 = (k, ...a) => tr(T, k, ...a);
export const SUMMARY_KEYS = ['documents_pending', 'tasks_open', 'tasks_overdue', 'roles_unfilled', 'findings_open', 'warnings'];
const BAD = new Set(['tasks_overdue']);

export function SummaryCounts({ s, compact, testid }) {
  return html`<div class=${'rd-counts' + (compact ? ' compact' : '')} data-testid=${testid || null}>
    ${SUMMARY_KEYS.map((k) => {
      const v = s ? s[k] ?? 0 : 0;
      return html`<div key=${k} class=${'rd-count' + (v ? (BAD.has(k) ? ' bad' : ' some') : ' zero')}
          data-testid=${'count-' + k} data-value=${v}>
        <span class="v">${v}</span><span class="l">${t2(k)}</span></div>`;
    })}
  </div>`;
}

// The spreadsheets (staff and observers; the plan as GET …/plan: the
// directing staff and evaluators) and my calendar (everyone).
export function Downloads({ x, kind }) {
  const sheets = kind !== 'player';
  const plan = ['director', 'controller', 'evaluator'].includes(kind);
  return html`<div class="rd-downloads no-print" role="group" aria-label=${t2('downloads')}>
    ${sheets ? html`
      <a class="button" href=${`/api/exercises/${x}/export/readiness.xlsx`} download data-testid="dl-readiness">⤓ ${t2('xlsx_readiness')}</a>
      <a class="button" href=${`/api/exercises/${x}/export/tasks.xlsx`} download data-testid="dl-tasks">⤓ ${t2('xlsx_tasks')}</a>` : null}
    ${plan ? html`<a class="button" href=${`/api/exercises/${x}/export/plan.xlsx`} download data-testid="dl-plan">⤓ ${t2('xlsx_plan')}</a>` : null}
    <a class="button" href=${`/api/exercises/${x}/calendar.ics?mine=1`} download data-testid="dl-ics">⤓ ${t2('ics')}</a>
  </div>`;
}

function BodyRow({ x, b, tz }) {
  return html`<tr data-testid="readiness-body" data-body=${b.id}>
    <th scope="row"><div>${b.name}</div>
      <div class="rd-mini">${SUMMARY_KEYS.filter((k) => b.summary && b.summary[k]).map((k) =>
        html`<span class=${'rd-chip' + (BAD.has(k) ? ' bad' : '')}>${b.summary[k]} ${t2(k).toLowerCase()}</span>`)}</div></th>
    <td>${(b.documents || []).map((d) => html`<div class="rd-item" key=${d.id}>
        <a href=${`#/x/${x}/prep/docs/${encodeURIComponent(d.id)}`}>${d.title}</a>
        <div><${Stamp} status=${d.workflow_status} small />
          ${d.due_ms ? html` <span class=${'muted small' + (d.overdue ? ' over' : '')}>${t2('due', fmtDay(d.due_ms, tz, false))}</span>` : null}
          ${d.overdue ? html` <span class="due-badge bad">● ${t2('overdue')}</span>` : null}</div></div>`)}</td>
    <td>${(b.tasks || []).map((tk) => html`<div class="rd-item" key=${tk.id}>
        <a href=${`#/x/${x}/prep/tasks/${tk.id}`}>${tk.title}</a>
        <div><${TaskStatus} status=${tk.status} />
          ${tk.due_ms ? html` <span class="muted small">${t2('due', fmtDay(tk.due_ms, tz, false))}</span>` : null}
          ${tk.overdue ? html` <span class="due-badge bad" data-testid="overdue">● ${t2('overdue')}</span>` : null}</div></div>`)}</td>
    <td>${(b.roles || []).map((r) => html`<div class="rd-item" key=${r.id}>${r.name}
        <span class="muted small"> — ${t2(r.missing === 'user' ? 'missing_user' : 'missing_person')}</span></div>`)}</td>
    <td>${(b.findings || []).map((f) => html`<div class="rd-item" key=${f.id}><${Severity} s=${f.severity} /> ${f.text}</div>`)}</td>
  </tr>`;
}

export function Readiness({ x, ex, kind }) {
  useLang();
  const [data, error] = useData(() => get(`/api/exercises/${x}/readiness`), [x], 15000);
  const tz = ex.tz_offset_min;
  const nDate = data ? data.n_date : ex.n_date;
  const dl = data ? data.days_left : null;
  const nDay = nDate ? nDate.split('-').reverse().join('/') : '';
  return html`<div class="prep-readiness" data-testid="readiness">
    <div class="print-only rd-print-head">
      <strong>${ex.code} — ${ex.name}</strong>
      <div>${t2('print_head')} · ${t2('printed_at', fmtReal(Date.now()))}</div>
    </div>
    <${ErrorBox} error=${error} />
    ${!data && !error ? html`<${Loading} />` : null}
    ${data ? html`
      <div class="rd-top">
        <div class="rd-days" data-testid="days-left" data-value=${dl ?? ''}>
          ${nDate === null || nDate === undefined || dl === null || dl === undefined
            ? html`<span class="rd-non">${t2('no_n')}</span>`
            : dl > 0 ? html`<span class="big">${dl}</span><span class="what">${t2('days_left')}<br /><b>${t2('day_n', nDay)}</b></span>`
            : dl === 0 ? html`<span class="big">0</span><span class="what"><b>${t2('today')}</b><br />${t2('day_n', nDay)}</span>`
            : html`<span class="what"><b>${t2('past', -dl)}</b><br />${t2('day_n', nDay)}</span>`}
        </div>
        <${SummaryCounts} s=${data.overall} testid="readiness-overall" />
      </div>
      <div class="rd-actions no-print">
        <button type="button" data-testid="readiness-print" onClick=${() => window.print()}>${t2('print')}</button>
        <${Downloads} x=${x} kind=${kind} />
      </div>
      <${Panel} title=${t2('by_body')} class="rd-bodies">
        ${(data.bodies || []).length ? html`<table class="rd-table">
          <thead><tr><th scope="col" class="c-body">${t2('col_body')}</th><th scope="col">${t2('col_docs')}</th>
            <th scope="col">${t2('col_tasks')}</th><th scope="col" class="c-roles">${t2('col_roles')}</th>
            <th scope="col">${t2('col_findings')}</th></tr></thead>
          <tbody>${data.bodies.map((b) => html`<${BodyRow} key=${b.id} x=${x} b=${b} tz=${tz} />`)}</tbody>
        </table>` : html`<p class="muted">${t2('nothing_missing')}</p>`}
      <//>
      ${(data.children || []).length ? html`<${Panel} title=${t2('children')} class="rd-children">
        <table class="rd-table"><thead><tr><th scope="col">${t2('col_child')}</th>
          ${SUMMARY_KEYS.map((k) => html`<th scope="col" class="num">${t2(k)}</th>`)}</tr></thead>
          <tbody>${data.children.map((c) => html`<tr key=${c.id} data-testid="readiness-child" data-child=${c.id}>
            <td><a href=${`#/x/${c.id}/prep/readiness`}>${c.name}</a> <span class="muted small">${c.code}</span></td>
            ${SUMMARY_KEYS.map((k) => html`<td class=${'num' + (c.overall && c.overall[k] ? (BAD.has(k) ? ' bad' : ' some') : ' zero')}>${c.overall ? c.overall[k] ?? 0 : 0}</td>`)}
          </tr>`)}</tbody></table>
      <//>` : null}
      <${Panel} title=${t2('warn_title', (data.warnings || []).length)} class="rd-warnings">
        ${(data.warnings || []).length ? html`<ul class="rd-warn-list">${data.warnings.map((d, i) => html`<li key=${i} data-testid="readiness-warning">
          <span class=${'diag diag-' + (d.severity || 'warning')}>${d.rule || d.severity}</span>
          <span>${d.message}</span>
          ${d.file ? html`<span class="muted small"> ${d.file}${d.line ? ':' + d.line : ''}</span>` : null}</li>`)}</ul>`
          : html`<p class="muted">${t2('no_warnings')}</p>`}
      <//>` : null}
  </div>`;
}
