// Replay (xem lại), for the directing staff, the evaluators and the
// steering committee: the exercise rebuilt from its log at any exercise
// time (GET …/replay?t=…).  A scrubber over the exercise's span with the
// events marked on it, play and pause at ×60 or ×600, steps to the
// previous and next event, a time typed in the plan's notation; at that
// moment the state ladders of every body (the director's board), the
// expectation counts, the injects released so far and, for a role chosen
// from a list, that role's inbox.  Requests are debounced while scrubbing
// and throttled while playing; only the latest answer is shown.

import { html, useEffect, useMemo, useRef, useState } from '../lib.js';
import { get } from '../api.js';
import { fmtEx, tr, useLang } from '../i18n.js';
import { ErrorBox, Loading, Panel, Pill, exerciseNow, names } from '../ui.js';
import { StateBoard } from './director.js';

const T = {
  vi: {
    title: 'Xem lại diễn biến', scrubber: 'Thời điểm xem lại', at: 'Tại thời điểm',
    play: 'Phát', pause: 'Dừng', speed: 'Tốc độ phát', prev: 'Sự kiện trước', next: 'Sự kiện sau',
    start: 'Về đầu', end: 'Về cuối',
    go_to: 'Đến giờ', go: 'Xem', bad_time: 'Viết giờ diễn tập dạng «N 07:30» hoặc «N+1 09:00».',
    events: '{0} sự kiện đã ghi', loading: 'Đang dựng lại…',
    not_started: 'Cuộc diễn tập chưa bắt đầu: chưa có gì để xem lại.',
    exps: 'Yêu cầu đến thời điểm này', c_met: 'Đúng hạn', c_late: 'Trễ hạn', c_missed: 'Quá hạn', c_open: 'Đang chờ',
    released: 'Tình huống đã phát ({0})', none_released: 'Chưa phát tình huống nào.',
    planned: 'kế hoạch {0}', released_at: 'phát {0}',
    inbox: 'Hộp tình huống của vai tập', role: 'Vai tập', choose_role: '— Chọn vai tập —',
    inbox_empty: 'Vai tập này chưa nhận tình huống nào đến thời điểm này.',
    inbox_pick: 'Chọn một vai tập để xem các tình huống vai đó đã nhận đến thời điểm này.',
    lg_inject: 'Phát tình huống', lg_state: 'Chuyển trạng thái', lg_bad: 'Quá hạn, trễ hạn, bị từ chối',
    lg_action: 'Hành động vai tập',
    server_at: 'Máy chủ dựng lại đến {0}',
  },
  en: {
    title: 'Replay', scrubber: 'Replay time', at: 'At',
    play: 'Play', pause: 'Pause', speed: 'Playback speed', prev: 'Previous event', next: 'Next event',
    start: 'To the start', end: 'To the end',
    go_to: 'Go to', go: 'Show', bad_time: 'Write exercise times as "N 07:30" or "N+1 09:00".',
    events: '{0} events logged', loading: 'Rebuilding…',
    not_started: 'The exercise has not started: nothing to replay yet.',
    exps: 'Expectations by then', c_met: 'In time', c_late: 'Late', c_missed: 'Missed', c_open: 'Open',
    released: 'Injects released ({0})', none_released: 'No inject released yet.',
    planned: 'planned {0}', released_at: 'released {0}',
    inbox: 'A role\u2019s inbox', role: 'Role', choose_role: '— Choose a role —',
    inbox_empty: 'This role had received no inject by then.',
    inbox_pick: 'Choose a role to see the injects it had received by then.',
    lg_inject: 'Inject released', lg_state: 'State change', lg_bad: 'Missed, late, refused',
    lg_action: 'Player action',
    server_at: 'Rebuilt by the server up to {0}',
  },
};
const r = (k, ...args) => tr(T, k, ...args);

const SEC = 1000;
const MIN = 60000;
const isNull = (v) => v === null || v === undefined;
const ceilSec = (v) => Math.ceil(v / SEC) * SEC;

// "N+1 07:30" or "N 07:30:15" → exercise time in ms (null if not so).
function parseT(s) {
  const m = String(s || '').match(/^\s*N\s*(?:([+-])\s*(\d{1,4}))?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/i);
  if (!m || +m[3] > 24 || +m[4] > 59 || (m[5] && +m[5] > 59)) return null;
  const d = m[1] ? (m[1] === '-' ? -1 : 1) * +m[2] : 0;
  return d * 86400000 + ((+m[3] * 60 + +m[4]) * 60 + (+m[5] || 0)) * SEC;
}
const TICK_KIND = {
  'inject.released': 'inject', 'state.changed': 'state', 'action': 'action',
  'expectation.missed': 'bad', 'expectation.late': 'bad', 'transition.refused': 'bad',
};

// The exercise's span: from its start to its end once ended (the last
// event), else to the plan's end or the clock, whichever is later.
function spanOf(ex, times) {
  const s = ex.start ?? (times.length ? times[0] : 0);
  let lo = s, hi = s + (ex.duration || 3600000);
  if (times.length) lo = Math.min(lo, times[0]);
  if (ex.status === 'ended' && times.length) hi = times[times.length - 1];
  else if (times.length) hi = Math.max(hi, times[times.length - 1]);
  if (ex.clock && ex.clock.started && !isNull(ex.clock.t)) hi = Math.max(hi, ex.clock.t);
  return [Math.floor(lo / MIN) * MIN, Math.max(Math.ceil(hi / MIN) * MIN, lo + MIN)];
}

// Fetch …/replay for the wanted (t, role): debounced while scrubbing,
// throttled while playing, one request at a time, the latest wins.
function useReplay(x, t, role, playing) {
  const [state, setState] = useState({ data: null, error: null, busy: false });
  const want = useRef(null);
  const inflight = useRef(false);
  const timer = useRef(null);
  const alive = useRef(true);
  const pump = async () => {
    timer.current = null;
    if (inflight.current || !want.current) return;
    const w = want.current;
    want.current = null;
    inflight.current = true;
    setState((s) => ({ ...s, busy: true }));
    try {
      const q = `t=${encodeURIComponent(fmtEx(w.t))}${w.role ? '&role=' + encodeURIComponent(w.role) : ''}`;
      const data = await get(`/api/exercises/${x}/replay?${q}`);
      if (alive.current) setState({ data: { ...data, asked: w }, error: null, busy: !!want.current });
    } catch (error) {
      if (alive.current) setState((s) => ({ data: s.data, error, busy: !!want.current }));
    } finally {
      inflight.current = false;
      if (want.current && !timer.current) timer.current = setTimeout(pump, 0);
    }
  };
  useEffect(() => {
    alive.current = true;
    return () => { alive.current = false; clearTimeout(timer.current); };
  }, []);
  useEffect(() => {
    if (isNull(t)) return;
    want.current = { t: ceilSec(t), role };
    setState((s) => ({ ...s, busy: true }));
    if (playing) {
      if (!timer.current) timer.current = setTimeout(pump, 250);
    } else {
      clearTimeout(timer.current);
      timer.current = setTimeout(pump, 250);
    }
  }, [t, role]);
  return state;
}

function Scrubber({ lo, hi, t, setT, ticks, playing, setPlaying, speed, setSpeed, prev, next, data, busy }) {
  const [typed, setTyped] = useState('');
  const [bad, setBad] = useState(false);
  const span = Math.max(1, hi - lo);
  const go = (e) => {
    e.preventDefault();
    const val = parseT(typed);
    if (isNull(val)) { setBad(true); return; }
    setBad(false);
    setPlaying(false);
    setT(Math.max(lo, Math.min(hi, val)));
  };
  return html`<section class="panel rp-bar" aria-label=${r('scrubber')}>
    <div class="rp-top">
      <div class="rp-now">
        <span class="rp-k">${r('at')}</span>
        <span class="rp-t" data-testid="replay-time" data-t=${isNull(t) ? '' : ceilSec(t)}>${fmtEx(isNull(t) ? null : Math.floor(t / MIN) * MIN)}</span>
        <span class="rp-status" data-testid="replay-status" data-busy=${busy ? '1' : '0'}
          data-shown=${data ? String(data.t) : ''}>
          ${busy ? html`<span class="muted">${r('loading')}</span>` : data ? html`<span class="muted">${r('events', data.events)}</span>` : null}
          ${data && data.state && data.state.status ? html` <${Pill} status=${data.state.status === 'idle' ? 'ready' : data.state.status} />` : null}
        </span>
      </div>
      <div class="rp-ctl" role="group" aria-label=${r('scrubber')}>
        <button type="button" title=${r('start')} aria-label=${r('start')} onClick=${() => { setPlaying(false); setT(lo); }}>|◀</button>
        <button type="button" data-testid="replay-prev" title=${r('prev')} aria-label=${r('prev')}
          disabled=${isNull(prev)} onClick=${() => { setPlaying(false); setT(prev); }}>◀ ${r('prev')}</button>
        <button type="button" class="primary rp-play" data-testid="replay-play" aria-pressed=${playing ? 'true' : 'false'}
          onClick=${() => { if (!playing && t >= hi) setT(lo); setPlaying(!playing); }}>${playing ? '❚❚ ' + r('pause') : '▶ ' + r('play')}</button>
        <label class="rp-speed"><span class="sr-only">${r('speed')}</span>
          <select value=${String(speed)} aria-label=${r('speed')} data-testid="replay-speed"
            onChange=${(e) => setSpeed(+e.target.value)}>
            <option value="60">×60</option><option value="600">×600</option>
          </select></label>
        <button type="button" data-testid="replay-next" title=${r('next')} aria-label=${r('next')}
          disabled=${isNull(next)} onClick=${() => { setPlaying(false); setT(next); }}>${r('next')} ▶</button>
        <button type="button" title=${r('end')} aria-label=${r('end')} onClick=${() => { setPlaying(false); setT(hi); }}>▶|</button>
      </div>
      <form class="rp-go" onSubmit=${go}>
        <label><span class="sr-only">${r('go_to')}</span>
          <input value=${typed} placeholder="N 09:00" size="11" aria-label=${r('go_to')} data-testid="replay-time-input"
            onInput=${(e) => { setTyped(e.target.value); setBad(false); }} /></label>
        <button type="submit" data-testid="replay-go">${r('go')}</button>
      </form>
    </div>
    ${bad ? html`<div class="error" role="alert">${r('bad_time')}</div>` : null}
    <div class="rp-track">
      <input type="range" min=${lo} max=${hi} step=${MIN} value=${isNull(t) ? lo : t} data-testid="replay-range"
        aria-label=${r('scrubber')} aria-valuetext=${fmtEx(t)}
        onInput=${(e) => { setPlaying(false); setT(+e.target.value); }} />
      <div class="rp-ticks" aria-hidden="true">
        ${ticks.map((k) => html`<span key=${k.t + k.kind} class=${'tk tk-' + k.kind}
          style=${`left:${((k.t - lo) / span) * 100}%`}></span>`)}
      </div>
      <div class="rp-scale" aria-hidden="true">
        <span>${fmtEx(lo)}</span><span>${fmtEx(lo + span / 2 - ((lo + span / 2) % MIN))}</span><span>${fmtEx(hi)}</span>
      </div>
    </div>
    <div class="rp-legend muted small">
      <span><span class="tk tk-inject"></span>${r('lg_inject')}</span>
      <span><span class="tk tk-action"></span>${r('lg_action')}</span>
      <span><span class="tk tk-state"></span>${r('lg_state')}</span>
      <span><span class="tk tk-bad"></span>${r('lg_bad')}</span>
    </div>
  </section>`;
}

function Counts({ c }) {
  return html`<div class="rp-counts" data-testid="replay-expectations">
    ${['met', 'late', 'missed', 'open'].map((k) => html`<div class=${'rp-tile t-' + k} key=${k}>
      <span class="n" data-testid=${'replay-exp-' + k} data-value=${c ? c[k] : ''}>${c ? c[k] : '–'}</span>
      <span class="k">${r('c_' + k)}</span></div>`)}
  </div>`;
}

function Released({ ids, injects }) {
  const list = (ids || []).map((id) => injects[id] || { id }).sort((p, q) =>
    (p.released ?? p.planned ?? 0) - (q.released ?? q.planned ?? 0) || String(p.id).localeCompare(String(q.id)));
  return html`<${Panel} title=${r('released', ids ? ids.length : '…')} class="rp-released">
    <span class="sr-only" data-testid="replay-released-count" data-value=${ids ? ids.length : ''}>${ids ? ids.length : ''}</span>
    ${ids && !ids.length ? html`<p class="muted">${r('none_released')}</p>` : null}
    <ol class="rp-list">${list.map((i) => html`<li key=${i.id} data-testid="replay-released" data-inject=${i.id}>
      <span class="rp-id">${i.id}</span>
      <span class="rp-title">${i.title || ''}</span>
      <span class="muted small time">${!isNull(i.released) ? r('released_at', fmtEx(i.released))
        : !isNull(i.planned) ? r('planned', fmtEx(i.planned)) : ''}</span>
    </li>`)}</ol>
  <//>`;
}

function Inbox({ ex, role, setRole, inbox, nm }) {
  const roles = ex.roles || [];
  return html`<${Panel} title=${r('inbox')} class="rp-inbox" actions=${html`<label class="rp-inline">
      <span class="sr-only">${r('role')}</span>
      <select value=${role} onChange=${(e) => setRole(e.target.value)} aria-label=${r('role')} data-testid="replay-role">
        <option value="">${r('choose_role')}</option>
        ${roles.map((ro) => html`<option value=${ro.id}>${ro.name}${ro.body && nm[ro.body] ? ' — ' + nm[ro.body] : ''}</option>`)}
      </select></label>`}>
    ${!role ? html`<p class="muted">${r('inbox_pick')}</p>`
      : !inbox ? html`<${Loading} />`
        : !inbox.length ? html`<p class="muted" data-testid="replay-inbox-empty">${r('inbox_empty')}</p>`
          : html`<ol class="rp-list rp-inbox-list" data-testid="replay-inbox">
            ${inbox.map((i) => {
              const at = i.released_at ?? i.released ?? i.t;
              return html`<li key=${i.id} data-testid="replay-inbox-item" data-inject=${i.id}>
                <div class="rp-inbox-head"><span class="rp-id">${i.id}</span>
                  <span class="rp-title">${i.title || ''}</span>
                  ${!isNull(at) ? html`<span class="muted small time">${r('released_at', fmtEx(at))}</span>` : null}</div>
                ${i.text ? html`<p class="rp-text">${i.text}</p>` : null}
              </li>`;
            })}
          </ol>`}
  <//>`;
}

export function Replay(props) {
  useLang();
  const { x, ex, live, receivedAt } = props;
  const nm = useMemo(() => names(ex), [ex]);
  const evs = live.events;
  const { times, ticks } = useMemo(() => {
    const set = new Set();
    const tk = [];
    const seen = new Set();
    for (const e of evs) {
      const v = e.event ? e.event.t : null;
      if (isNull(v)) continue;
      set.add(ceilSec(v));
      const kind = TICK_KIND[e.type];
      if (!kind) continue;
      const key = kind + ':' + Math.round(v / MIN);
      if (seen.has(key)) continue;
      seen.add(key);
      tk.push({ t: v, kind });
    }
    return { times: [...set].sort((p, q) => p - q), ticks: tk };
  }, [evs.length, live.lastId]);
  const [lo, hi] = spanOf(ex, times);
  const started = ex.clock && ex.clock.started;
  const initial = () => {
    if (!started) return lo;
    if (ex.status === 'ended') return times.length ? times[times.length - 1] : hi;
    return Math.min(hi, exerciseNow(ex.clock, receivedAt) ?? hi);
  };
  const [tt, setTT] = useState(initial);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(60);
  const [role, setRole] = useState('');
  const touched = useRef(false);
  const tRef = useRef(tt);
  tRef.current = tt;
  const setT = (v) => { touched.current = true; setTT(Math.max(lo, Math.min(hi, v))); };
  // Until the user moves it, the time follows what is known of the log
  // (the feed's history arrives after the first drawing).
  useEffect(() => { if (!touched.current) setTT(initial()); }, [times.length, ex.status]);

  // Play: exercise time runs at speed × real time until the end.
  useEffect(() => {
    if (!playing) return undefined;
    let last = performance.now();
    const id = setInterval(() => {
      const now = performance.now();
      const n = Math.min(hi, tRef.current + (now - last) * speed);
      last = now;
      setTT(n);
      if (n >= hi) setPlaying(false);
    }, 200);
    return () => clearInterval(id);
  }, [playing, speed, hi]);

  const { data, error, busy } = useReplay(x, started ? tt : null, role, playing);
  const cur = ceilSec(tt);
  const prev = [...times].reverse().find((v) => v < cur);
  const next = times.find((v) => v > cur);

  const [injects, setInjects] = useState({});
  useEffect(() => {
    // Titles and times of the injects (the measures give them to staff and
    // observers alike); without them only the ids are shown.
    get(`/api/exercises/${x}/evaluation`).then((ev) => {
      const m = {};
      for (const i of (ev && ev.measures && ev.measures.injects) || []) m[i.id] = i;
      setInjects(m);
    }, () => {});
  }, [x]);

  if (!started) {
    return html`<div class="replay" data-testid="replay"><h1>${r('title')}</h1>
      <p class="notice">${r('not_started')}</p></div>`;
  }
  const state = data ? data.state : null;
  return html`<div class="replay" data-testid="replay" data-busy=${busy ? '1' : '0'}>
    <${Scrubber} lo=${lo} hi=${hi} t=${tt} setT=${setT} ticks=${ticks} playing=${playing}
      setPlaying=${(v) => { touched.current = true; setPlaying(v); }}
      speed=${speed} setSpeed=${setSpeed} prev=${prev} next=${next} data=${data} busy=${busy} />
    <${ErrorBox} error=${error} />
    ${!data && !error ? html`<${Loading} />` : null}
    ${data ? html`<div class="rp-grid">
      <div class="rp-left">
        <${StateBoard} ex=${ex} state=${state} error=${null} />
      </div>
      <div class="rp-right">
        <${Panel} title=${r('exps')} class="rp-exps">
          <${Counts} c=${data.expectations} />
          <p class="muted small" data-testid="replay-server-t" data-t=${data.t}>${
            r('server_at', data.t_text || fmtEx(data.t)) + ' · ' + r('events', data.events)}</p>
        <//>
        <${Released} ids=${data.released} injects=${injects} />
        <${Inbox} ex=${ex} role=${role} setRole=${setRole} nm=${nm}
          inbox=${role && data.asked && data.asked.role === role ? data.inbox || [] : null} />
      </div>
    </div>` : null}
  </div>`;
}
