// The evaluator's console (bàn đánh giá): record observations against the
// plan's criteria, read those recorded so far, and keep an eye on what the
// players do (expectations per body, the recent feed).  Observations are
// internal to the directing staff and the evaluators: the server never sends
// them to players, and this screen says so.

import { html, useEffect, useMemo, useState } from '../lib.js';
import { get, post } from '../api.js';
import { fmtEx, fmtReal, t, tr, useLang } from '../i18n.js';
import { useLiveData } from '../live.js';
import { ErrorBox, Loading, Panel, names, shortName } from '../ui.js';
import { describe, feedContext } from '../describe.js';

const T = {
  vi: {
    internal_title: 'Tài liệu nội bộ',
    internal: 'Nhận xét, đánh giá chỉ dành cho Ban Đạo diễn và Tổ đánh giá; không hiển thị cho các vai tập.',
    form_title: 'Ghi nhận xét, đánh giá',
    criterion: 'Tiêu chí đánh giá', choose_criterion: '— Chọn tiêu chí —',
    activity: 'Hoạt động, tình huống', any_activity: '— Không gắn với hoạt động —',
    body: 'Cơ quan, đơn vị được đánh giá', any_body: '— Không gắn với cơ quan —', body_other: 'Khác',
    score: 'Xếp loại', no_score: '— Chưa xếp loại —',
    strengths: 'Ưu điểm', weaknesses: 'Hạn chế, tồn tại', text: 'Nhận xét chung',
    required: 'bắt buộc',
    submit: 'Ghi nhận xét', saving: 'Đang ghi…', saved: 'Đã ghi nhận xét lúc {0} (giờ diễn tập).',
    saved_before: 'Đã ghi nhận xét (cuộc diễn tập chưa bắt đầu).',
    need_content: 'Cần chọn xếp loại hoặc nhập ít nhất một nội dung: ưu điểm, hạn chế hoặc nhận xét chung.',
    stamp_hint: 'Giờ diễn tập được máy chủ đóng dấu khi ghi.',
    list_title: 'Các nhận xét đã ghi ({0})', print: 'In danh sách', none_yet: 'Chưa có nhận xét nào.',
    filter: 'Lọc theo tiêu chí', all: 'Tất cả tiêu chí',
    col_time: 'Thời gian', col_evaluator: 'Người đánh giá', col_criterion: 'Tiêu chí',
    col_subject: 'Hoạt động / Cơ quan', col_score: 'Xếp loại', col_content: 'Nội dung',
    before_start: 'Trước giờ bắt đầu',
    print_head: 'NHẬN XÉT, ĐÁNH GIÁ — TÀI LIỆU NỘI BỘ (Ban Đạo diễn, Tổ đánh giá)',
    printed_at: 'In lúc {0}',
    exp_title: 'Thực hiện yêu cầu theo cơ quan', exp_body: 'Cơ quan', exp_none: 'Chưa có yêu cầu nào được phát.',
    exp_total: 'Tổng cộng',
    feed_title: 'Diễn biến gần đây', feed_none: 'Chưa có diễn biến.',
    phase_n: 'Giai đoạn {0}: {1}', phase_other: 'Ngoài các giai đoạn', running: 'đang diễn ra',
  },
  en: {
    internal_title: 'Internal',
    internal: 'Observations are for the directing staff and the evaluators only; players never see them.',
    form_title: 'Record an observation',
    criterion: 'Criterion', choose_criterion: '— Choose a criterion —',
    activity: 'Activity or situation', any_activity: '— No particular activity —',
    body: 'Body observed', any_body: '— No particular body —', body_other: 'Other',
    score: 'Verdict', no_score: '— No verdict —',
    strengths: 'Strengths', weaknesses: 'Weaknesses', text: 'Comment',
    required: 'required',
    submit: 'Record', saving: 'Recording…', saved: 'Recorded at {0} (exercise time).',
    saved_before: 'Recorded (the exercise has not started).',
    need_content: 'Choose a verdict or write at least one of strengths, weaknesses or comment.',
    stamp_hint: 'The server stamps the exercise time when it records.',
    list_title: 'Observations recorded ({0})', print: 'Print', none_yet: 'No observation yet.',
    filter: 'Filter by criterion', all: 'All criteria',
    col_time: 'Time', col_evaluator: 'Evaluator', col_criterion: 'Criterion',
    col_subject: 'Activity / Body', col_score: 'Verdict', col_content: 'Content',
    before_start: 'Before the start',
    print_head: 'OBSERVATIONS — INTERNAL (directing staff, evaluators)',
    printed_at: 'Printed {0}',
    exp_title: 'Expectations per body', exp_body: 'Body', exp_none: 'No expectation released yet.',
    exp_total: 'Total',
    feed_title: 'Recent events', feed_none: 'Nothing yet.',
    phase_n: 'Phase {0}: {1}', phase_other: 'Outside the phases', running: 'under way',
  },
};

// The body an expectation's `by` stands for: a role's body, or a body.
export function bodyOf(ex, by) {
  const r = (ex.roles || []).find((rr) => rr.id === by);
  return r ? r.body : by;
}

const byId = (list) => {
  const m = {};
  for (const x of list || []) m[x.id] = x;
  return m;
};

// Bodies grouped under their locality (province, district, commune…): the
// nearest ancestor-or-self that is a locality heads the group.
const LOCALITY = new Set(['locality', 'commune', 'province', 'district', 'ward', 'area']);
function bodyGroups(bodies) {
  const by = byId(bodies);
  const groups = new Map();
  const other = { id: '', label: '', items: [] };
  for (const b of bodies || []) {
    let h = b;
    for (let i = 0; h && !LOCALITY.has(h.kind) && i < 10; i++) h = by[h.parent];
    if (!h) { other.items.push(b); continue; }
    if (!groups.has(h.id)) groups.set(h.id, { id: h.id, label: h.name, items: [] });
    groups.get(h.id).items.push(b);
  }
  const gs = [...groups.values()];
  if (other.items.length) gs.push(other);
  return gs;
}

function ObservationForm({ x, ex, activities, onDone }) {
  const empty = { criterion: '', activity: '', body: '', score: '', strengths: '', weaknesses: '', text: '' };
  const [f, setF] = useState(empty);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(null);
  const set = (k) => (e) => { setF({ ...f, [k]: e.target.value }); setSaved(null); };
  const crit = (ex.criteria || []).find((c) => c.id === f.criterion);
  const groups = useMemo(() => {
    const gs = (ex.phases || []).map((ph, i) => ({ id: ph.id, label: tr(T, 'phase_n', i + 1, ph.title), items: [] }));
    const other = { id: '', label: tr(T, 'phase_other'), items: [] };
    for (const a of activities || []) {
      const g = gs.find((gg) => gg.id === a.phase) || other;
      g.items.push(a);
    }
    const all = [...gs, other].filter((g) => g.items.length);
    for (const g of all) g.items.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
    return all;
  }, [activities, ex]);
  const bodyGs = useMemo(() => bodyGroups(ex.bodies), [ex]);

  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    if (!f.score && !f.strengths.trim() && !f.weaknesses.trim() && !f.text.trim()) {
      setError(new Error(tr(T, 'need_content')));
      return;
    }
    const body = { criterion: f.criterion };
    for (const k of ['activity', 'body', 'score']) if (f[k]) body[k] = f[k];
    for (const k of ['strengths', 'weaknesses', 'text']) if (f[k].trim()) body[k] = f[k].trim();
    setBusy(true);
    try {
      const r = await post(`/api/exercises/${x}/observations`, body);
      const o = r.observation || {};
      setSaved(o.t === null || o.t === undefined ? tr(T, 'saved_before') : tr(T, 'saved', fmtEx(o.t)));
      // Keep what is being observed; clear what was said about it.
      setF({ ...f, score: '', strengths: '', weaknesses: '', text: '' });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return html`<form class="obs-form" data-testid="observation-form" onSubmit=${submit}>
    <div class="obs-grid">
      <label class="obs-criterion">
        <span>${tr(T, 'criterion')} <span class="req">(${tr(T, 'required')})</span></span>
        <select name="criterion" required value=${f.criterion} onChange=${set('criterion')}>
          <option value="">${tr(T, 'choose_criterion')}</option>
          ${(ex.criteria || []).map((c) => html`<option value=${c.id}>${c.name}</option>`)}
        </select>
        ${crit && crit.description ? html`<small class="muted">${crit.description}</small>` : null}
      </label>
      <label>
        <span>${tr(T, 'score')}</span>
        <select name="score" value=${f.score} onChange=${set('score')}>
          <option value="">${tr(T, 'no_score')}</option>
          ${(ex.scale || []).map((w) => html`<option value=${w}>${w}</option>`)}
        </select>
      </label>
      <label>
        <span>${tr(T, 'activity')}</span>
        <select name="activity" value=${f.activity} onChange=${set('activity')}>
          <option value="">${tr(T, 'any_activity')}</option>
          ${groups.map((g) => html`<optgroup label=${g.label}>
            ${g.items.map((a) => html`<option value=${a.id}>${a.start === null || a.start === undefined ? '' : fmtEx(a.start) + ' · '}${a.title}${
              a.status === 'started' ? ' (' + tr(T, 'running') + ')' : ''}</option>`)}
          </optgroup>`)}
        </select>
      </label>
      <label>
        <span>${tr(T, 'body')}</span>
        <select name="body" value=${f.body} onChange=${set('body')}>
          <option value="">${tr(T, 'any_body')}</option>
          ${bodyGs.map((g) => html`<optgroup label=${g.label || tr(T, 'body_other')}>
            ${g.items.map((b) => html`<option value=${b.id}>${b.name}</option>`)}
          </optgroup>`)}
        </select>
      </label>
    </div>
    <div class="obs-texts">
      <label><span>${tr(T, 'strengths')}</span>
        <textarea name="strengths" rows="3" value=${f.strengths} onInput=${set('strengths')}></textarea></label>
      <label><span>${tr(T, 'weaknesses')}</span>
        <textarea name="weaknesses" rows="3" value=${f.weaknesses} onInput=${set('weaknesses')}></textarea></label>
      <label><span>${tr(T, 'text')}</span>
        <textarea name="text" rows="3" value=${f.text} onInput=${set('text')}></textarea></label>
    </div>
    <${ErrorBox} error=${error} />
    <div class="obs-submit">
      <button type="submit" class="primary" data-testid="observation-submit" disabled=${busy}>
        ${busy ? tr(T, 'saving') : tr(T, 'submit')}</button>
      <span class="muted small">${tr(T, 'stamp_hint')}</span>
      <span class="saved" role="status" aria-live="polite">${saved || ''}</span>
    </div>
  </form>`;
}

function ObservationList({ ex, list, error, live, activities }) {
  const nm = useMemo(() => names(ex), [ex]);
  const [crit, setCrit] = useState('');
  const acts = activities || {};
  // Real time of each observation, from its feed entry (same id).
  const realAt = useMemo(() => {
    const m = {};
    for (const e of live.events) if (e.type === 'observation') m[e.id] = e.at_ms;
    return m;
  }, [live.events.length, live.lastId]);
  const rows = (list || []).filter((o) => !crit || o.criterion === crit)
    .slice().sort((a, b) => b.id - a.id);
  const actions = html`
    <label class="inline no-print"><span class="sr-only">${tr(T, 'filter')}</span>
      <select value=${crit} onChange=${(e) => setCrit(e.target.value)} aria-label=${tr(T, 'filter')}>
        <option value="">${tr(T, 'all')}</option>
        ${(ex.criteria || []).map((c) => html`<option value=${c.id}>${c.name}</option>`)}
      </select></label>
    <button type="button" onClick=${() => window.print()}>${tr(T, 'print')}</button>`;
  return html`<${Panel} title=${tr(T, 'list_title', list ? list.length : '…')} actions=${actions} class="obs-list">
    <div class="print-only print-head">
      <strong>${ex.code} — ${ex.name}</strong><br />
      ${tr(T, 'print_head')} · ${tr(T, 'printed_at', fmtReal(Date.now()))}
    </div>
    <${ErrorBox} error=${error} />
    ${!list && !error ? html`<${Loading} />` : null}
    ${list && !rows.length ? html`<p class="muted">${tr(T, 'none_yet')}</p>` : null}
    ${rows.length ? html`<table class="obs-table">
      <thead><tr>
        <th scope="col">${tr(T, 'col_time')} / ${tr(T, 'col_evaluator')}</th>
        <th scope="col" class="c-crit">${tr(T, 'col_criterion')}</th>
        <th scope="col" class="c-subj">${tr(T, 'col_subject')}</th>
        <th scope="col" class="c-score">${tr(T, 'col_score')}</th>
        <th scope="col">${tr(T, 'col_content')}</th>
      </tr></thead>
      <tbody>
        ${rows.map((o) => html`<tr key=${o.id} data-testid="observation" data-id=${o.id}>
          <td class="time">${o.t === null || o.t === undefined ? tr(T, 'before_start') : fmtEx(o.t)}
            ${realAt[o.id] ? html`<div class="muted small">${fmtReal(realAt[o.id])}</div>` : null}
            <div class="who">${o.display || o.evaluator}</div></td>
          <td>${nm[o.criterion] || o.criterion}</td>
          <td>${o.activity ? html`<div>${(acts[o.activity] && acts[o.activity].title) || o.activity}</div>` : null}
              ${o.body ? html`<div class="muted">${nm[o.body] || o.body}</div>` : null}
              ${!o.activity && !o.body ? '—' : null}</td>
          <td>${o.score ? html`<span class=${'verdict v' + Math.min(3, (ex.scale || []).indexOf(o.score))}>${o.score}</span>` : '—'}</td>
          <td class="obs-content">
            ${o.strengths ? html`<p><b>${tr(T, 'strengths')}:</b> ${o.strengths}</p>` : null}
            ${o.weaknesses ? html`<p><b>${tr(T, 'weaknesses')}:</b> ${o.weaknesses}</p>` : null}
            ${o.text ? html`<p><b>${tr(T, 'text')}:</b> ${o.text}</p>` : null}
          </td>
        </tr>`)}
      </tbody>
    </table>` : null}
  <//>`;
}

// Met / late / missed / open per body (the role's body for a role).
function ExpectationSummary({ ex, list, error }) {
  const nm = useMemo(() => names(ex), [ex]);
  const rows = useMemo(() => {
    const m = new Map();
    const order = (ex.bodies || []).map((b) => b.id);
    for (const e of list || []) {
      if (!['met', 'late', 'missed', 'open'].includes(e.status)) continue;
      const b = bodyOf(ex, e.by) || '—';
      if (!m.has(b)) m.set(b, { body: b, met: 0, late: 0, missed: 0, open: 0 });
      m.get(b)[e.status]++;
    }
    const rs = [...m.values()];
    rs.sort((a, b) => {
      const ia = order.indexOf(a.body), ib = order.indexOf(b.body);
      return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib);
    });
    return rs;
  }, [list, ex]);
  const total = rows.reduce((s, r) => ({ met: s.met + r.met, late: s.late + r.late,
    missed: s.missed + r.missed, open: s.open + r.open }), { met: 0, late: 0, missed: 0, open: 0 });
  const cols = ['met', 'late', 'missed', 'open'];
  return html`<${Panel} title=${tr(T, 'exp_title')} class="exp-summary no-print">
    <${ErrorBox} error=${error} />
    ${!list && !error ? html`<${Loading} />` : null}
    ${list && !rows.length ? html`<p class="muted">${tr(T, 'exp_none')}</p>` : null}
    ${rows.length ? html`<table data-testid="expectation-summary">
      <thead><tr><th scope="col">${tr(T, 'exp_body')}</th>
        ${cols.map((c) => html`<th scope="col" class="num">${t(c === 'open' ? 'open_exp' : c)}</th>`)}</tr></thead>
      <tbody>
        <tr class="total"><th scope="row">${tr(T, 'exp_total')}</th>
          ${cols.map((c) => html`<td class=${'num c-' + c}>${total[c]}</td>`)}</tr>
        ${rows.map((r) => html`<tr key=${r.body}><td title=${nm[r.body] || r.body}>${shortName(nm[r.body] || r.body, 44)}</td>
          ${cols.map((c) => html`<td class=${'num' + (r[c] ? ' c-' + c : ' zero')}>${r[c]}</td>`)}</tr>`)}
      </tbody>
    </table>` : null}
  <//>`;
}

const clip = (s, k) => (s.length > k ? s.slice(0, k) + '…' : s);

// The last events, in the words of the director's feed, briefly: the time,
// a tag for outcomes, the text, what the players said (clipped) and the
// line of detail.
function RecentFeed({ live, ctx }) {
  const items = live.events.slice(-30).reverse();
  return html`<${Panel} title=${tr(T, 'feed_title')} class="recent-feed no-print">
    ${!items.length ? html`<p class="muted">${tr(T, 'feed_none')}</p>` : null}
    <ol class="feed" data-testid="feed" aria-live="off">
      ${items.map((e) => {
        const d = describe(e, ctx);
        return html`<li key=${e.id} class=${'tone-' + (d.tone || 'none')}>
          <span class="time">${d.t === null || d.t === undefined ? '—' : fmtEx(d.t)}</span>
          <span class="what">${d.tag ? html`<span class="tag">${d.tag}</span> ` : null}${d.text}${
            d.quote ? html` <q>${clip(d.quote, 140)}</q>` : null}${
            d.extra ? html`<span class="extra">${d.extra}</span>` : null}</span></li>`;
      })}
    </ol>
  <//>`;
}

export function Evaluator(props) {
  useLang();
  const { x, ex, live } = props;
  const [obs, obsError, reloadObs] = useLiveData(live, () => get(`/api/exercises/${x}/observations`), [x]);
  const [exps, expsError] = useLiveData(live, () => get(`/api/exercises/${x}/expectations`), [x]);
  const [acts, actsError] = useLiveData(live, () => get(`/api/exercises/${x}/activities`), [x]);
  const [injects, setInjects] = useState([]);
  const [docs, setDocs] = useState([]);
  useEffect(() => {
    // Titles for the feed; not vital, so failures only leave ids shown.
    get(`/api/exercises/${x}/injects`).then(setInjects, () => {});
    get(`/api/exercises/${x}/documents`).then(setDocs, () => {});
  }, [x]);
  const actsById = useMemo(() => byId(acts), [acts]);
  const ctx = useMemo(() => feedContext(ex, {
    injects, activities: acts, expectations: exps, documents: docs,
  }), [ex, injects, acts, exps, docs]);

  return html`<div class="evaluator" data-testid="evaluator">
    <div class="internal-note" role="note" data-testid="internal-note">
      <span class="stamp">${tr(T, 'internal_title')}</span>
      <span>${tr(T, 'internal')}</span>
    </div>
    <div class="eval-grid">
      <div class="eval-main">
        <${Panel} title=${tr(T, 'form_title')} class="no-print">
          <${ErrorBox} error=${actsError} />
          <${ObservationForm} x=${x} ex=${ex} activities=${acts} onDone=${reloadObs} />
        <//>
        <${ObservationList} ex=${ex} list=${obs} error=${obsError} live=${live} activities=${actsById} />
      </div>
      <aside class="eval-side">
        <${ExpectationSummary} ex=${ex} list=${exps} error=${expsError} />
        <${RecentFeed} live=${live} ctx=${ctx} />
      </aside>
    </div>
  </div>`;
}
