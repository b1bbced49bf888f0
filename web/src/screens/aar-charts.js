// The charts of the after-action screen, drawn in the page from the
// measures (src/report/measures.h): what was planned against what
// happened — one row per inject, activity and planned state, the plan as a
// hollow mark or a light bar, what happened as a solid one, late in red —
// on a vis-timeline in exercise time; and the response time of every
// expectation against the time it allowed, as SVG bars.

import { html, useEffect, useMemo, useRef, useState } from '../lib.js';
import { fmtEx, useLang } from '../i18n.js';
import { Panel, shortName } from '../ui.js';
import { EXPECT_KINDS, word } from '../describe.js';
import { Timeline, DataSet, moment } from '../vendor/vis-timeline.mjs';
import { dayName, timeMap } from './overview.js';
import { A, a, fmtMs } from './aar-common.js';

const DAY = 86400000;
const MIN = 60000;
const pad = (n) => String(n).padStart(2, '0');
const isNull = (v) => v === null || v === undefined;
const esc = (s) => String(s ?? '').replace(/[&<>"']/g,
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));

// ---------------------------------------------------------------- planned vs actual

// The rows of the chart: { id, group, label, plan: [a, b] | null,
// actual: [c, d] | null, tone: ok | late | bad | other | none, tip }.
function rowsOf(m) {
  const cut = m.ended ? Infinity : (m.t ?? -Infinity);
  const rows = { inj: [], act: [], st: [] };
  for (const i of m.injects || []) {
    const p = i.planned, r = i.released;
    let tone = 'none';
    if (i.status === 'cancelled') tone = 'other';
    else if (!isNull(r)) tone = isNull(p) ? 'other' : r - p > MIN ? 'late' : 'ok';
    else if (!isNull(p) && p <= cut) tone = 'bad';
    rows.inj.push({ id: 'i:' + i.id, label: `${i.id} · ${i.title}`, tone,
      plan: isNull(p) ? null : [p, p], actual: isNull(r) ? null : [r, r],
      note: i.status === 'cancelled' ? a('cancelled') : isNull(r) ? a('not_released') : '' });
  }
  for (const x of m.activities || []) {
    const ps = x.planned_start, pe = x.planned_end ?? x.planned_start;
    const as = x.started;
    let ae = x.ended;
    if (isNull(ae) && !isNull(as)) ae = isNull(m.t) ? as : Math.max(as, m.t);
    let tone = 'none';
    if (!isNull(as)) tone = isNull(ps) ? 'other' : (x.start_delay_ms || 0) > MIN ? 'late' : 'ok';
    else if (!isNull(ps) && ps <= cut) tone = 'bad';
    rows.act.push({ id: 'a:' + x.id, label: `${x.kind_label || x.kind} · ${x.title}`, tone,
      plan: isNull(ps) ? null : [ps, pe], actual: isNull(as) ? null : [as, ae],
      note: isNull(as) ? a('not_started_a') : '' });
  }
  for (const b of m.bodies || []) {
    for (const s of b.states || []) {
      const tone = { early: 'ok', on_time: 'ok', late: 'late', not_reached: 'bad', unplanned: 'other' }[s.status] || 'none';
      rows.st.push({ id: `s:${b.id}:${s.machine}:${s.state}`, label: `${shortName(b.name, 26)}: ${s.state_name}`, tone,
        plan: isNull(s.planned) ? null : [s.planned, s.planned],
        actual: isNull(s.reached) ? null : [s.reached, s.reached],
        note: A.vi['st_' + s.status] ? a('st_' + s.status) : s.status_label || s.status });
    }
  }
  return rows;
}

function tipOf(r) {
  const span = (v) => (v[0] === v[1] ? fmtEx(v[0]) : `${fmtEx(v[0])} – ${fmtEx(v[1])}`);
  const lines = [`<b>${esc(r.label)}</b>`];
  if (r.plan) lines.push(esc(a('tt_plan', span(r.plan))));
  if (r.actual) lines.push(esc(a('tt_actual', span(r.actual))));
  if (r.plan && r.actual && r.actual[0] !== r.plan[0]) lines.push(esc(a('tt_delay', fmtMs(r.actual[0] - r.plan[0]))));
  if (r.note) lines.push(esc(r.note));
  return lines.join('<br>');
}

// The marks inside a row's item, placed in % of the item's span.
function frameOf(item) {
  const r = item && item.row;
  if (!r) return '';
  const { lo, hi } = item;
  const span = Math.max(1, hi - lo);
  const at = (v) => `${((v - lo) / span) * 100}%`;
  const box = document.createElement('div');
  box.className = 'aar-marks tone-' + r.tone;
  const add = (cls, style) => {
    const e = document.createElement('div');
    e.className = cls;
    Object.assign(e.style, style);
    box.appendChild(e);
  };
  const inst = (v) => v && v[1] - v[0] < MIN;
  if (r.plan && r.actual && inst(r.plan) && inst(r.actual) && Math.abs(r.actual[0] - r.plan[0]) >= MIN) {
    const x1 = Math.min(r.plan[0], r.actual[0]), x2 = Math.max(r.plan[0], r.actual[0]);
    add('cn', { left: at(x1), width: `${((x2 - x1) / span) * 100}%` });
  }
  if (r.plan) {
    if (inst(r.plan)) add('mk pl', { left: at(r.plan[0]) });
    else add('bar pl', { left: at(r.plan[0]), width: `max(4px, ${((r.plan[1] - r.plan[0]) / span) * 100}%)` });
  }
  if (r.actual) {
    if (inst(r.actual)) add('mk ac', { left: at(r.actual[0]) });
    else add('bar ac', { left: at(r.actual[0]), width: `max(4px, ${((r.actual[1] - r.actual[0]) / span) * 100}%)` });
  }
  return box;
}

export function PlanActual({ m, ex }) {
  const lang = useLang();
  const el = useRef(null);
  const tl = useRef(null);
  const ds = useRef(null);
  const map = useMemo(() => timeMap(ex), [ex.n_date, ex.tz_offset_min]);
  const rows = useMemo(() => rowsOf(m), [m, lang]);
  const all = [...rows.inj, ...rows.act, ...rows.st];
  const range = useMemo(() => {
    let lo = ex.start ?? null, hi = ex.start !== null && ex.start !== undefined ? ex.start + (ex.duration || 0) : null;
    for (const r of all) {
      for (const v of [r.plan, r.actual]) {
        if (!v) continue;
        lo = lo === null ? v[0] : Math.min(lo, v[0]);
        hi = hi === null ? v[1] : Math.max(hi, v[1]);
      }
    }
    if (lo === null) return null;
    return [lo, Math.max(hi, lo + 3600000)];
  }, [rows, ex]);

  const fill = () => {
    const d = ds.current;
    if (!d) return;
    const groups = [];
    const items = [];
    const cats = [['inj', 'g_injects'], ['act', 'g_activities'], ['st', 'g_states']];
    cats.forEach(([k, label], ci) => {
      const list = rows[k];
      if (!list.length) return;
      groups.push({ id: 'g:' + k, order: ci * 10000, content: `<b>${esc(a(label))}</b> <span class="n">(${list.length})</span>`,
        nestedGroups: list.map((r) => r.id), showNested: true, className: 'aar-cat' });
      list.forEach((r, i) => {
        groups.push({ id: r.id, order: ci * 10000 + i + 1,
          treeLevel: 1, nestedInGroup: 'g:' + k,
          content: `<span class="aar-gl" title="${esc(r.label)}">${esc(r.label)}</span>`, className: 'aar-rowlabel' });
        const pts = [r.plan, r.actual].filter(Boolean).flat();
        if (!pts.length) return;
        let lo = Math.min(...pts), hi = Math.max(...pts);
        if (hi - lo < MIN) { lo -= MIN / 2; hi += MIN / 2; }
        items.push({ id: 'it:' + r.id, group: r.id, type: 'range', start: map.toDate(lo), end: map.toDate(hi),
          content: '', title: tipOf(r), className: 'aar-row tone-' + r.tone, row: r, lo, hi });
      });
    });
    d.groups.clear();
    d.items.clear();
    d.groups.add(groups);
    d.items.add(items);
  };

  useEffect(() => {
    if (!range || !el.current) return undefined;
    const items = new DataSet();
    const groups = new DataSet();
    ds.current = { items, groups };
    fill();
    const fmtMinor = (mm, scale) => {
      const v = mm.valueOf() - map.base;
      const day = Math.floor(v / DAY);
      const r = v - day * DAY;
      const hh = pad(Math.floor(r / 3600000)), mi = pad(Math.floor((r % 3600000) / 60000));
      if (scale === 'millisecond' || scale === 'second') return `${hh}:${mi}:${pad(Math.floor((r % 60000) / 1000))}`;
      if (scale === 'minute' || scale === 'hour') return `${hh}:${mi}`;
      return dayName(day);
    };
    const fmtMajor = (mm, scale) => {
      const v = mm.valueOf() - map.base;
      const day = Math.floor(v / DAY);
      const date = map.realDate(day);
      if (['millisecond', 'second', 'minute', 'hour'].includes(scale)) return `${dayName(day)}${date ? ' · ' + date : ''}`;
      return '';
    };
    const span = range[1] - range[0];
    const padMs = Math.max(15 * MIN, span * 0.03);
    const timeline = new Timeline(el.current, items, groups, {
      moment: (d) => moment(d).utcOffset(ex.tz_offset_min || 0),
      format: { minorLabels: fmtMinor, majorLabels: fmtMajor },
      locale: 'en',
      orientation: { axis: 'top', item: 'top' },
      stack: false,
      showCurrentTime: false,
      selectable: false, editable: false,
      zoomKey: 'ctrlKey',
      zoomMin: 10 * MIN,
      zoomMax: Math.max(span * 2, 6 * 3600000),
      start: map.toDate(range[0] - padMs), end: map.toDate(range[1] + padMs),
      min: map.toDate(range[0] - DAY / 2), max: map.toDate(range[1] + DAY / 2),
      maxHeight: 470, verticalScroll: true,
      groupOrder: 'order',
      visibleFrameTemplate: frameOf,
      margin: { item: { horizontal: 0, vertical: 4 }, axis: 4 },
      tooltip: { followMouse: true, overflowMethod: 'cap', delay: 100 },
      xss: { disabled: false },
    });
    tl.current = timeline;
    if (!isNull(m.t)) {
      timeline.addCustomTime(map.toDate(m.t), 'aar-cut');
      timeline.setCustomTimeMarker(esc(fmtEx(m.t)), 'aar-cut', false);
    }
    return () => { timeline.destroy(); tl.current = null; ds.current = null; };
  }, [ex.id, !!range]);

  useEffect(() => { if (tl.current) fill(); }, [rows]);

  const whole = () => {
    if (!tl.current || !range) return;
    const padMs = Math.max(15 * MIN, (range[1] - range[0]) * 0.03);
    tl.current.setWindow(map.toDate(range[0] - padMs), map.toDate(range[1] + padMs), { animation: true });
  };
  const phases = ex.phases || [];
  const actions = html`<div class="aar-tl-tools" role="group" aria-label=${a('timeline')}>
    <button type="button" onClick=${whole}>${a('whole')}</button>
    ${phases.map((ph, i) => html`<button type="button" key=${ph.id} title=${ph.title}
      onClick=${() => tl.current && tl.current.setWindow(map.toDate(ph.start - 15 * MIN), map.toDate(ph.end + 15 * MIN), { animation: true })}
      >${lang === 'vi' ? 'GĐ' : 'Ph.'} ${i + 1}</button>`)}
  </div>`;
  return html`<${Panel} title=${a('timeline')} actions=${actions} class="aar-tl-panel">
    ${range ? html`<div class="aar-tl" ref=${el} data-testid="aar-timeline" data-rows=${all.length}></div>`
      : html`<p class="muted">${a('no_rows')}</p>`}
    <div class="aar-legend">
      <span class="lg"><span class="sw mk pl"></span>${a('lg_plan')}</span>
      <span class="lg"><span class="sw mk ac ok"></span>${a('lg_ok')}</span>
      <span class="lg"><span class="sw mk ac late"></span>${a('lg_late')}</span>
      <span class="lg"><span class="sw mk pl bad"></span>${a('lg_bad')}</span>
      <span class="lg"><span class="sw mk ac other"></span>${a('lg_other')}</span>
      <span class="muted small">${a('tl_help')}</span>
    </div>
  <//>`;
}

// ---------------------------------------------------------------- response times

function useWidth(ref, dflt = 900) {
  const [w, setW] = useState(dflt);
  useEffect(() => {
    if (!ref.current) return undefined;
    const ro = new ResizeObserver((es) => {
      const cw = Math.floor(es[0].contentRect.width);
      if (cw > 0) setW(cw);
    });
    ro.observe(ref.current);
    return () => ro.disconnect();
  }, []);
  return w;
}

// Ticks every 1, 2, 5, 10, 15, 30 min, 1, 2, 4, 6, 12 h… so that at most ~8 fit.
function ticksOf(max) {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 240, 360, 720, 1440].map((v) => v * MIN);
  const step = steps.find((s) => max / s <= 8) || steps[steps.length - 1];
  const top = Math.max(step, Math.ceil(max / step) * step);
  const out = [];
  for (let v = 0; v <= top; v += step) out.push(v);
  return { top, ticks: out };
}

const axisLabel = (v) => {
  if (v < 3600000) return `${Math.round(v / MIN)}′`;
  const h = Math.floor(v / 3600000), m = Math.round((v % 3600000) / MIN);
  return m ? `${h} h ${String(m).padStart(2, '0')}` : `${h} h`;
};

export function ResponseChart({ m, ex }) {
  useLang();
  const box = useRef(null);
  const width = useWidth(box);
  const [body, setBody] = useState('');
  const bodies = useMemo(() => (m.bodies || []).map((b) => ({ id: b.id, name: b.name })), [m]);
  const rows = useMemo(() => {
    const out = [];
    for (const i of m.injects || []) {
      for (const e of i.expectations || []) {
        if (!['met', 'late', 'missed', 'open'].includes(e.status)) continue;
        if (body && !(e.owner && e.owner.body === body)) continue;
        out.push(e);
      }
    }
    out.sort((p, q) => (p.released ?? 0) - (q.released ?? 0) || p.id.localeCompare(q.id));
    return out;
  }, [m, body]);
  const max = Math.max(MIN, ...rows.map((e) => Math.max(e.allowed_ms || 0, e.response_ms || 0)));
  const { top, ticks } = ticksOf(max);
  const RH = 26, AX = 22;
  const L = Math.min(360, Math.max(200, Math.round(width * 0.3)));
  const R = 150;
  const cw = Math.max(120, width - L - R - 16);
  const x = (v) => L + 8 + (v / top) * cw;
  const H = AX + rows.length * RH + 6;
  const chars = Math.floor(L / 6.6);
  const clip = (s) => (s.length > chars ? s.slice(0, chars - 1) + '…' : s);
  const label = (e) => `${e.inject} · ${word(EXPECT_KINDS, e.kind)} — ${e.owner ? shortName(e.owner.body_name || e.owner.role_name || '', 30) : ''}`;
  const full = (e) => `${e.id}: ${word(EXPECT_KINDS, e.kind)} — ${e.owner ? (e.owner.role_name || e.owner.body_name || '') : ''}`;
  const actions = html`<label class="aar-inline"><span class="sr-only">${a('col_body')}</span>
    <select value=${body} onChange=${(ev) => setBody(ev.target.value)} aria-label=${a('col_body')} data-testid="response-body">
      <option value="">${a('all_bodies')}</option>
      ${bodies.map((b) => html`<option value=${b.id}>${b.name}</option>`)}
    </select></label>`;
  return html`<${Panel} title=${a('response')} actions=${actions} class="aar-resp-panel">
    <div class="aar-legend">
      <span class="lg"><span class="sw allowed"></span>${a('r_allowed')}</span>
      <span class="lg"><span class="sw r-met"></span>${a('r_met')}</span>
      <span class="lg"><span class="sw r-late"></span>${a('r_late')}</span>
      <span class="lg"><span class="sw r-missed"></span>${a('r_missed')}</span>
      <span class="lg"><span class="sw r-open"></span>${a('r_open')}</span>
    </div>
    <div class="aar-resp" ref=${box}>
      ${!rows.length ? html`<p class="muted">${a('no_responses')}</p>` : html`
      <svg width=${width} height=${H} viewBox=${`0 0 ${width} ${H}`} role="img" aria-label=${a('response')}
          data-testid="response-chart" data-rows=${rows.length}>
        <defs>
          <pattern id="aar-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#f8dcda" /><line x1="0" y1="0" x2="0" y2="6" stroke="#b3261e" stroke-width="3" />
          </pattern>
        </defs>
        ${ticks.map((v) => html`<g key=${'t' + v}>
          <line x1=${x(v)} x2=${x(v)} y1=${AX - 4} y2=${H - 4} class="grid" />
          <text x=${x(v)} y=${AX - 8} class="tick" text-anchor="middle">${axisLabel(v)}</text>
        </g>`)}
        ${rows.map((e, i) => {
          const y = AX + i * RH;
          const has = !isNull(e.allowed_ms);
          const resp = e.response_ms;
          const right = e.status === 'missed' ? a('r_missed_short')
            : e.status === 'open' ? a('ex_open')
              : has ? a('r_of', fmtMs(resp), fmtMs(e.allowed_ms)) : `${fmtMs(resp)} (${a('r_no_deadline')})`;
          return html`<g key=${e.id} class=${'row s-' + e.status} data-testid="response-row"
              data-expectation=${e.id} data-status=${e.status}>
            <title>${full(e)} — ${fmtEx(e.released)} → ${e.status === 'missed' || e.status === 'open' ? (A.vi['ex_' + e.status] ? a('ex_' + e.status) : e.status) : fmtEx(e.answered)}</title>
            ${i % 2 ? html`<rect x="0" y=${y} width=${width} height=${RH} class="band" />` : null}
            <text x=${L} y=${y + RH / 2 + 4} class="lbl" text-anchor="end">${clip(label(e))}</text>
            ${has ? html`<rect x=${x(0)} y=${y + 5} width=${Math.max(1, x(e.allowed_ms) - x(0))} height=${RH - 10}
              class=${e.status === 'missed' ? 'allowed missed' : 'allowed'} />` : null}
            ${e.status === 'met' || e.status === 'late' ? html`<rect x=${x(0)} y=${y + 9}
              width=${Math.max(2, x(resp || 0) - x(0))} height=${RH - 18} class=${'resp ' + e.status} />` : null}
            ${has ? html`<line x1=${x(e.allowed_ms)} x2=${x(e.allowed_ms)} y1=${y + 3} y2=${y + RH - 3} class="deadline" />` : null}
            <text x=${L + 8 + cw + 8} y=${y + RH / 2 + 4} class=${'val s-' + e.status}>${right}</text>
          </g>`;
        })}
      </svg>`}
    </div>
  <//>`;
}
