// Exercise overview, open to every assignment: what the exercise is, its
// structure (phases → training problems → contents → activities), the
// timeline of activities planned and actual with the exercise clock, the
// exercise frame (bodies) and who plays whom, and the documents.
//
// The timeline (vis-timeline) has one row per activity kind (hội nghị,
// tình huống, thực binh, huy động, di chuyển): phases follow one another in
// time, so rows per phase would leave most of the chart empty, while rows per
// kind are all used and show at a glance when the conferences, injects and
// live practices fall.  Phases are drawn as shaded bands behind the rows.
// Inside each row the plan sits on top; once the exercise runs, what really
// happened is a thin dark bar (or dot) just below it.
//
// Exercise time (ms since 00:00 of day N) is placed on the calendar at n_date
// in the exercise's time zone, and the axis is labelled in exercise time
// ("Ngày N+1 · 23/05/2024" over "07:00").

import { html, useState, useEffect, useMemo, useRef } from '../lib.js';
import { get } from '../api.js';
import { t, tr, fmtEx, useLang } from '../i18n.js';
import { useLiveData } from '../live.js';
import { Mark, Pill, Panel, ErrorBox, Loading, names, exerciseNow, useNow } from '../ui.js';
import { Timeline, DataSet, moment } from '../vendor/vis-timeline.mjs';

const T = {
  vi: {
    heading: 'Tổng quan cuộc diễn tập',
    kind_label: 'Loại hình', format: 'Hình thức', locality: 'Địa bàn',
    classification: 'Độ mật', status: 'Trạng thái', span: 'Thời gian diễn tập',
    n_date: 'Ngày N', my_task: 'Nhiệm vụ của tôi', scale: 'Quy mô',
    days: '{0} ngày', hours: '{0} giờ', minutes: '{0} phút', now_in: 'Đang diễn tập', unclassified: 'Không mật',
    counts: '{0} giai đoạn · {1} vấn đề · {2} nội dung · {3} hoạt động · {4} văn kiện',
    // exercise kinds
    'x-province': 'Diễn tập KVPT cấp tỉnh', 'x-district': 'Diễn tập KVPT cấp huyện',
    'x-commune': 'Diễn tập chiến đấu phòng thủ cấp xã',
    'x-area-defense': 'Diễn tập phòng thủ khu vực (Ban CHPTKV)',
    'x-support': 'Diễn tập bảo đảm KVPT của sở, ngành', 'x-rehearsal': 'Luyện tập',
    'x-training': 'Tập huấn',
    // structure
    structure: 'Cấu trúc cuộc diễn tập', phase: 'Giai đoạn {0}', problem: 'Vấn đề {0}',
    content: 'Nội dung {0}', n_problems: '{0} vấn đề', n_contents: '{0} nội dung',
    n_acts: '{0} hoạt động', no_acts: 'Không có hoạt động nào bạn được xem.',
    current: 'đang diễn ra', expand_all: 'Mở tất cả', collapse_all: 'Thu gọn',
    show_on_tl: 'Xem trên biểu đồ', unscheduled: 'không định giờ',
    planned_at: 'Kế hoạch', actual_at: 'Thực tế', released_short: 'phát {0}',
    // timeline
    timeline: 'Tiến trình các hoạt động', whole: 'Toàn bộ', ph_short: 'GĐ {0}',
    go_now: 'Giờ hiện tại', zoom_in: 'Phóng to', zoom_out: 'Thu nhỏ',
    tl_help: 'Kéo để di chuyển; Ctrl + cuộn chuột để phóng to, thu nhỏ; bấm vào một hoạt động để xem chi tiết.',
    tl_label: 'Biểu đồ tiến trình các hoạt động theo giờ diễn tập',
    lg_plan: 'Kế hoạch', lg_actual: 'Thực tế', lg_inj: 'Tình huống chưa phát',
    lg_inj_done: 'Tình huống đã phát', lg_now: 'Giờ diễn tập hiện tại',
    lg_phase: 'Giai đoạn', day: 'Ngày',
    unsched_note: '{0} tình huống phát theo điều kiện hoặc do Ban Đạo diễn phát trực tiếp, chưa có giờ kế hoạch: chỉ hiện trên biểu đồ khi đã phát.',
    no_activities: 'Chưa có hoạt động nào để hiển thị.',
    close: 'Đóng', kind: 'Loại', place: 'Địa điểm', track: 'Hướng', where: 'Thuộc',
    // activity kinds and statuses
    'k-conference': 'Hội nghị', 'k-situation': 'Tình huống', 'k-live': 'Thực binh',
    'k-mobilisation': 'Huy động, động viên', 'k-movement': 'Di chuyển, cơ động',
    's-pending': 'Chưa diễn ra', 's-held': 'Tạm giữ', 's-released': 'Đã phát',
    's-cancelled': 'Đã hủy', 's-started': 'Đang diễn ra', 's-ended': 'Đã kết thúc',
    // frame and roles
    frame: 'Khung diễn tập', roles: 'Vai tập: ai đảm nhiệm vai nào',
    role: 'Vai tập', body: 'Cơ quan, tổ chức', person: 'Người đảm nhiệm', title: 'Chức vụ',
    mine: 'Vai của tôi', mine_only: 'Chỉ vai của tôi', filter: 'Tìm vai, cơ quan, người',
    n_roles: '{0} vai', n_roles_of: '{0}/{1} vai', no_match: 'Không có vai nào khớp.',
    // body kinds
    'b-locality': 'Địa phương', 'b-party-committee': 'Cấp ủy', 'b-peoples-council': 'HĐND',
    'b-peoples-committee': 'UBND', 'b-military-command': 'Cơ quan quân sự',
    'b-police': 'Công an', 'b-border-guard': 'Biên phòng', 'b-department': 'Sở, ngành, phòng, ban',
    'b-mass-organisation': 'Đoàn thể', 'b-enterprise': 'Doanh nghiệp', 'b-commune': 'Xã, phường',
    'b-area-defense-command': 'Ban Chỉ huy PTKV', 'b-militia': 'Dân quân tự vệ',
    'b-directing-staff': 'Ban Đạo diễn', 'b-unit': 'Đơn vị, lực lượng',
    // documents
    documents: 'Văn kiện', doc_title: 'Tên văn kiện', doc_type: 'Loại', owner: 'Cơ quan chủ trì',
    due: 'Hạn hoàn thành', doc_status: 'Trạng thái', mark: 'Độ mật', issued_at: 'ban hành {0}',
    no_docs: 'Không có văn kiện nào bạn được xem.', doc_counts: '{0} văn kiện: ',
    'd-directive': 'Chỉ thị', 'd-decision': 'Quyết định', 'd-resolution': 'Nghị quyết',
    'd-intent': 'Ý định', 'd-plan': 'Kế hoạch', 'd-script': 'Kịch bản',
    'd-inject-schedule': 'Lịch phát tình huống', 'd-control-plan': 'Kế hoạch điều hành',
    'd-rules': 'Quy tắc', 'd-report': 'Báo cáo', 'd-combat-decision': 'Quyết tâm tác chiến',
    'd-support-plan': 'Kế hoạch bảo đảm', 'd-a2-plan': 'Phương án A2',
    'd-transition-order': 'Mệnh lệnh chuyển trạng thái', 'd-march-order': 'Mệnh lệnh hành quân',
    'd-combat-order': 'Mệnh lệnh chiến đấu', 'd-order': 'Mệnh lệnh',
    'd-summary-report': 'Báo cáo tổng kết', 'd-lessons': 'Rút kinh nghiệm',
    'd-notice': 'Thông báo', 'd-other': 'Khác',
  },
  en: {
    heading: 'Exercise overview',
    kind_label: 'Kind', format: 'Format', locality: 'Locality',
    classification: 'Classification', status: 'Status', span: 'Exercise period',
    n_date: 'Day N', my_task: 'My assignment', scale: 'Size',
    days: '{0} days', hours: '{0} h', minutes: '{0} min', now_in: 'Now in', unclassified: 'Unclassified',
    counts: '{0} phases · {1} problems · {2} contents · {3} activities · {4} documents',
    'x-province': 'Province defense-zone exercise', 'x-district': 'District defense-zone exercise',
    'x-commune': 'Commune defensive combat exercise',
    'x-area-defense': 'Area-defense exercise (area defense command)',
    'x-support': "Department's support exercise", 'x-rehearsal': 'Rehearsal',
    'x-training': 'Training',
    structure: 'Exercise structure', phase: 'Phase {0}', problem: 'Problem {0}',
    content: 'Content {0}', n_problems: '{0} problems', n_contents: '{0} contents',
    n_acts: '{0} activities', no_acts: 'No activity you may see.',
    current: 'under way', expand_all: 'Expand all', collapse_all: 'Collapse',
    show_on_tl: 'Show on timeline', unscheduled: 'not scheduled',
    planned_at: 'Planned', actual_at: 'Actual', released_short: 'released {0}',
    timeline: 'Timeline of activities', whole: 'Whole', ph_short: 'Ph. {0}',
    go_now: 'Now', zoom_in: 'Zoom in', zoom_out: 'Zoom out',
    tl_help: 'Drag to pan; Ctrl + mouse wheel to zoom; click an activity for details.',
    tl_label: 'Timeline of activities in exercise time',
    lg_plan: 'Planned', lg_actual: 'Actual', lg_inj: 'Inject not yet released',
    lg_inj_done: 'Inject released', lg_now: 'Current exercise time',
    lg_phase: 'Phase', day: 'Day',
    unsched_note: '{0} injects released on a condition or by hand have no planned time: they appear on the timeline once released.',
    no_activities: 'No activity to show yet.',
    close: 'Close', kind: 'Kind', place: 'Place', track: 'Track', where: 'Part of',
    'k-conference': 'Conference', 'k-situation': 'Inject', 'k-live': 'Live practice',
    'k-mobilisation': 'Mobilisation', 'k-movement': 'Movement',
    's-pending': 'Pending', 's-held': 'Held', 's-released': 'Released',
    's-cancelled': 'Cancelled', 's-started': 'Under way', 's-ended': 'Ended',
    frame: 'Exercise frame', roles: 'Roles: who plays whom',
    role: 'Role', body: 'Body', person: 'Played by', title: 'Title',
    mine: 'My role', mine_only: 'My roles only', filter: 'Find role, body, person',
    n_roles: '{0} roles', n_roles_of: '{0}/{1} roles', no_match: 'No role matches.',
    'b-locality': 'Locality', 'b-party-committee': 'Party committee',
    'b-peoples-council': "People's Council", 'b-peoples-committee': "People's Committee",
    'b-military-command': 'Military command', 'b-police': 'Police', 'b-border-guard': 'Border guard',
    'b-department': 'Department', 'b-mass-organisation': 'Mass organisation',
    'b-enterprise': 'Enterprise', 'b-commune': 'Commune',
    'b-area-defense-command': 'Area defense command', 'b-militia': 'Militia',
    'b-directing-staff': 'Directing staff', 'b-unit': 'Unit',
    documents: 'Documents', doc_title: 'Title', doc_type: 'Type', owner: 'Owner',
    due: 'Due', doc_status: 'Status', mark: 'Mark', issued_at: 'issued {0}',
    no_docs: 'No document you may see.', doc_counts: '{0} documents: ',
    'd-directive': 'Directive', 'd-decision': 'Decision', 'd-resolution': 'Resolution',
    'd-intent': 'Intent', 'd-plan': 'Plan', 'd-script': 'Script',
    'd-inject-schedule': 'Inject schedule', 'd-control-plan': 'Control plan',
    'd-rules': 'Rules', 'd-report': 'Report', 'd-combat-decision': 'Defensive-combat decision',
    'd-support-plan': 'Support plan', 'd-a2-plan': 'A2 plan',
    'd-transition-order': 'Transition order', 'd-march-order': 'March order',
    'd-combat-order': 'Combat order', 'd-order': 'Order',
    'd-summary-report': 'Summary report', 'd-lessons': 'Lessons learnt',
    'd-notice': 'Notice', 'd-other': 'Other',
  },
};

const s = (key, ...args) => tr(T, key, ...args);
const DAY = 86400000;
const KINDS = ['conference', 'situation', 'live', 'mobilisation', 'movement'];
const DOC_STATUSES = ['draft', 'appraised', 'approved', 'issued'];
const pad = (n) => String(n).padStart(2, '0');
const label = (prefix, id) => (id ? (T.vi[prefix + id] ? s(prefix + id) : id) : '—');
const esc = (str) => String(str ?? '').replace(/[&<>"']/g,
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const short = (str, n) => (str.length > n ? str.slice(0, n - 1).trimEnd() + '…' : str);

export function dayName(day) { return day === 0 ? 'N' : day > 0 ? `N+${day}` : `N${day}`; }

// Exercise time ↔ calendar: t = 0 is 00:00 of n_date in the exercise's zone.
export function timeMap(ex) {
  const nd = /^\d{4}-\d{2}-\d{2}$/.test(ex.n_date || '') ? ex.n_date : null;
  const day0 = Date.parse((nd || '2000-01-01') + 'T00:00:00Z');
  const base = day0 - (ex.tz_offset_min || 0) * 60000;
  const realDate = (day) => {
    if (!nd) return '';
    const d = new Date(day0 + day * DAY);
    return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
  };
  return { base, realDate, toDate: (ms) => new Date(base + ms), fromDate: (d) => +d - base };
}

// "N+1 07:30" without seconds (the clock bar's label).
function fmtExMin(ms) { return fmtEx(Math.floor(ms / 60000) * 60000); }

function fmtSpan(a, b) {
  if (a == null) return '—';
  if (b == null || b === a) return fmtEx(a);
  const da = Math.floor(a / DAY), db = Math.floor(b / DAY);
  return da === db ? `${fmtEx(a)}–${fmtEx(b).split(' ')[1]}` : `${fmtEx(a)} – ${fmtEx(b)}`;
}

function ActStatus({ status }) {
  return html`<span class=${'pill pill-' + status}>${label('s-', status)}</span>`;
}

// ---------------------------------------------------------------- header

function Header({ ex, kind, roles, counts, nowT }) {
  const map = timeMap(ex);
  const nm = names(ex);
  const end = ex.start != null && ex.duration != null ? ex.start + ex.duration : null;
  let length = null;
  if (ex.duration >= DAY) {
    length = s('days', String(Math.round(ex.duration / DAY * 10) / 10).replace('.', ','));
  } else if (ex.duration > 0) {
    const h = Math.floor(ex.duration / 3600000), m = Math.round((ex.duration % 3600000) / 60000);
    length = s('hours', h) + (m ? ' ' + s('minutes', m) : '');
  }
  const started = ex.clock && ex.clock.started && !ex.clock.ended;
  const curPhase = started ? (ex.phases || []).findIndex((p) => nowT >= p.start && nowT < p.end) : -1;
  return html`<section class="ov-head panel" aria-labelledby="ov-h1" data-testid="overview-header">
    <div class="ov-head-top">
      <div class="ov-title">
        <div class="ov-kicker">${s('heading')} · <span class="code">${ex.code}</span></div>
        <h1 id="ov-h1">${ex.name}</h1>
      </div>
      <div class="ov-badges">
        <${Pill} status=${ex.status} />
        ${ex.classification && ex.classification !== 'none' ? html`<${Mark} c=${ex.classification} />` : null}
      </div>
    </div>
    ${curPhase >= 0 ? html`<p class="ov-now" data-testid="current-phase">
      <strong>${s('now_in')}:</strong> ${s('phase', curPhase + 1)} — ${ex.phases[curPhase].title}</p>` : null}
    <dl class="ov-facts">
      <div><dt>${s('kind_label')}</dt><dd>${label('x-', ex.kind)}</dd></div>
      <div><dt>${s('format')}</dt><dd>${ex.format || '—'}</dd></div>
      <div><dt>${s('locality')}</dt><dd>${ex.locality || '—'}</dd></div>
      <div><dt>${s('classification')}</dt><dd>${ex.classification && ex.classification !== 'none'
        ? html`<${Mark} c=${ex.classification} />` : s('unclassified')}</dd></div>
      <div><dt>${s('span')}</dt><dd><span class="time">${fmtEx(ex.start)} → ${fmtEx(end)}</span>
        ${length ? html` <span class="muted">(${length})</span>` : null}</dd></div>
      ${ex.n_date ? html`<div><dt>${s('n_date')}</dt><dd class="time">${map.realDate(0)}</dd></div>` : null}
      <div><dt>${s('my_task')}</dt><dd data-testid="my-task">${kind ? t(kind) : '—'}${
        roles && roles.length ? ': ' + roles.map((r) => nm[r] || r).join('; ') : ''}</dd></div>
      <div class="wide"><dt>${s('scale')}</dt><dd>${s('counts', ...counts)}</dd></div>
    </dl>
  </section>`;
}

// ---------------------------------------------------------------- timeline

function tooltipOf(a, nm) {
  const lines = [`<b>${esc(a.title)}</b>`,
    `${esc(label('k-', a.kind))} · ${esc(label('s-', a.status))}`];
  if (a.start != null) lines.push(`${esc(s('planned_at'))}: ${esc(fmtSpan(a.start, a.end))}`);
  if (a.actual_start != null) {
    lines.push(`${esc(s('actual_at'))}: ${esc(fmtSpan(a.actual_start, a.actual_end))}`);
  }
  if (a.place) lines.push(`${esc(s('place'))}: ${esc(nm[a.place] || a.place)}`);
  return lines.join('<br>');
}

function buildItems(ex, acts, map, nowT) {
  const nm = names(ex);
  const items = [];
  (ex.phases || []).forEach((ph, i) => {
    if (ph.start == null || ph.end == null) return;
    const tip = esc(`${s('phase', i + 1)}: ${ph.title} (${fmtSpan(ph.start, ph.end)})`);
    items.push({ id: 'ph:' + ph.id, type: 'background', start: map.toDate(ph.start),
      end: map.toDate(ph.end), content: '', className: 'ov-phase ov-phase-' + (i % 2) });
    items.push({ id: 'pl:' + ph.id, group: '_phase', type: 'background', start: map.toDate(ph.start),
      end: map.toDate(ph.end), title: tip,
      content: `<span title="${tip}"><b>${esc(s('phase', i + 1))}</b> · ${esc(ph.title)}</span>`,
      className: 'ov-phase-label ov-phase-' + (i % 2) });
  });
  for (const a of acts) {
    const tip = tooltipOf(a, nm);
    const ps = a.start;
    const pe = a.end != null && ps != null && a.end > ps ? a.end : null;
    const as = a.actual_start;
    let ae = a.actual_end;
    if (ae == null && as != null && a.status === 'started' && nowT != null) ae = Math.max(nowT, as);
    if (ae != null && as != null && ae <= as) ae = null;
    const cls = `ov-act k-${a.kind} st-${a.status}`;
    if (a.kind !== 'situation' && (pe != null || ae != null)) {
      // One bar per activity: the plan on top, what happened below it.
      const lo = Math.min(...[ps, as].filter((v) => v != null));
      const hi = Math.max(...[pe, ae, ps, as].filter((v) => v != null));
      items.push({ id: 'x:' + a.id, group: a.kind, type: 'range',
        start: map.toDate(lo), end: map.toDate(hi), content: esc(a.title), title: tip,
        className: `${cls}${as != null ? ' has-actual' : ''}${pe == null ? ' no-plan' : ''}`,
        bars: { lo, hi, plan: pe != null ? [ps, pe] : null,
                actual: as != null ? [as, ae ?? as] : null } });
    } else {
      // Injects (and activities without a duration): one mark, hollow until
      // released, at the planned time, else at the release.
      const at = ps ?? as;
      if (at == null) continue;
      const off = ps != null && as != null && Math.abs(as - ps) >= 60000;
      const text = short(a.title, 44) + (off ? ` (${s('released_short', fmtExMin(as))})` : '');
      items.push({ id: 'x:' + a.id, group: a.kind, type: 'point', start: map.toDate(at),
        content: esc(text), title: tip,
        className: `${cls}${as != null ? ' done' : ''}${ps == null ? ' no-plan' : ''}` });
    }
  }
  return items;
}

// The two bars inside an activity's item, placed in % of the item's span.
function barsOf(item) {
  const b = item && item.bars;
  if (!b) return '';
  const span = Math.max(1, b.hi - b.lo);
  const box = document.createElement('div');
  box.className = 'ov-bars';
  for (const [cls, r] of [['pl', b.plan], ['ac', b.actual]]) {
    if (!r) continue;
    const e = document.createElement('div');
    e.className = 'ov-bar ' + cls;
    e.style.left = `${((r[0] - b.lo) / span) * 100}%`;
    e.style.width = `max(4px, ${((r[1] - r[0]) / span) * 100}%)`;
    box.appendChild(e);
  }
  return box;
}

function syncDataSet(ds, list) {
  const keep = new Set(list.map((i) => i.id));
  const gone = ds.getIds().filter((id) => !keep.has(id));
  if (gone.length) ds.remove(gone);
  ds.update(list);
}

function TimelinePanel({ ex, acts, receivedAt, apiRef, onSelect }) {
  const lang = useLang();
  const el = useRef(null);
  const tl = useRef(null);
  const ds = useRef(null);
  const map = useMemo(() => timeMap(ex), [ex.n_date, ex.tz_offset_min]);
  const clock = ex.clock || {};
  const running = clock.started && clock.running && !clock.ended;
  const tick = useNow(running ? 1000 : 60000);
  const nowT = clock.started ? exerciseNow(clock, receivedAt) : null;

  // The exercise's range, with the activities that fall outside it.
  const range = useMemo(() => {
    let a = ex.start ?? 0, b = (ex.start ?? 0) + (ex.duration || DAY);
    for (const x of acts || []) {
      for (const v of [x.start, x.end, x.actual_start, x.actual_end]) {
        if (v == null) continue;
        a = Math.min(a, v); b = Math.max(b, v);
      }
    }
    return [a, b];
  }, [ex.start, ex.duration, acts]);

  const fitWhole = (anim = true) => {
    if (!tl.current) return;
    const padMs = Math.max(30 * 60000, (range[1] - range[0]) * 0.02);
    tl.current.setWindow(map.toDate(range[0] - padMs), map.toDate(range[1] + padMs),
                         { animation: anim });
  };

  const zoomTo = (ph, anim = true) => {
    const padMs = Math.max(20 * 60000, (ph.end - ph.start) * 0.03);
    if (tl.current) {
      tl.current.setWindow(map.toDate(ph.start - padMs), map.toDate(ph.end + padMs),
                           { animation: anim });
    }
  };

  // Groups and items: when the activities, the language or the clock move.
  const fill = (d) => {
    const present = new Set(acts.map((a) => a.kind));
    const kinds = KINDS.filter((k) => present.has(k))
      .concat([...present].filter((k) => !KINDS.includes(k)));
    syncDataSet(d.groups, [{ id: '_phase', order: -1, content: esc(s('lg_phase')),
      className: 'g-phase' }].concat(kinds.map((k, i) => ({
      id: k, order: i, content: esc(label('k-', k)), className: 'g-' + k,
    }))));
    syncDataSet(d.items, buildItems(ex, acts, map, nowT));
  };
  // Create the chart once per exercise.
  useEffect(() => {
    const items = new DataSet();
    const groups = new DataSet();
    ds.current = { items, groups };
    fill(ds.current);   // before the chart: an empty first drawing upsets its scale
    const off = ex.tz_offset_min || 0;
    const fmtMinor = (m, scale) => {
      const v = m.valueOf() - map.base;
      const day = Math.floor(v / DAY);
      const r = v - day * DAY;
      const hh = pad(Math.floor(r / 3600000)), mm = pad(Math.floor((r % 3600000) / 60000));
      const ss = pad(Math.floor((r % 60000) / 1000));
      if (scale === 'millisecond' || scale === 'second') return `${hh}:${mm}:${ss}`;
      if (scale === 'minute' || scale === 'hour') return `${hh}:${mm}`;
      return dayName(day);
    };
    const fmtMajor = (m, scale) => {
      const v = m.valueOf() - map.base;
      const day = Math.floor(v / DAY);
      const date = map.realDate(day);
      if (['millisecond', 'second', 'minute', 'hour'].includes(scale)) {
        return `${s('day')} ${dayName(day)}${date ? ' · ' + date : ''}`;
      }
      return '';
    };
    const span = range[1] - range[0];
    const padMs = Math.max(30 * 60000, span * 0.02);
    // First view: the phase under way, else the whole exercise.
    const cur = nowT == null || clock.ended ? null
      : (ex.phases || []).find((p) => nowT >= p.start && nowT < p.end);
    const curPad = cur ? Math.max(20 * 60000, (cur.end - cur.start) * 0.03) : 0;
    const w0 = cur ? [cur.start - curPad, cur.end + curPad] : [range[0] - padMs, range[1] + padMs];
    const timeline = new Timeline(el.current, items, groups, {
      moment: (d) => moment(d).utcOffset(off),
      format: { minorLabels: fmtMinor, majorLabels: fmtMajor },
      locale: 'en',
      orientation: { axis: 'top', item: 'top' },
      stack: true,
      showCurrentTime: false,
      selectable: true, multiselect: false, editable: false,
      zoomKey: 'ctrlKey',
      zoomMin: 10 * 60000,
      zoomMax: Math.max(span * 1.6, 6 * 3600000),
      start: map.toDate(w0[0]), end: map.toDate(w0[1]),
      min: map.toDate(range[0] - DAY / 2), max: map.toDate(range[1] + DAY / 2),
      maxHeight: 520, verticalScroll: true,
      groupOrder: 'order',
      visibleFrameTemplate: barsOf,
      margin: { item: { horizontal: 6, vertical: 5 }, axis: 6 },
      tooltip: { followMouse: true, overflowMethod: 'cap', delay: 150 },
      xss: { disabled: false },
    });
    tl.current = timeline;
    timeline.on('select', (p) => {
      const id = p.items && p.items[0];
      onSelect(id && id.startsWith('x:') ? id.slice(2) : null);
    });
    apiRef.current = {
      focus(id) {
        const it = items.get('x:' + id);
        if (!it) return;
        timeline.setSelection(['x:' + id]);
        const a = +it.start, b = it.end ? +it.end : a;
        const half = Math.max(2 * 3600000, (b - a) * 1.5);
        timeline.setWindow(new Date((a + b) / 2 - half), new Date((a + b) / 2 + half),
                           { animation: true });
        onSelect(id);
      },
      select(id) {
        timeline.setSelection(id && items.get('x:' + id) ? ['x:' + id] : []);
      },
    };
    return () => { timeline.destroy(); tl.current = null; apiRef.current = null; };
  }, [ex.id]);

  useEffect(() => {
    if (ds.current && acts) fill(ds.current);
  }, [acts, lang, ex, running ? Math.floor(tick / 5000) : 0]);

  // The exercise clock as a bar.
  useEffect(() => {
    const timeline = tl.current;
    if (!timeline) return;
    const has = timeline.customTimes.some((c) => c.options.id === 'ov-clock');
    if (nowT == null) {
      if (has) timeline.removeCustomTime('ov-clock');
      return;
    }
    const d = map.toDate(nowT);
    if (!has) timeline.addCustomTime(d, 'ov-clock');
    else timeline.setCustomTime(d, 'ov-clock');
    const text = fmtExMin(nowT);
    const bar = timeline.customTimes.find((c) => c.options.id === 'ov-clock');
    if (bar && bar.ovText !== text) {
      timeline.setCustomTimeMarker(esc(text), 'ov-clock', false);
      timeline.setCustomTimeTitle(`${t('exercise_time')}: ${text}`, 'ov-clock');
      bar.ovText = text;
    }
  }, [nowT == null ? null : Math.floor(nowT / 60000), lang]);

  const phases = ex.phases || [];
  const unsched = (acts || []).filter((a) => a.start == null && a.actual_start == null).length;
  const zoom = (f) => tl.current && (f > 0 ? tl.current.zoomIn(f) : tl.current.zoomOut(-f));
  const toNow = () => tl.current && nowT != null && tl.current.moveTo(map.toDate(nowT));

  const actions = html`
    <div class="ov-tl-tools" role="group" aria-label=${s('timeline')}>
      <button type="button" onClick=${() => fitWhole()}>${s('whole')}</button>
      ${phases.map((ph, i) => html`<button type="button" key=${ph.id}
        title=${ph.title} onClick=${() => zoomTo(ph)}>${s('ph_short', i + 1)}</button>`)}
      <button type="button" disabled=${nowT == null} onClick=${toNow}
        data-testid="timeline-now">${s('go_now')}</button>
      <button type="button" onClick=${() => zoom(0.5)} aria-label=${s('zoom_in')} title=${s('zoom_in')}>+</button>
      <button type="button" onClick=${() => zoom(-0.5)} aria-label=${s('zoom_out')} title=${s('zoom_out')}>−</button>
    </div>`;

  return html`<${Panel} title=${s('timeline')} actions=${actions} class="ov-timeline no-print" id="ov-timeline">
    <div class="ov-tl" ref=${el} data-testid="timeline" role="region" aria-label=${s('tl_label')}></div>
    ${acts && !acts.length ? html`<p class="muted">${s('no_activities')}</p>` : null}
    <div class="ov-legend">
      <span class="lg"><span class="sw sw-plan"></span>${s('lg_plan')}</span>
      <span class="lg"><span class="sw sw-actual"></span>${s('lg_actual')}</span>
      <span class="lg"><span class="sw sw-dot"></span>${s('lg_inj')}</span>
      <span class="lg"><span class="sw sw-dot done"></span>${s('lg_inj_done')}</span>
      <span class="lg"><span class="sw sw-now"></span>${s('lg_now')}</span>
      <span class="lg"><span class="sw sw-phase"></span>${s('lg_phase')}</span>
      <span class="sep" aria-hidden="true"></span>
      ${KINDS.map((k) => html`<span class="lg" key=${k}><span class=${'sw sw-kind k-' + k}></span>${label('k-', k)}</span>`)}
    </div>
    <p class="muted small">${s('tl_help')}${unsched ? ' ' + s('unsched_note', unsched) : ''}</p>
  <//>`;
}

function ActivityDetail({ ex, act, onClose }) {
  if (!act) return null;
  const nm = names(ex);
  return html`<div class="ov-sel" role="region" aria-live="polite" aria-label=${act.title}
      data-testid="activity-detail">
    <div class="ov-sel-head">
      <span class=${'sw sw-kind k-' + act.kind}></span>
      <strong>${act.title}</strong>
      <${ActStatus} status=${act.status} />
      <button type="button" class="ov-close" onClick=${onClose} aria-label=${s('close')}>×</button>
    </div>
    <dl class="ov-sel-facts">
      <div><dt>${s('kind')}</dt><dd>${label('k-', act.kind)}${act.track ? ` (${s('track')} ${act.track})` : ''}</dd></div>
      <div><dt>${s('planned_at')}</dt><dd class="time">${act.start == null ? s('unscheduled') : fmtSpan(act.start, act.end)}</dd></div>
      <div><dt>${s('actual_at')}</dt><dd class="time">${fmtSpan(act.actual_start, act.actual_end)}</dd></div>
      ${act.place ? html`<div><dt>${s('place')}</dt><dd>${nm[act.place] || act.place}</dd></div>` : null}
      <div class="wide"><dt>${s('where')}</dt><dd>${[act.phase, act.problem, act.content]
        .map((id) => nm[id] || id).join(' › ')}</dd></div>
    </dl>
  </div>`;
}

// ---------------------------------------------------------------- structure

function StructurePanel({ ex, acts, nowT, onShow }) {
  const [openAll, setOpenAll] = useState(null);   // null: default; true/false: forced
  const [gen, setGen] = useState(0);
  const byContent = useMemo(() => {
    const m = {};
    for (const a of acts || []) (m[a.content] = m[a.content] || []).push(a);
    for (const k in m) m[k].sort((x, y) => (x.start ?? x.actual_start ?? 1e15) - (y.start ?? y.actual_start ?? 1e15));
    return m;
  }, [acts]);
  const spanOf = (list) => {
    let a = null, b = null;
    for (const x of list) {
      if (x.start == null) continue;
      a = a == null ? x.start : Math.min(a, x.start);
      b = b == null ? (x.end ?? x.start) : Math.max(b, x.end ?? x.start);
    }
    return a == null ? null : fmtSpan(a, b);
  };
  const force = (v) => { setOpenAll(v); setGen((g) => g + 1); };
  const open = (dflt) => (openAll === null ? dflt : openAll);
  let pn = 0, cn = 0;
  const actions = html`<button type="button" onClick=${() => force(true)}>${s('expand_all')}</button>
    <button type="button" onClick=${() => force(false)}>${s('collapse_all')}</button>`;
  return html`<${Panel} title=${s('structure')} actions=${actions} class="ov-structure">
    <div class="ov-tree" data-testid="structure-tree" key=${gen}>
      ${(ex.phases || []).map((ph, i) => {
        const cur = nowT != null && ex.clock && ex.clock.started && !ex.clock.ended &&
          nowT >= ph.start && nowT < ph.end;
        return html`<details class=${'ov-ph' + (cur ? ' current' : '')} open=${open(true)} key=${ph.id}
            data-phase=${ph.id}>
          <summary>
            <span class="ov-num">${s('phase', i + 1)}</span>
            <span class="ov-name">${ph.title}</span>
            <span class="ov-meta"><span class="time">${fmtSpan(ph.start, ph.end)}</span>
              ${cur ? html` <span class="pill pill-running">${s('current')}</span>` : null}</span>
          </summary>
          <ol class="ov-problems">
            ${ph.problems.map((pr) => {
              pn += 1;
              const prActs = pr.contents.flatMap((c) => byContent[c.id] || []);
              const prSpan = spanOf(prActs);
              return html`<li key=${pr.id}><details open=${open(true)}>
                <summary>
                  <span class="ov-num">${s('problem', pn)}</span>
                  <span class="ov-name">${pr.title}</span>
                  <span class="ov-meta">${prSpan ? html`<span class="time">${prSpan}</span> · ` : null}${
                    s('n_contents', pr.contents.length)}</span>
                </summary>
                <ol class="ov-contents">
                  ${pr.contents.map((c) => {
                    cn += 1;
                    const list = byContent[c.id] || [];
                    return html`<li key=${c.id}><details open=${open(false)}>
                      <summary>
                        <span class="ov-num">${s('content', cn)}</span>
                        <span class="ov-name">${c.title}</span>
                        <span class="ov-meta">${s('n_acts', list.length)}</span>
                      </summary>
                      ${list.length ? html`<ul class="ov-acts">
                        ${list.map((a) => html`<li key=${a.id} class=${'st-' + a.status}>
                          <span class="time">${a.start != null ? fmtSpan(a.start, a.end)
                            : html`<span class="muted">${s('unscheduled')}</span>`}</span>
                          <span class=${'ov-kind k-' + a.kind}>${label('k-', a.kind)}</span>
                          <span class="ov-act-title">${a.title}</span>
                          <${ActStatus} status=${a.status} />
                          ${a.start != null || a.actual_start != null ? html`<button type="button"
                            class="link ov-show" onClick=${() => onShow(a.id)}>${s('show_on_tl')}</button>` : null}
                        </li>`)}
                      </ul>` : html`<p class="muted small ov-none">${s('no_acts')}</p>`}
                    </details></li>`;
                  })}
                </ol>
              </details></li>`;
            })}
          </ol>
        </details>`;
      })}
    </div>
  <//>`;
}

// ---------------------------------------------------------------- frame

function FramePanel({ ex, myBodies }) {
  const bodies = ex.bodies || [];
  const roleCount = useMemo(() => {
    const m = {};
    for (const r of ex.roles || []) m[r.body] = (m[r.body] || 0) + 1;
    return m;
  }, [ex.roles]);
  const kids = useMemo(() => {
    const ids = new Set(bodies.map((b) => b.id));
    const m = { '': [] };
    for (const b of bodies) {
      const p = b.parent && ids.has(b.parent) ? b.parent : '';
      (m[p] = m[p] || []).push(b);
    }
    return m;
  }, [bodies]);
  const node = (b, depth) => {
    const ch = kids[b.id] || [];
    const head = html`<span class="ov-body-name">${b.name}</span>
      <span class=${'ov-bkind bk-' + b.kind}>${label('b-', b.kind)}</span>
      ${roleCount[b.id] ? html`<span class="ov-meta">${s('n_roles', roleCount[b.id])}</span>` : null}
      ${myBodies.has(b.id) ? html`<span class="ov-mine">${s('mine')}</span>` : null}`;
    return html`<li key=${b.id} class=${myBodies.has(b.id) ? 'mine' : ''}>${ch.length
      ? html`<details open=${depth < 2}><summary>${head}</summary>
          <ul>${ch.map((c) => node(c, depth + 1))}</ul></details>`
      : html`<div class="ov-leaf">${head}</div>`}</li>`;
  };
  return html`<${Panel} title=${s('frame')} class="ov-frame">
    <ul class="ov-bodies" data-testid="frame-tree">${kids[''].map((b) => node(b, 0))}</ul>
  <//>`;
}

function RolesPanel({ ex, kind, roles }) {
  const [q, setQ] = useState('');
  const [mineOnly, setMineOnly] = useState(false);
  const nm = names(ex);
  const mine = new Set(kind === 'player' ? roles || [] : []);
  const all = ex.roles || [];
  const norm = (x) => String(x || '').normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
  const nq = norm(q.trim());
  const shown = all.filter((r) => (!mineOnly || mine.has(r.id)) && (!nq ||
    norm([r.name, nm[r.body], r.person, r.title, r.id].join(' ')).includes(nq)));
  const actions = html`
    <label class="ov-inline no-print"><span class="sr-only">${s('filter')}</span>
      <input type="search" placeholder=${s('filter')} value=${q}
        onInput=${(e) => setQ(e.target.value)} data-testid="roles-filter" /></label>
    ${mine.size ? html`<label class="ov-check no-print"><input type="checkbox" checked=${mineOnly}
      onChange=${(e) => setMineOnly(e.target.checked)} /> ${s('mine_only')}</label>` : null}
    <span class="muted small">${shown.length === all.length ? s('n_roles', all.length)
      : s('n_roles_of', shown.length, all.length)}</span>`;
  return html`<${Panel} title=${s('roles')} actions=${actions} class="ov-roles">
    <div class="ov-scroll">
    <table data-testid="roles-table">
      <thead><tr><th scope="col">${s('role')}</th><th scope="col">${s('body')}</th>
        <th scope="col">${s('person')}</th><th scope="col">${s('title')}</th></tr></thead>
      <tbody>
        ${shown.map((r) => html`<tr key=${r.id} class=${mine.has(r.id) ? 'mine' : ''}
            data-role=${r.id} data-mine=${mine.has(r.id) ? 'true' : null}>
          <td><span class="ov-role">${r.name}</span>${mine.has(r.id)
            ? html` <span class="ov-mine">${s('mine')}</span>` : null}</td>
          <td>${nm[r.body] || r.body || '—'}</td>
          <td class="ov-person">${r.person || '—'}</td>
          <td class="muted">${r.title || '—'}</td>
        </tr>`)}
      </tbody>
    </table>
    ${!shown.length ? html`<p class="muted">${s('no_match')}</p>` : null}
    </div>
  <//>`;
}

// ---------------------------------------------------------------- documents

function DocumentsPanel({ ex, docs, error }) {
  const nm = names(ex);
  const list = useMemo(() => (docs || []).slice().sort((a, b) =>
    (a.due ?? 1e15) - (b.due ?? 1e15) || a.title.localeCompare(b.title, 'vi')), [docs]);
  const byStatus = {};
  for (const d of list) byStatus[d.status] = (byStatus[d.status] || 0) + 1;
  const summary = docs ? html`<span class="muted small" data-testid="documents-summary">${
    s('doc_counts', list.length)}${DOC_STATUSES.filter((k) => byStatus[k])
      .map((k) => `${byStatus[k]} ${t(k).toLowerCase()}`).join(', ')}</span>` : null;
  return html`<${Panel} title=${s('documents')} actions=${summary} class="ov-docs">
    <${ErrorBox} error=${error} />
    ${!docs && !error ? html`<${Loading} />` : null}
    ${docs ? html`<div class="ov-scroll"><table data-testid="documents-table">
      <thead><tr><th scope="col">${s('doc_title')}</th><th scope="col">${s('doc_type')}</th>
        <th scope="col">${s('owner')}</th><th scope="col">${s('due')}</th>
        <th scope="col">${s('doc_status')}</th><th scope="col">${s('mark')}</th></tr></thead>
      <tbody>
        ${list.map((d) => html`<tr key=${d.id} data-doc=${d.id}>
          <td>${d.title}</td>
          <td>${label('d-', d.type)}</td>
          <td>${nm[d.owner] || d.owner || '—'}</td>
          <td class="time">${fmtEx(d.due)}</td>
          <td><${Pill} status=${d.status} />${d.issued_at != null && d.issued_at > (ex.start ?? 0)
            ? html`<div class="muted small time">${s('issued_at', fmtEx(d.issued_at))}</div>` : null}</td>
          <td>${d.classification && d.classification !== 'none'
            ? html`<${Mark} c=${d.classification} />` : html`<span class="muted">—</span>`}</td>
        </tr>`)}
      </tbody>
    </table></div>` : null}
    ${docs && !docs.length ? html`<p class="muted">${s('no_docs')}</p>` : null}
  <//>`;
}

// ---------------------------------------------------------------- screen

// Printing: open every collapsed branch so the lists print whole.
function usePrintOpen(rootRef) {
  useEffect(() => {
    let opened = [];
    const before = () => {
      const root = rootRef.current;
      if (!root) return;
      opened = [...root.querySelectorAll('details:not([open])')];
      opened.forEach((d) => { d.open = true; });
    };
    const after = () => { opened.forEach((d) => { d.open = false; }); opened = []; };
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, []);
}

// One instance per exercise, so nothing of one exercise shows in another.
export function Overview(props) {
  useLang();
  if (!props.ex || props.ex.id !== props.x) return html`<${Loading} />`;
  return html`<${ExerciseOverview} key=${props.x} ...${props} />`;
}

function ExerciseOverview(props) {
  useLang();
  const { x, ex, kind, roles, live, receivedAt } = props;
  const root = useRef(null);
  const tlApi = useRef(null);
  const [sel, setSel] = useState(null);
  usePrintOpen(root);
  const [acts, actsErr] = useLiveData(live, () => get(`/api/exercises/${x}/activities`), [x]);
  const [docs, docsErr] = useLiveData(live, () => get(`/api/exercises/${x}/documents`), [x]);
  const clock = ex.clock || {};
  useNow(clock.started && clock.running && !clock.ended ? 5000 : 60000);
  const nowT = clock.started ? exerciseNow(clock, receivedAt) : null;

  const myBodies = useMemo(() => {
    const set = new Set();
    if (kind !== 'player') return set;
    const mine = new Set(roles || []);
    for (const r of ex.roles || []) if (mine.has(r.id) && r.body) set.add(r.body);
    return set;
  }, [ex, kind, roles]);

  const counts = useMemo(() => {
    const ph = ex.phases || [];
    const pr = ph.flatMap((p) => p.problems || []);
    const ct = pr.flatMap((p) => p.contents || []);
    return [ph.length, pr.length, ct.length, acts ? acts.length : '…', docs ? docs.length : '…'];
  }, [ex, acts, docs]);

  const selAct = sel && acts ? acts.find((a) => a.id === sel) : null;
  const show = (id) => {
    const panel = document.getElementById('ov-timeline');
    if (panel) panel.scrollIntoView({ behavior: 'smooth', block: 'start' });
    if (tlApi.current) tlApi.current.focus(id);
  };
  const closeSel = () => { setSel(null); if (tlApi.current) tlApi.current.select(null); };

  return html`<div class="ov" ref=${root}>
    <${Header} ex=${ex} kind=${kind} roles=${roles} counts=${counts} nowT=${nowT} />
    <${ErrorBox} error=${actsErr} />
    ${acts ? html`<${TimelinePanel} ex=${ex} acts=${acts} receivedAt=${receivedAt}
        apiRef=${tlApi} onSelect=${setSel} />
      <${ActivityDetail} ex=${ex} act=${selAct} onClose=${closeSel} />`
      : !actsErr ? html`<${Loading} />` : null}
    <div class="ov-grid ov-grid-a">
      <${StructurePanel} ex=${ex} acts=${acts} nowT=${nowT} onShow=${show} />
      <${FramePanel} ex=${ex} myBodies=${myBodies} />
    </div>
    <div class="ov-grid ov-grid-b">
      <${RolesPanel} ex=${ex} kind=${kind} roles=${roles} />
      <${DocumentsPanel} ex=${ex} docs=${docs} error=${docsErr} />
    </div>
  </div>`;
}
