// The evaluation and after-action screen (đánh giá, rút kinh nghiệm), for
// the directing staff, the evaluators and the steering committee: the
// measured results of the exercise (GET …/evaluation, the measures of
// src/report/measures.h) overall and per body, the planned-vs-actual
// timeline and the response-time chart, the verdicts (proposed by the
// measures, confirmed or changed with a reason by the evaluators and the
// director), the lessons of the hot wash, the corrective actions that
// answer them (and those still open from earlier exercises), the
// evaluators' observations, and the report as PDF and XLSX.  Sub-views
// under #/x/{id}/aar/{view}; the server enforces every right on its own.

import { html, useEffect, useMemo, useState } from '../lib.js';
import { get, post } from '../api.js';
import { fmtEx, fmtReal, useLang } from '../i18n.js';
import { useLiveData } from '../live.js';
import { ErrorBox, Loading, Panel, names, shortName } from '../ui.js';
import { EXPECT_KINDS, word } from '../describe.js';
import { useData } from './prep-common.js';
import {
  A, CONFIRMERS, Msg, STAFF, Verdict, a, byId, failure, fmtMs, fmtNum, fmtShare,
} from './aar-common.js';
import { PlanActual, ResponseChart } from './aar-charts.js';
import { Actions, Lessons } from './aar-follow.js';

const VIEWS = [
  { path: 'measures', who: ['director', 'controller', 'evaluator', 'observer'] },
  { path: 'charts', who: ['director', 'controller', 'evaluator', 'observer'] },
  { path: 'verdicts', who: ['director', 'controller', 'evaluator', 'observer'] },
  { path: 'lessons', who: ['director', 'controller', 'evaluator', 'observer'] },
  { path: 'actions', who: ['director', 'controller', 'evaluator', 'observer'] },
  { path: 'observations', who: STAFF },
];

const isNull = (v) => v === null || v === undefined;

// ---------------------------------------------------------------- counters

function Num({ k, v, text, label, cls, sub }) {
  return html`<div class=${'aar-num ' + (cls || '')}>
    <span class=${'n' + (text ? ' text' : '')} data-testid=${'m-' + k} data-value=${isNull(v) ? '' : String(v)}>${text || (isNull(v) ? '—' : v)}</span>
    <span class="k">${label}</span>
    ${sub ? html`<span class="s">${sub}</span>` : null}
  </div>`;
}

function Counters({ m }) {
  const o = m.overall || {};
  const c = o.counts || {};
  const r = o.response || {};
  const st = o.states || {};
  const ac = o.activities || {};
  return html`<section class="aar-counters" data-testid="aar-counters" aria-label=${a('v_measures')}>
    <div class="aar-card wide">
      <h3>${a('c_expectations')} <span class="muted">· ${a('c_due')} <b data-testid="m-due" data-value=${c.due}>${c.due}</b>${
        ' · ' + a('c_total', c.total)}</span></h3>
      <div class="aar-nums">
        <${Num} k="met" v=${c.met} label=${a('c_met')} cls="t-met" />
        <${Num} k="late" v=${c.late} label=${a('c_late')} cls="t-late" />
        <${Num} k="missed" v=${c.missed} label=${a('c_missed')} cls="t-missed" />
        <${Num} k="open" v=${c.open} label=${a('c_open')} cls="t-open" />
      </div>
    </div>
    <div class="aar-card">
      <h3>${a('c_share')}</h3>
      <div class="aar-big" data-testid="m-share" data-value=${isNull(c.in_time_share) ? '' : c.in_time_share}>
        ${fmtShare(c.in_time_share)}</div>
      <div class="muted small">${c.due ? a('c_share_of', c.met, c.due) : a('c_nothing_due')}</div>
    </div>
    <div class="aar-card">
      <h3>${a('c_response')}</h3>
      <div class="aar-nums small">
        <${Num} k="median" v=${r.median_ms} text=${fmtMs(r.median_ms)} label=${a('c_median')} />
        <${Num} k="p90" v=${r.p90_ms} text=${fmtMs(r.p90_ms)} label=${a('c_p90')} />
      </div>
      <div class="muted small">${a('c_answered', r.answered || 0)}${isNull(r.max_ms) ? '' : ' · ' + a('c_max', fmtMs(r.max_ms))}</div>
    </div>
    <div class="aar-card">
      <h3>${a('c_transitions')}</h3>
      <div class="aar-nums small">
        <${Num} k="refusals" v=${o.refusals} label=${a('c_refusals')} cls=${o.refusals ? 't-late' : ''} />
        <${Num} k="mechanism" v=${o.mechanism_order} label=${a('c_mechanism')} cls=${o.mechanism_order ? 't-missed' : ''} />
      </div>
      <div class="muted small">${a('c_violations')}: <b data-testid="m-violations" data-value=${o.violations}>${o.violations}</b></div>
    </div>
    <div class="aar-card">
      <h3>${a('c_states')}</h3>
      <div class="aar-nums small">
        <${Num} k="states-on_time" v=${st.on_time} label=${a('c_on_time')} cls="t-met" />
        <${Num} k="states-late" v=${st.late} label=${a('c_states_late')} cls=${st.late ? 't-late' : ''} />
        <${Num} k="states-not_reached" v=${st.not_reached} label=${a('c_not_reached')} cls=${st.not_reached ? 't-missed' : ''} />
      </div>
      <div class="muted small">${a('c_planned_n', st.planned || 0)}${st.unplanned ? ' · ' + a('c_unplanned', st.unplanned) : ''}</div>
    </div>
    <div class="aar-card">
      <h3>${a('c_activities')}</h3>
      <div class="aar-nums small">
        <${Num} k="acts-done" v=${ac.started} label=${a('c_done')} cls="t-met" />
        <${Num} k="acts-not_done" v=${ac.not_done} label=${a('c_not_done')} cls=${ac.not_done ? 't-missed' : ''} />
      </div>
      <div class="muted small">${a('c_planned_n', ac.planned || 0)} · ${a('c_ended', ac.ended || 0)}</div>
    </div>
  </section>`;
}

// ---------------------------------------------------------------- per body

const kindWord = (e) => (EXPECT_KINDS.vi[e.kind] ? word(EXPECT_KINDS, e.kind) : e.kind_label || e.kind);
const expStatus = (s) => (A.vi['ex_' + s] ? a('ex_' + s) : s);
const stStatus = (s) => (A.vi['st_' + s] ? a('st_' + s) : s);

function ExpStatus({ s }) {
  return html`<span class=${'aar-st es-' + s}>${expStatus(s)}</span>`;
}

function BodyDetail({ b, nScale }) {
  void nScale;
  return html`<div class="aar-detail" data-testid="m-body-detail" data-body=${b.id}>
    ${(b.expectations || []).length ? html`<h4>${a('d_expectations')}</h4>
    <table class="aar-sub">
      <thead><tr><th>${a('d_inject')}</th><th>${a('d_kind')}</th><th>${a('d_owner')}</th>
        <th>${a('d_released')}</th><th>${a('d_deadline')}</th><th>${a('d_answered')}</th>
        <th>${a('d_response')}</th><th>${a('d_status')}</th></tr></thead>
      <tbody>${b.expectations.map((e) => html`<tr key=${e.id} data-expectation=${e.id} data-status=${e.status}>
        <td class="mono">${e.inject}</td><td>${kindWord(e)}</td>
        <td>${e.owner ? e.owner.role_name || e.owner.body_name || '—' : '—'}</td>
        <td class="time">${fmtEx(e.released)}</td><td class="time">${fmtEx(e.deadline)}</td>
        <td class="time">${fmtEx(e.answered)}</td>
        <td>${isNull(e.response_ms) ? '—' : fmtMs(e.response_ms)}${isNull(e.allowed_ms) ? '' : html` <span class="muted">/ ${fmtMs(e.allowed_ms)}</span>`}</td>
        <td><${ExpStatus} s=${e.status} /></td>
      </tr>`)}</tbody>
    </table>` : null}
    ${(b.refused || []).length ? html`<h4>${a('d_refused')}</h4>
    <table class="aar-sub">
      <thead><tr><th>${a('d_time')}</th><th>${a('d_transition')}</th><th>${a('d_by')}</th><th>${a('d_reason')}</th></tr></thead>
      <tbody>${b.refused.map((r) => html`<tr key=${r.seq}>
        <td class="time">${fmtEx(r.t)}</td>
        <td>${r.machine_name || r.machine}: ${r.from_name || r.from || '—'} → ${r.to_name || r.to}</td>
        <td>${r.by_name || r.by || '—'}</td>
        <td>${r.reason || r.rule}${r.mechanism_order ? html` <span class="aar-tag bad">${a('mech_tag')}</span>` : null}</td>
      </tr>`)}</tbody>
    </table>` : null}
    ${(b.states || []).length ? html`<h4>${a('d_states')}</h4>
    <table class="aar-sub">
      <thead><tr><th>${a('d_state')}</th><th>${a('d_planned')}</th><th>${a('d_reached')}</th>
        <th>${a('d_delay')}</th><th>${a('d_status')}</th></tr></thead>
      <tbody>${b.states.map((s) => html`<tr key=${s.machine + s.state}>
        <td>${s.machine_name}: <b>${s.state_name}</b></td>
        <td class="time">${fmtEx(s.planned)}</td><td class="time">${fmtEx(s.reached)}</td>
        <td>${isNull(s.delay_ms) ? '—' : fmtMs(s.delay_ms)}</td>
        <td><span class=${'aar-st ss-' + s.status}>${stStatus(s.status)}</span></td>
      </tr>`)}</tbody>
    </table>` : null}
  </div>`;
}

function BodyRow({ b, label, n, open, onToggle, total }) {
  const c = b.counts || {};
  const r = b.response || {};
  const s = b.states_summary || b.states || {};
  const v = b.verdict || {};
  const cell = (k, cls) => html`<td class=${'num' + (c[k] ? ' ' + (cls || '') : ' zero')} data-k=${k}>${c[k] ?? 0}</td>`;
  return html`<tr class=${(total ? 'total' : '') + (open ? ' open' : '')} data-testid=${total ? 'm-overall' : 'm-body'}
      data-body=${total ? null : b.id}>
    <th scope="row" class="c-body" title=${label}>
      ${total ? label : html`<button type="button" class="link aar-toggle" aria-expanded=${open ? 'true' : 'false'}
        onClick=${onToggle} title=${open ? a('hide_detail') : a('show_detail')}>
        <span class="caret" aria-hidden="true">${open ? '▾' : '▸'}</span> ${shortName(label, 46)}</button>`}
    </th>
    <td class="num" data-k="due">${c.due ?? 0}</td>
    ${cell('met', 'c-met')}${cell('late', 'c-late')}${cell('missed', 'c-missed')}${cell('open', 'c-open')}
    <td class="num" data-k="share">${fmtShare(c.in_time_share)}</td>
    <td class="num c-resp">${fmtMs(r.median_ms)}<span class="sep">/</span>${fmtMs(r.p90_ms)}</td>
    <td class="num"><span class=${b.refusals ? 'c-late' : 'zero'} data-k="refusals">${b.refusals ?? 0}</span><span class="sep">/</span><span
      class=${b.mechanism_order ? 'c-missed' : 'zero'} data-k="mechanism">${b.mechanism_order ?? 0}</span></td>
    <td class="num c-states">${s.planned
      ? html`<span class="c-met">${s.on_time ?? 0}</span>/<span class=${s.late ? 'c-late' : ''}>${s.late ?? 0}</span>/<span class=${s.not_reached ? 'c-missed' : ''}>${s.not_reached ?? 0}</span>`
      : html`<span class="zero">—</span>`}</td>
    <td class="c-verdict"><${Verdict} label=${v.label} index=${v.index} n=${n} /></td>
  </tr>`;
}

function BodiesTable({ m, ex }) {
  const [open, setOpen] = useState({});
  const n = (m.scale || ex.scale || []).length;
  const bodies = m.bodies || [];
  const overall = { ...(m.overall || {}), states_summary: (m.overall || {}).states };
  return html`<${Panel} title=${a('bodies')} class="aar-bodies">
    ${bodies.length ? null : html`<p class="muted">${a('no_bodies')}</p>`}
    <div class="aar-scroll">
    <table class="aar-table" data-testid="m-bodies">
      <thead><tr>
        <th scope="col">${a('col_body')}</th><th scope="col" class="num">${a('col_due')}</th>
        <th scope="col" class="num">${a('c_met')}</th><th scope="col" class="num">${a('c_late')}</th>
        <th scope="col" class="num">${a('c_missed')}</th><th scope="col" class="num">${a('c_open')}</th>
        <th scope="col" class="num">${a('col_share')}</th><th scope="col" class="num">${a('col_resp')}</th>
        <th scope="col" class="num">${a('col_refused')}</th><th scope="col" class="num">${a('col_states')}</th>
        <th scope="col">${a('col_verdict')}</th>
      </tr></thead>
      <tbody>
        <${BodyRow} b=${overall} label=${a('overall')} n=${n} total=${true} />
        ${bodies.map((b) => html`
          <${BodyRow} key=${b.id} b=${b} label=${b.name || b.id} n=${n} open=${!!open[b.id]}
            onToggle=${() => setOpen({ ...open, [b.id]: !open[b.id] })} />
          ${open[b.id] ? html`<tr class="aar-detail-row" key=${b.id + '-d'}><td colspan="11">
            <${BodyDetail} b=${b} nScale=${n} /></td></tr>` : null}`)}
      </tbody>
    </table>
    </div>
  <//>`;
}

function Measures({ ev, ex }) {
  const m = ev.measures;
  return html`<div class="aar-measures" data-testid="aar-measures">
    <${Counters} m=${m} />
    <${BodiesTable} m=${m} ex=${ex} />
  </div>`;
}

function Charts({ ev, ex }) {
  return html`<div class="aar-charts">
    <${PlanActual} m=${ev.measures} ex=${ex} />
    <${ResponseChart} m=${ev.measures} ex=${ex} />
  </div>`;
}

// ---------------------------------------------------------------- verdicts

function VerdictCard({ x, v, name, scale, score, measured, canConfirm, onSaved }) {
  const n = scale.length;
  const p = v.proposed || null;
  const c = v.confirmed || null;
  const [mode, setMode] = useState(null);   // null | 'change'
  const [label, setLabel] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState(null);
  const key = isNull(v.body) ? '_overall' : v.body;
  useEffect(() => {
    if (!msg || !msg.ok) return undefined;
    const id = setTimeout(() => setMsg(null), 6000);
    return () => clearTimeout(id);
  }, [msg]);
  const send = async (body, okText) => {
    setBusy(true);
    setMsg(null);
    try {
      const r = await post(`/api/exercises/${x}/verdicts`, body);
      setMsg({ ok: true, text: okText });
      setMode(null);
      setReason('');
      onSaved(r);
    } catch (err) {
      // Another word than the proposed one without a reason: the server's
      // rule, said in the officer's words.
      const noReason = err.status === 400 && !body.reason && (!p || body.label !== p.label);
      setMsg({ ok: false, text: noReason ? a('refused', a('need_reason')) : failure(err) });
    } finally {
      setBusy(false);
    }
  };
  const base = isNull(v.body) ? {} : { body: v.body };
  const confirm = () => send({ ...base, label: p.label }, a('done_confirm', p.label));
  const submit = (e) => {
    e.preventDefault();
    const body = { ...base, label };
    if (reason.trim()) body.reason = reason.trim();
    // The server decides whether a reason is needed (another word than the
    // proposed one needs one); its refusal is shown as it says it.
    send(body, a('done_confirm', label));
  };
  const history = v.history || [];
  const changing = mode === 'change';
  const differs = !p || label !== p.label;
  return html`<article class=${'aar-verdict' + (isNull(v.body) ? ' overall' : '') + (c ? ' is-confirmed' : '')}
      data-testid="verdict" data-body=${key} data-proposed=${p ? p.label : ''} data-confirmed=${c ? c.label : ''}>
    <header><h3 title=${name}>${name}</h3>
      ${c ? html`<span class="aar-tag ok">✓ ${a('confirmed')}</span>` : html`<span class="aar-tag">${a('not_confirmed')}</span>`}
    </header>
    <div class="aar-v-rows">
      <div class="aar-v-row">
        <span class="aar-v-k">${a('proposed')}</span>
        <div>${p && p.label ? html`<${Verdict} label=${p.label} index=${p.index} n=${n} testid="verdict-proposed" />`
          : html`<span class="muted">${a('no_proposal')}</span>`}
          ${p && p.reason ? html`<p class="aar-reason" data-testid="verdict-proposed-reason">${p.reason}</p>` : null}
          <p class="muted small">${[
            measured && !isNull(measured.measured_index) ? a('measured', scale[measured.measured_index] || measured.measured_index) : null,
            score && score.n ? a('score', (scale[Math.round(score.mean)] || '') +
              (Number.isInteger(score.mean) ? '' : ` ≈ ${fmtNum(score.mean, 2)}`), score.n) : null,
          ].filter(Boolean).join(' · ')}</p>
        </div>
      </div>
      ${c ? html`<div class="aar-v-row confirmed">
        <span class="aar-v-k">${a('confirmed')}</span>
        <div><${Verdict} label=${c.label} index=${c.index} n=${n} testid="verdict-confirmed" />
          ${c.changed ? html` <span class="aar-tag warn" data-testid="verdict-changed">${a('changed')}</span>` : null}
          ${c.reason ? html`<p class="aar-reason" data-testid="verdict-reason">${c.reason}</p>` : null}
          <p class="muted small" data-testid="verdict-by">${a('confirmed_by', c.user ? c.user.name : '—', c.at_ms ? fmtReal(c.at_ms) : '—')}</p>
        </div>
      </div>` : null}
    </div>
    ${canConfirm && !changing ? html`<div class="aar-v-actions">
      ${p && p.label && !(c && c.label === p.label) ? html`<button type="button" class="primary" data-testid="verdict-confirm" disabled=${busy}
        onClick=${confirm}>${a('confirm', p.label)}</button>` : null}
      <button type="button" data-testid="verdict-change" disabled=${busy}
        onClick=${() => { setMode('change'); setLabel((c && c.label) || (p && p.label) || scale[0] || ''); setMsg(null); }}>${a('change')}</button>
    </div>` : null}
    ${canConfirm && changing ? html`<form class="aar-v-form" data-testid="verdict-form" onSubmit=${submit}>
      <label><span>${a('label')}</span>
        <select name="label" value=${label} onChange=${(e) => setLabel(e.target.value)} data-testid="verdict-label">
          ${scale.map((w) => html`<option value=${w}>${w}${p && w === p.label ? ' (' + a('proposed').toLowerCase() + ')' : ''}</option>`)}
        </select></label>
      <label><span>${a('reason')} ${differs ? html`<span class="req">(${a('reason_hint')})</span>` : null}</span>
        <textarea name="reason" rows="2" value=${reason} data-testid="verdict-reason-input"
          onInput=${(e) => setReason(e.target.value)}></textarea></label>
      <div class="aar-v-actions">
        <button type="submit" class="primary" data-testid="verdict-save" disabled=${busy}>${busy ? a('saving') : a('save')}</button>
        <button type="button" onClick=${() => { setMode(null); setMsg(null); }}>${a('cancel')}</button>
      </div>
    </form>` : null}
    <${Msg} msg=${msg} onClose=${() => setMsg(null)} testid=${msg && !msg.ok ? 'verdict-error' : 'verdict-message'} />
    ${history.length ? html`<details class="aar-history" data-testid="verdict-history">
      <summary>${a('history', history.length)}</summary>
      <ol>${history.slice().reverse().map((h, i) => html`<li key=${i}>
        <${Verdict} label=${h.label} index=${h.index} n=${n} />
        ${h.changed ? html` <span class="aar-tag warn">${a('changed')}</span>` : null}
        <span class="muted small"> ${a('confirmed_by', h.user ? h.user.name : '—', h.at_ms ? fmtReal(h.at_ms) : '—')}</span>
        ${h.reason ? html`<div class="aar-reason">${h.reason}</div>` : null}
      </li>`)}</ol>
    </details>` : null}
  </article>`;
}

function Verdicts({ x, ex, ev, kind, reload }) {
  const canConfirm = CONFIRMERS.includes(kind);
  const scale = (ev.measures && ev.measures.scale) || ex.scale || [];
  const nm = useMemo(() => names(ex), [ex]);
  const scores = useMemo(() => {
    const m = {};
    for (const s of ev.scores || []) m[isNull(s.body) ? '_overall' : s.body] = s;
    return m;
  }, [ev]);
  const mb = useMemo(() => byId((ev.measures && ev.measures.bodies) || []), [ev]);
  const list = (ev.verdicts || []).slice().sort((p, q) => (isNull(p.body) ? -1 : 0) - (isNull(q.body) ? -1 : 0));
  return html`<div class="aar-verdicts" data-testid="aar-verdicts">
    ${canConfirm ? null : html`<p class="muted">${a('read_only')}</p>`}
    <div class="aar-v-grid">
      ${list.map((v) => {
        const key = isNull(v.body) ? '_overall' : v.body;
        const measured = isNull(v.body) ? (ev.measures.overall || {}).verdict : (mb[v.body] || {}).verdict;
        return html`<${VerdictCard} key=${key} x=${x} v=${v} scale=${scale} score=${scores[key]} measured=${measured}
          name=${isNull(v.body) ? a('overall') : nm[v.body] || v.body_name || (mb[v.body] || {}).name || v.body}
          canConfirm=${canConfirm} onSaved=${reload} />`;
      })}
    </div>
  </div>`;
}

// ---------------------------------------------------------------- observations

function Observations({ x, ex, ev }) {
  const [list, error] = useData(() => get(`/api/exercises/${x}/observations`), [x], 20000);
  const nm = useMemo(() => names(ex), [ex]);
  const scale = ex.scale || [];
  const scores = useMemo(() => {
    const m = {};
    for (const s of (ev && ev.scores) || []) m[s.body] = s;
    return m;
  }, [ev]);
  const groups = useMemo(() => {
    const g = new Map();
    const order = (ex.bodies || []).map((b) => b.id);
    for (const o of list || []) {
      const k = o.body || '';
      if (!g.has(k)) g.set(k, []);
      g.get(k).push(o);
    }
    const keys = [...g.keys()].sort((p, q) => {
      const ip = p ? order.indexOf(p) : 1e9, iq = q ? order.indexOf(q) : 1e9;
      return (ip < 0 ? 1e8 : ip) - (iq < 0 ? 1e8 : iq);
    });
    return keys.map((k) => ({ body: k, items: g.get(k).slice().sort((p, q) => (p.t ?? -1e15) - (q.t ?? -1e15) || p.id - q.id) }));
  }, [list, ex]);
  return html`<${Panel} title=${a('observations', list ? list.length : '…')} class="aar-obs"
      actions=${html`<span class="muted small">${a('internal')}</span>`}>
    <${ErrorBox} error=${error} />
    ${!list && !error ? html`<${Loading} />` : null}
    ${list && !list.length ? html`<p class="muted">${a('no_obs')}</p>` : null}
    ${groups.map((g) => {
      const sc = scores[g.body];
      return html`<section class="aar-obs-group" key=${g.body || '_'} data-testid="obs-group" data-body=${g.body}>
        <h3>${g.body ? nm[g.body] || g.body : a('obs_general')}
          <span class="muted"> · ${g.items.length}</span>
          ${sc && sc.n ? html` <span class="aar-obs-mean" data-testid="obs-mean">${a('obs_mean', fmtNum(sc.mean, 2))}
            <${Verdict} label=${scale[Math.round(sc.mean)]} index=${Math.round(sc.mean)} n=${scale.length} /></span>` : null}</h3>
        <table class="aar-table aar-obs-table">
          <thead><tr><th scope="col" class="c-time">${a('o_time')}</th><th scope="col" class="c-crit">${a('o_criterion')}</th>
            <th scope="col" class="c-score">${a('o_score')}</th><th scope="col">${a('o_content')}</th></tr></thead>
          <tbody>${g.items.map((o) => html`<tr key=${o.id} data-testid="obs-row" data-id=${o.id}>
            <td class="time">${isNull(o.t) ? a('before_start') : fmtEx(o.t)}
              <div class="who">${o.display || o.evaluator}</div></td>
            <td>${nm[o.criterion] || o.criterion}</td>
            <td>${o.score ? html`<${Verdict} label=${o.score} index=${scale.indexOf(o.score)} n=${scale.length} />` : '—'}</td>
            <td class="aar-obs-content">
              ${o.strengths ? html`<p><b>${a('strengths')}:</b> ${o.strengths}</p>` : null}
              ${o.weaknesses ? html`<p><b>${a('weaknesses')}:</b> ${o.weaknesses}</p>` : null}
              ${o.text ? html`<p><b>${a('text')}:</b> ${o.text}</p>` : null}
            </td>
          </tr>`)}</tbody>
        </table>
      </section>`;
    })}
  <//>`;
}

// ---------------------------------------------------------------- screen

export function Aar(props) {
  useLang();
  const { x, ex, kind, live } = props;
  const sub = props.sub || [];
  const views = VIEWS.filter((v) => v.who.includes(kind));
  const cur = views.find((v) => v.path === sub[0]) || views[0];
  const started = !!(ex.clock && ex.clock.started);
  // Nothing is measured before the start.
  const [ev, evErr, reloadEv] = useLiveData(live,
    () => (started ? get(`/api/exercises/${x}/evaluation`) : Promise.resolve(null)), [x, started]);
  const [lessons, lessonsErr, reloadLessons] = useData(() => get(`/api/exercises/${x}/lessons`), [x], 20000);
  const [tasks, tasksErr, reloadTasks] = useData(() => get(`/api/exercises/${x}/tasks`), [x], 30000);
  const m = ev && ev.measures;
  const needsEv = started && ['measures', 'charts', 'verdicts'].includes(cur.path);
  let body = null;
  if (cur.path === 'lessons') {
    body = html`<${Lessons} x=${x} ex=${ex} kind=${kind} lessons=${lessons} error=${lessonsErr}
      reload=${reloadLessons} tasks=${tasks} reloadTasks=${reloadTasks} />`;
  } else if (cur.path === 'actions') {
    body = html`<${Actions} x=${x} ex=${ex} kind=${kind} lessons=${lessons} tasks=${tasks} error=${tasksErr}
      reload=${reloadTasks} />`;
  } else if (cur.path === 'observations') {
    body = html`<${Observations} x=${x} ex=${ex} ev=${ev} />`;
  } else if (m) {
    body = cur.path === 'charts' ? html`<${Charts} ev=${ev} ex=${ex} />`
      : cur.path === 'verdicts' ? html`<${Verdicts} x=${x} ex=${ex} ev=${ev} kind=${kind} reload=${reloadEv} />`
        : html`<${Measures} ev=${ev} ex=${ex} />`;
  }
  return html`<div class="aar" data-testid="aar" data-view=${cur.path}>
    <div class="aar-head">
      <div class="aar-title">
        <h1>${a('title')}</h1>
        ${m ? html`<span class="muted small" data-testid="aar-asof">${a('as_of', isNull(m.t) ? '—' : fmtEx(m.t), m.events)}</span>` : null}
      </div>
      <nav class="aar-tabs" aria-label=${a('views')}>
        ${views.map((v) => html`<a key=${v.path} href=${`#/x/${x}/aar/${v.path}`} data-testid=${'aar-tab-' + v.path}
          class=${v === cur ? 'active' : ''} aria-current=${v === cur ? 'page' : null}>${a('v_' + v.path)}</a>`)}
      </nav>
      <div class="aar-downloads">
        <a class="button" href=${`/api/exercises/${x}/aar.pdf`} download=${`${ex.code}-danh-gia.pdf`}
          data-testid="aar-pdf" title=${a('pdf_hint')}>⤓ ${a('pdf')}</a>
        <a class="button" href=${`/api/exercises/${x}/aar.xlsx`} download=${`${ex.code}-danh-gia.xlsx`}
          data-testid="aar-xlsx" title=${a('xlsx_hint')}>⤓ ${a('xlsx')}</a>
      </div>
    </div>
    ${!started ? html`<p class="notice">${a('not_started')}</p>`
      : m && !m.ended ? html`<p class="aar-provisional" role="note" data-testid="aar-provisional">${a('provisional')}
          <a href=${`#/x/${x}/replay`}>${a('replay_link')}</a></p>` : null}
    ${needsEv ? html`<${ErrorBox} error=${evErr} />` : null}
    ${needsEv && !ev && !evErr ? html`<${Loading} />` : null}
    ${body}
  </div>`;
}
