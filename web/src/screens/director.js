// The director's console (bàn đạo diễn), for directors and controllers:
// the clock controls, the injects (release, hold, cancel by hand), the
// expectations board per body, the live feed in words, and the state
// ladders of every body.  Everything follows the feed (useLiveData); the
// server enforces every right and its refusals are shown with their reason.

import { html, useEffect, useMemo, useState } from '../lib.js';
import { ApiError, get, post } from '../api.js';
import { fmtDur, fmtEx, fmtReal, tr, useLang } from '../i18n.js';
import { useLiveData } from '../live.js';
import { ErrorBox, Loading, Mark, Panel, Pill, exerciseNow, names, useNow } from '../ui.js';
import { EXPECT_KINDS, describe, feedContext, fmtSpeed, machineName, word } from '../describe.js';

const T = {
  vi: {
    controls: 'Điều khiển diễn tập', close: 'Đóng',
    start: 'Bắt đầu', start_at: 'Bắt đầu lúc', pause: 'Tạm dừng', resume: 'Tiếp tục',
    speed: 'Tốc độ', speed_custom: 'Tốc độ khác', set: 'Đặt', custom: 'khác',
    jump: 'Nhảy đến', go: 'Nhảy', end: 'Kết thúc',
    end_confirm: 'Kết thúc cuộc diễn tập? Không thể tiếp tục sau khi kết thúc.',
    end_yes: 'Xác nhận kết thúc', no: 'Không',
    next_inject: 'Kế tiếp: {0}', next_title: 'Điền giờ của tình huống kế tiếp {0}: {1}',
    refused: 'Máy chủ từ chối: {0}', refused_why: 'Máy chủ từ chối ({0}): {1}',
    why_state: 'không phù hợp với trạng thái hiện tại', why_bad_request: 'yêu cầu không hợp lệ',
    why_forbidden: 'không có quyền', why_not_found: 'không tìm thấy', why_conflict: 'xung đột',
    done_start: 'Đã bắt đầu diễn tập.', done_pause: 'Đã tạm dừng đồng hồ.',
    done_resume: 'Đồng hồ chạy tiếp.', done_speed: 'Tốc độ mới: ×{0}.',
    done_jump: 'Đã nhảy đến {0}.', done_end: 'Cuộc diễn tập đã kết thúc.',
    done_release: 'Đã phát tình huống {0}.', done_hold: 'Đã giữ lại tình huống {0}.',
    done_cancel: 'Đã hủy tình huống {0}.',
    bad_time: 'Giờ diễn tập viết dạng «N 07:00» hoặc «N+1 09:30».',
    bad_speed: 'Tốc độ là một số từ 0,001 đến 100000.',
    shared_clock: 'Đồng hồ do cuộc diễn tập cấp trên điều khiển',
    // injects
    injects: 'Tình huống', upcoming: 'Sắp tới', released_list: 'Đã phát',
    cancelled_list: 'Đã hủy', planned: 'Giờ kế hoạch', inject: 'Tình huống',
    to: 'Gửi', status: 'Trạng thái', ops: 'Thao tác',
    release: 'Phát ngay', hold: 'Giữ lại', cancel: 'Hủy',
    cancel_confirm: 'Hủy tình huống {0}? Các yêu cầu kèm theo cũng bị hủy.',
    cancel_yes: 'Xác nhận hủy',
    manual: 'Phát bằng tay / theo điều kiện', in: 'còn {0}', overdue_by: 'quá giờ {0}',
    due_now: 'đến giờ', released_at: 'phát lúc {0}', from: 'Người phát: {0}',
    show_text: 'Xem nội dung', hide_text: 'Thu gọn', none_upcoming: 'Không còn tình huống chờ phát.',
    none_released: 'Chưa phát tình huống nào.', its_exps: 'Yêu cầu đối với vai tập',
    // expectations
    expectations: 'Theo dõi yêu cầu', body: 'Cơ quan', deadline: 'Hạn',
    kind: 'Yêu cầu', by: 'Vai tập / cơ quan', answered: 'trả lời lúc {0}',
    c_open: 'đang chờ', c_met: 'đạt', c_late: 'trễ', c_missed: 'quá hạn', c_waiting: 'chưa phát',
    f_all: 'Tất cả', f_open: 'Đang chờ', f_bad: 'Quá hạn, trễ', f_met: 'Đạt', f_waiting: 'Chưa phát',
    soon: 'sắp hết hạn', none_exps: 'Không có yêu cầu nào ở mục này.', other_body: 'Khác',
    totals: '{0} đang chờ · {1} đạt · {2} trễ · {3} quá hạn',
    filter: 'Lọc',
    // feed
    feed: 'Diễn biến', more: 'Xem thêm', no_events: 'Chưa có diễn biến nào.',
    cat_inject: 'Tình huống', cat_action: 'Hành động vai tập', cat_expectation: 'Yêu cầu',
    cat_state: 'Trạng thái', cat_clock: 'Đồng hồ', cat_document: 'Văn kiện',
    cat_activity: 'Hoạt động', cat_observation: 'Đánh giá',
    // state board
    states: 'Bảng trạng thái', no_states: 'Chưa có dữ liệu trạng thái.',
    t_ex: 'giờ diễn tập', t_real: 'giờ thực',
  },
  en: {
    controls: 'Exercise control', close: 'Close',
    start: 'Start', start_at: 'Start at', pause: 'Pause', resume: 'Resume',
    speed: 'Speed', speed_custom: 'Other speed', set: 'Set', custom: 'other',
    jump: 'Jump to', go: 'Jump', end: 'End',
    end_confirm: 'End the exercise? It cannot go on once ended.',
    end_yes: 'Confirm end', no: 'No',
    next_inject: 'Next: {0}', next_title: 'Fill in the time of the next inject {0}: {1}',
    refused: 'Refused by the server: {0}', refused_why: 'Refused by the server ({0}): {1}',
    why_state: 'does not fit the current state', why_bad_request: 'invalid request',
    why_forbidden: 'not allowed', why_not_found: 'not found', why_conflict: 'conflict',
    done_start: 'The exercise has started.', done_pause: 'The clock is paused.',
    done_resume: 'The clock runs again.', done_speed: 'New speed: ×{0}.',
    done_jump: 'Jumped to {0}.', done_end: 'The exercise has ended.',
    done_release: 'Inject {0} released.', done_hold: 'Inject {0} held.',
    done_cancel: 'Inject {0} cancelled.',
    bad_time: 'Write exercise times as "N 07:00" or "N+1 09:30".',
    bad_speed: 'The speed is a number from 0.001 to 100000.',
    shared_clock: 'The clock is run by the higher-level exercise',
    injects: 'Injects', upcoming: 'Upcoming', released_list: 'Released',
    cancelled_list: 'Cancelled', planned: 'Planned', inject: 'Inject',
    to: 'To', status: 'Status', ops: 'Actions',
    release: 'Release now', hold: 'Hold', cancel: 'Cancel',
    cancel_confirm: 'Cancel inject {0}? Its expectations are cancelled too.',
    cancel_yes: 'Confirm cancel',
    manual: 'By hand / on condition', in: 'in {0}', overdue_by: '{0} overdue',
    due_now: 'due now', released_at: 'released {0}', from: 'From: {0}',
    show_text: 'Show text', hide_text: 'Collapse', none_upcoming: 'No inject left to release.',
    none_released: 'No inject released yet.', its_exps: 'Expected of the players',
    expectations: 'Expectations', body: 'Body', deadline: 'Deadline',
    kind: 'Expected', by: 'Role / body', answered: 'answered {0}',
    c_open: 'open', c_met: 'met', c_late: 'late', c_missed: 'missed', c_waiting: 'not released',
    f_all: 'All', f_open: 'Open', f_bad: 'Missed, late', f_met: 'Met', f_waiting: 'Not released',
    soon: 'due soon', none_exps: 'No expectation here.', other_body: 'Other',
    totals: '{0} open · {1} met · {2} late · {3} missed',
    filter: 'Filter',
    feed: 'Events', more: 'Show more', no_events: 'Nothing has happened yet.',
    cat_inject: 'Injects', cat_action: 'Player actions', cat_expectation: 'Expectations',
    cat_state: 'States', cat_clock: 'Clock', cat_document: 'Documents',
    cat_activity: 'Activities', cat_observation: 'Evaluation',
    states: 'State board', no_states: 'No state data yet.',
    t_ex: 'exercise time', t_real: 'real time',
  },
};

const SPEEDS = [1, 2, 5, 10, 30, 60, 120, 600];
const SOON_MS = 15 * 60000;     // an open expectation this close to its deadline is flagged
const TIME_RE = /^N([+-]\d{1,3})?\s+\d{1,2}:\d{2}(:\d{2})?$/i;

// The message of a failed request, as the officer should read it.
function failure(err) {
  if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401) {
    const why = T.vi['why_' + err.code] ? tr(T, 'why_' + err.code) : null;
    return why ? tr(T, 'refused_why', why, err.message) : tr(T, 'refused', err.message);
  }
  return err.message || String(err);
}

// A message line; successes fade after a while, refusals stay until closed.
function useMsg() {
  const [msg, setMsg] = useState(null);
  useEffect(() => {
    if (!msg || !msg.ok) return undefined;
    const id = setTimeout(() => setMsg(null), 6000);
    return () => clearTimeout(id);
  }, [msg]);
  return [msg, setMsg];
}

// ---------------------------------------------------------------- clock

function ControlBar({ x, ex, reloadExercise, nextInject }) {
  const [startAt, setStartAt] = useState('');
  const [jumpTo, setJumpTo] = useState('');
  const [custom, setCustom] = useState('');
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [msg, setMsg] = useMsg();
  const [busy, setBusy] = useState(false);
  const st = ex.status;
  // A child of a multi-level exercise shares its parent's clock: the
  // server refuses clock operations here (409 shared_clock).
  const shared = !!ex.parent;
  const started = (st === 'running' || st === 'paused') && !shared;
  const speed = ex.clock ? ex.clock.speed : 1;

  const run = async (op, body, done) => {
    setBusy(true);
    setMsg(null);
    try {
      await post(`/api/exercises/${x}/control/${op}`, body);
      setMsg({ ok: true, text: done });
      reloadExercise();
      return true;
    } catch (err) {
      setMsg({ ok: false, text: failure(err) });
      return false;
    } finally {
      setBusy(false);
    }
  };

  const onStart = async (e) => {
    e.preventDefault();
    const at = startAt.trim();
    if (at && !TIME_RE.test(at)) { setMsg({ ok: false, text: tr(T, 'bad_time') }); return; }
    if (await run('start', at ? { at } : {}, tr(T, 'done_start'))) setStartAt('');
  };
  const onJump = async (e) => {
    e.preventDefault();
    const to = jumpTo.trim();
    if (!TIME_RE.test(to)) { setMsg({ ok: false, text: tr(T, 'bad_time') }); return; }
    if (await run('jump', { to }, tr(T, 'done_jump', to))) setJumpTo('');
  };
  const setSpeed = (v) => {
    const n = Number(String(v).replace(',', '.'));
    if (!(n >= 0.001 && n <= 100000)) { setMsg({ ok: false, text: tr(T, 'bad_speed') }); return; }
    run('speed', { speed: n }, tr(T, 'done_speed', fmtSpeed(n))).then((ok) => ok && setCustom(''));
  };
  const inList = SPEEDS.includes(+speed);

  return html`<section class="panel dir-controls" aria-label=${tr(T, 'controls')}>
    ${shared ? html`<div class="dir-shared" role="note" data-testid="shared-clock">
      <strong>${tr(T, 'shared_clock')}</strong>
      <a href=${'#/x/' + ex.parent.id + '/director'}>${ex.parent.name}</a></div>` : null}
    <div class="dir-ctl-row">
      <form class="dir-ctl-group" onSubmit=${onStart}>
        <label>${tr(T, 'start_at')}
          <input class="dir-time" value=${startAt} placeholder=${fmtEx(ex.start ?? (ex.clock && ex.clock.t))}
                 disabled=${st !== 'ready' || busy || shared} data-testid="ctl-start-at"
                 onInput=${(e) => setStartAt(e.target.value)} /></label>
        <button type="submit" class="primary" data-testid="ctl-start"
                disabled=${st !== 'ready' || busy || shared}>▶ ${tr(T, 'start')}</button>
      </form>
      <div class="dir-ctl-group">
        <button type="button" data-testid="ctl-pause" disabled=${st !== 'running' || busy || shared}
                onClick=${() => run('pause', {}, tr(T, 'done_pause'))}>${tr(T, 'pause')}</button>
        <button type="button" data-testid="ctl-resume" disabled=${st !== 'paused' || busy || shared}
                onClick=${() => run('resume', {}, tr(T, 'done_resume'))}>▶ ${tr(T, 'resume')}</button>
      </div>
      <form class="dir-ctl-group" onSubmit=${(e) => { e.preventDefault(); setSpeed(custom); }}>
        <label>${tr(T, 'speed')}
          <select data-testid="ctl-speed" value=${inList ? String(+speed) : 'custom'}
                  disabled=${st === 'ended' || busy || shared}
                  onChange=${(e) => e.target.value !== 'custom' && setSpeed(e.target.value)}>
            ${SPEEDS.map((s) => html`<option value=${String(s)}>×${s}</option>`)}
            ${inList ? null : html`<option value="custom">×${fmtSpeed(speed)} (${tr(T, 'custom')})</option>`}
          </select></label>
        <label>${tr(T, 'speed_custom')}
          <input class="dir-num" type="number" min="0.001" max="100000" step="any"
                 value=${custom} data-testid="ctl-speed-custom" disabled=${st === 'ended' || busy || shared}
                 onInput=${(e) => setCustom(e.target.value)} /></label>
        <button type="submit" data-testid="ctl-speed-set"
                disabled=${st === 'ended' || busy || shared || !custom}>${tr(T, 'set')}</button>
      </form>
      <form class="dir-ctl-group" onSubmit=${onJump}>
        <label>${tr(T, 'jump')}
          <input class="dir-time" value=${jumpTo} placeholder="N+1 09:00" data-testid="ctl-jump"
                 disabled=${!started || busy} onInput=${(e) => setJumpTo(e.target.value)} /></label>
        <button type="submit" data-testid="ctl-jump-go"
                disabled=${!started || busy || !jumpTo.trim()}>${tr(T, 'go')}</button>
        ${nextInject && started ? html`<button type="button" class="link dir-next"
            data-testid="ctl-jump-next" onClick=${() => setJumpTo(fmtEx(nextInject.planned))}
            title=${tr(T, 'next_title', nextInject.id, nextInject.title)}>${tr(T, 'next_inject', fmtEx(nextInject.planned))}</button>` : null}
      </form>
      <div class="dir-ctl-group dir-end">
        ${confirmEnd
          ? html`<span class="dir-confirm" role="alertdialog" aria-label=${tr(T, 'end')}>
              <span>${tr(T, 'end_confirm')}</span>
              <button type="button" class="danger" data-testid="ctl-end-confirm" disabled=${busy}
                onClick=${() => { setConfirmEnd(false); run('end', {}, tr(T, 'done_end')); }}>${tr(T, 'end_yes')}</button>
              <button type="button" data-testid="ctl-end-no"
                onClick=${() => setConfirmEnd(false)}>${tr(T, 'no')}</button></span>`
          : html`<button type="button" class="danger" data-testid="ctl-end"
              disabled=${!started || busy} onClick=${() => setConfirmEnd(true)}>■ ${tr(T, 'end')}</button>`}
      </div>
    </div>
    ${msg ? html`<div class=${msg.ok ? 'dir-msg ok' : 'error dir-msg'} role=${msg.ok ? 'status' : 'alert'}>
        <span data-testid="ctl-message">${msg.text}</span>
        <button type="button" class="link" aria-label=${tr(T, 'close')} onClick=${() => setMsg(null)}>×</button></div>` : null}
  </section>`;
}

// ---------------------------------------------------------------- injects

function InjectRow({ inj, n, now, started, exps, onOp, busy }) {
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const waiting = inj.status === 'pending' || inj.status === 'held';
  const remaining = inj.planned === null || inj.planned === undefined || now === null
    ? null : inj.planned - now;
  const rel = !waiting ? null
    : remaining === null ? null
    : remaining > 0 ? tr(T, 'in', fmtDur(remaining))
    : remaining > -60000 ? tr(T, 'due_now') : tr(T, 'overdue_by', fmtDur(-remaining));
  const soon = waiting && remaining !== null && remaining <= 15 * 60000;
  const to = (inj.to || []).map((r) => n[r] || r).join('; ');
  const id = 'inj-' + inj.id;
  return html`
    <tr data-testid="inject-row" data-inject=${inj.id} data-status=${inj.status}
        class=${'dir-inj ' + inj.status + (soon ? ' soon' : '') + (open ? ' expanded' : '')}>
      <td class="time">
        ${inj.status === 'released'
          ? html`<div>${fmtEx(inj.released_at)}</div>
              ${inj.planned !== null && inj.planned !== undefined && inj.planned !== inj.released_at
                ? html`<div class="sub">${tr(T, 'planned')}: ${fmtEx(inj.planned)}</div>` : null}`
          : html`<div>${inj.planned === null || inj.planned === undefined ? '—' : fmtEx(inj.planned)}</div>
              ${rel ? html`<div class=${'sub' + (remaining !== null && remaining <= 0 ? ' late' : '')}>${rel}</div>`
                : inj.planned === null || inj.planned === undefined
                  ? html`<div class="sub">${tr(T, 'manual')}</div>` : null}`}
      </td>
      <td class="dir-inj-main">
        <button type="button" class="dir-expand" aria-expanded=${open ? 'true' : 'false'}
                aria-controls=${id} title=${open ? tr(T, 'hide_text') : tr(T, 'show_text')}
                onClick=${() => setOpen(!open)}>
          <span class="caret" aria-hidden="true">${open ? '▾' : '▸'}</span>
          <span class="dir-id">${inj.id}</span>
          <span class="dir-title">${inj.title}</span>
        </button>
        <${Mark} c=${inj.classification} />
        <div class="dir-to"><span class="muted">${tr(T, 'to')}:</span> ${to}</div>
      </td>
      <td><${Pill} status=${inj.status} /></td>
      <td class="dir-ops">
        ${confirm
          ? html`<div class="dir-confirm" role="alertdialog" aria-label=${tr(T, 'cancel')}>
              <span>${tr(T, 'cancel_confirm', inj.id)}</span>
              <span class="btns">
                <button type="button" class="danger" data-testid="inject-cancel-confirm" disabled=${busy}
                  onClick=${() => { setConfirm(false); onOp('cancel', inj.id); }}>${tr(T, 'cancel_yes')}</button>
                <button type="button" data-testid="inject-cancel-no"
                  onClick=${() => setConfirm(false)}>${tr(T, 'no')}</button></span></div>`
          : waiting && started ? html`
              <button type="button" class="primary" data-testid="inject-release" disabled=${busy}
                onClick=${() => onOp('release', inj.id)}>${tr(T, 'release')}</button>
              ${inj.status === 'pending' ? html`<button type="button" data-testid="inject-hold" disabled=${busy}
                onClick=${() => onOp('hold', inj.id)}>${tr(T, 'hold')}</button>` : null}
              <button type="button" class="danger" data-testid="inject-cancel" disabled=${busy}
                onClick=${() => setConfirm(true)}>${tr(T, 'cancel')}</button>` : null}
      </td>
    </tr>
    ${open ? html`<tr class="dir-inj-detail" id=${id}>
      <td></td>
      <td colspan="3">
        ${inj.from ? html`<div class="muted">${tr(T, 'from', n[inj.from] || inj.from)}</div>` : null}
        <div class="dir-text">${inj.text}</div>
        ${exps.length ? html`<div class="dir-inj-exps"><strong>${tr(T, 'its_exps')}:</strong>
          <ul>${exps.map((e) => html`<li key=${e.id}>
            <span>${word(EXPECT_KINDS, e.kind)} — ${n[e.by] || e.by}</span>
            <span class="time">${e.deadline !== null && e.deadline !== undefined ? fmtEx(e.deadline) : ''}</span>
            <${Pill} status=${e.status} /></li>`)}</ul></div>` : null}
      </td></tr>` : null}`;
}

function InjectTable({ list, empty, ...rest }) {
  if (!list.length) return html`<p class="muted dir-empty">${empty}</p>`;
  return html`<table class="dir-inj-table">
    <colgroup><col class="dir-col-time" /><col /><col class="dir-col-status" /><col class="dir-col-ops" /></colgroup>
    <thead><tr><th class="dir-col-time">${tr(T, 'planned')}</th><th>${tr(T, 'inject')}</th>
      <th>${tr(T, 'status')}</th><th class="dir-col-ops">${tr(T, 'ops')}</th></tr></thead>
    <tbody>${list.map((inj) => html`<${InjectRow} key=${inj.id} inj=${inj}
      exps=${rest.byInject[inj.id] || []} ...${rest} />`)}</tbody>
  </table>`;
}

function Injects({ x, ex, injects, error, expectations, now, reload }) {
  const n = useMemo(() => names(ex), [ex]);
  const [msg, setMsg] = useMsg();
  const [busy, setBusy] = useState(false);
  const started = ex.status === 'running' || ex.status === 'paused';
  const byInject = useMemo(() => {
    const m = {};
    for (const e of expectations || []) (m[e.inject] = m[e.inject] || []).push(e);
    return m;
  }, [expectations]);
  const onOp = async (op, id) => {
    setBusy(true);
    setMsg(null);
    try {
      await post(`/api/exercises/${x}/control/${op}`, { inject: id });
      setMsg({ ok: true, text: tr(T, 'done_' + op, id) });
      reload();
    } catch (err) {
      setMsg({ ok: false, text: failure(err) });
    } finally {
      setBusy(false);
    }
  };
  const list = injects || [];
  const ord = (i) => (i.planned === null || i.planned === undefined ? Infinity : i.planned);
  const upcoming = list.filter((i) => i.status === 'pending' || i.status === 'held')
    .sort((a, b) => ord(a) - ord(b) || a.id.localeCompare(b.id));
  const released = list.filter((i) => i.status === 'released')
    .sort((a, b) => (b.released_at ?? 0) - (a.released_at ?? 0) || b.id.localeCompare(a.id));
  const cancelled = list.filter((i) => i.status === 'cancelled');
  const common_ = { n, now, started, onOp, busy, byInject };
  return html`<${Panel} class="dir-injects" title=${tr(T, 'injects')}
      actions=${html`<span class="muted dir-counts">${[
        `${tr(T, 'upcoming')} ${upcoming.length}`, `${tr(T, 'released_list')} ${released.length}`,
        cancelled.length ? `${tr(T, 'cancelled_list')} ${cancelled.length}` : null,
      ].filter(Boolean).join(' · ')}</span>`}>
    <${ErrorBox} error=${error} />
    ${msg ? html`<div class=${msg.ok ? 'dir-msg ok' : 'error dir-msg'} role=${msg.ok ? 'status' : 'alert'}>
        <span data-testid="inject-message">${msg.text}</span>
        <button type="button" class="link" aria-label=${tr(T, 'close')} onClick=${() => setMsg(null)}>×</button></div>` : null}
    ${!injects && !error ? html`<${Loading} />` : null}
    ${injects ? html`<div class="dir-scroll">
      <h3 class="dir-sub">${tr(T, 'upcoming')} <span class="count">${upcoming.length}</span></h3>
      <${InjectTable} list=${upcoming} empty=${tr(T, 'none_upcoming')} ...${common_} />
      <h3 class="dir-sub">${tr(T, 'released_list')} <span class="count">${released.length}</span></h3>
      <${InjectTable} list=${released} empty=${tr(T, 'none_released')} ...${common_} />
      ${cancelled.length ? html`<h3 class="dir-sub">${tr(T, 'cancelled_list')}
          <span class="count">${cancelled.length}</span></h3>
        <${InjectTable} list=${cancelled} empty="" ...${common_} />` : null}
    </div>` : null}
  <//>`;
}

// ---------------------------------------------------------------- expectations

const EXP_ORDER = { open: 0, missed: 1, late: 2, met: 3, waiting: 4, cancelled: 5 };
const FILTERS = {
  all: () => true,
  open: (e) => e.status === 'open',
  bad: (e) => e.status === 'missed' || e.status === 'late',
  met: (e) => e.status === 'met',
  waiting: (e) => e.status === 'waiting',
};

function Expectations({ ex, exps, error, injects, now }) {
  const n = useMemo(() => names(ex), [ex]);
  const [filter, setFilter] = useState('all');
  const injTitle = useMemo(() => {
    const m = {};
    for (const i of injects || []) m[i.id] = i.title;
    return m;
  }, [injects]);
  const groups = useMemo(() => {
    const roleBody = {};
    for (const r of ex.roles || []) roleBody[r.id] = r.body;
    const bodyIds = new Set((ex.bodies || []).map((b) => b.id));
    const order = (ex.bodies || []).map((b) => b.id);
    const g = {};
    for (const e of exps || []) {
      const b = roleBody[e.by] || (bodyIds.has(e.by) ? e.by : '');
      (g[b] = g[b] || []).push(e);
    }
    const keys = Object.keys(g).sort((a, b) => {
      const ia = order.indexOf(a), ib = order.indexOf(b);
      return (ia < 0 ? 1e9 : ia) - (ib < 0 ? 1e9 : ib);
    });
    return keys.map((k) => {
      const list = g[k].slice().sort((a, b) => (EXP_ORDER[a.status] ?? 9) - (EXP_ORDER[b.status] ?? 9)
        || (a.deadline ?? Infinity) - (b.deadline ?? Infinity) || a.id.localeCompare(b.id));
      const c = { open: 0, met: 0, late: 0, missed: 0, waiting: 0 };
      for (const e of list) if (e.status in c) c[e.status] += 1;
      return { body: k, list, c };
    });
  }, [exps, ex]);
  const tot = { open: 0, met: 0, late: 0, missed: 0, waiting: 0 };
  for (const gr of groups) for (const k in tot) tot[k] += gr.c[k];
  const f = FILTERS[filter];
  const shown = groups.map((gr) => ({ ...gr, list: gr.list.filter(f) })).filter((gr) => gr.list.length);

  return html`<${Panel} class="dir-exps" title=${tr(T, 'expectations')}
      actions=${html`<span class="muted dir-counts" data-testid="expectation-totals">${
        tr(T, 'totals', tot.open, tot.met, tot.late, tot.missed)}</span>`}>
    <${ErrorBox} error=${error} />
    <div class="dir-filters" role="group" aria-label=${tr(T, 'filter')}>
      ${Object.keys(FILTERS).map((k) => html`<button type="button" aria-pressed=${filter === k ? 'true' : 'false'}
          class=${'toggle' + (filter === k ? ' on' : '')} data-testid=${'exp-filter-' + k}
          onClick=${() => setFilter(k)}>${tr(T, 'f_' + k)}${k === 'all' ? '' : ' ' + (
            k === 'bad' ? tot.missed + tot.late : tot[k])}</button>`)}
    </div>
    ${!exps && !error ? html`<${Loading} />` : null}
    ${exps ? html`<div class="dir-scroll">
      ${shown.length ? html`<table class="dir-exp-table">
        <thead><tr><th>${tr(T, 'kind')}</th><th>${tr(T, 'by')}</th>
          <th class="dir-col-time">${tr(T, 'deadline')}</th><th>${tr(T, 'status')}</th></tr></thead>
        ${shown.map((gr) => html`<tbody key=${gr.body} data-testid="expectation-body" data-body=${gr.body}>
          <tr class="dir-body-row"><th colspan="4" scope="rowgroup">
            <span class="dir-body-name">${gr.body ? n[gr.body] || gr.body : tr(T, 'other_body')}</span>
            <span class="dir-chips">
              <span class="chip open" title=${tr(T, 'c_open')}>${gr.c.open} ${tr(T, 'c_open')}</span>
              <span class="chip met" title=${tr(T, 'c_met')}>${gr.c.met} ${tr(T, 'c_met')}</span>
              <span class=${'chip late' + (gr.c.late ? ' some' : '')}>${gr.c.late} ${tr(T, 'c_late')}</span>
              <span class=${'chip missed' + (gr.c.missed ? ' some' : '')}>${gr.c.missed} ${tr(T, 'c_missed')}</span>
            </span></th></tr>
          ${gr.list.map((e) => {
            const left = e.status === 'open' && e.deadline !== null && e.deadline !== undefined && now !== null
              ? e.deadline - now : null;
            const cls = left === null ? '' : left < 0 ? ' overdue' : left <= SOON_MS ? ' soon' : '';
            return html`<tr key=${e.id} data-testid="expectation" data-expectation=${e.id}
                data-status=${e.status} class=${'dir-exp ' + e.status + cls}>
              <td><span class="dir-kind">${word(EXPECT_KINDS, e.kind)}</span>
                <span class="dir-id" title=${injTitle[e.inject] || ''}>${e.inject}</span></td>
              <td>${n[e.by] || e.by}</td>
              <td class="time">${e.deadline !== null && e.deadline !== undefined ? fmtEx(e.deadline) : '—'}
                ${left !== null ? html`<div class=${'sub' + (left <= SOON_MS ? ' late' : '')}>${
                  left < 0 ? tr(T, 'overdue_by', fmtDur(-left)) : tr(T, 'in', fmtDur(left))}</div>` : null}
                ${(e.status === 'met' || e.status === 'late') && e.at !== null && e.at !== undefined
                  ? html`<div class="sub">${tr(T, 'answered', fmtEx(e.at))}</div>` : null}</td>
              <td><${Pill} status=${e.status} />${cls === ' soon'
                ? html` <span class="dir-soon">${tr(T, 'soon')}</span>` : null}</td>
            </tr>`;
          })}
        </tbody>`)}
      </table>` : html`<p class="muted dir-empty">${tr(T, 'none_exps')}</p>`}
    </div>` : null}
  <//>`;
}

// ---------------------------------------------------------------- feed

const CATS = {
  inject: ['inject.released', 'inject.held', 'inject.cancelled'],
  action: ['action'],
  expectation: ['expectation.met', 'expectation.missed', 'expectation.late'],
  state: ['state.changed', 'transition.refused'],
  clock: ['exercise.started', 'exercise.ended', 'clock.paused', 'clock.resumed',
          'clock.speed', 'clock.jumped'],
  document: ['document.issued'],
  activity: ['activity.started', 'activity.ended'],
  observation: ['observation'],
};
const CAT_OF = {};
for (const [c, types] of Object.entries(CATS)) for (const ty of types) CAT_OF[ty] = c;

function Feed({ ex, live, injects, exps, acts, docs }) {
  const [off, setOff] = useState({});
  const [limit, setLimit] = useState(150);
  const ctx = useMemo(() => feedContext(ex, {
    injects, expectations: exps, activities: acts, documents: docs,
  }), [ex, injects, exps, acts, docs]);
  const events = live.events;
  const shown = [];
  let total = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    const cat = CAT_OF[events[i].type] || 'clock';
    if (off[cat]) continue;
    total += 1;
    if (shown.length < limit) shown.push(events[i]);
  }
  return html`<${Panel} class="dir-feed" title=${tr(T, 'feed')}
      actions=${html`<span class="muted dir-counts">${total}</span>`}>
    <div class="dir-filters" role="group" aria-label=${tr(T, 'filter')}>
      ${Object.keys(CATS).map((c) => html`<button type="button" aria-pressed=${off[c] ? 'false' : 'true'}
          class=${'toggle cat-' + c + (off[c] ? '' : ' on')} data-testid=${'feed-filter-' + c}
          onClick=${() => setOff({ ...off, [c]: !off[c] })}>${tr(T, 'cat_' + c)}</button>`)}
    </div>
    <div class="dir-scroll">
      ${shown.length ? html`<ol class="dir-feed-list" data-testid="feed">
        ${shown.map((en) => {
          const d = describe(en, ctx);
          return html`<li key=${en.id} data-testid="feed-item" data-type=${en.type}
              class=${'dir-feed-item cat-' + (CAT_OF[en.type] || 'clock') + (d.tone ? ' tone-' + d.tone : '')}>
            <div class="when">
              <span class="ex" title=${tr(T, 't_ex')}>${fmtEx(d.t)}</span>
              <span class="real" title=${tr(T, 't_real')}>${fmtReal(en.at_ms, false)}</span>
            </div>
            <div class="what">
              <div class="text">${d.text}</div>
              ${d.quote ? html`<blockquote>${d.quote}</blockquote>` : null}
              ${d.extra ? html`<div class="extra">${d.extra}</div>` : null}
            </div>
          </li>`;
        })}
      </ol>` : html`<p class="muted dir-empty" data-testid="feed">${tr(T, 'no_events')}</p>`}
      ${total > shown.length ? html`<p class="dir-more"><button type="button"
          onClick=${() => setLimit(limit + 300)}>${tr(T, 'more')} (${total - shown.length})</button></p>` : null}
    </div>
  <//>`;
}

// ---------------------------------------------------------------- state board

export function StateBoard({ ex, state, error }) {
  const n = useMemo(() => names(ex), [ex]);
  return html`<${Panel} class="dir-states" title=${tr(T, 'states')}>
    <${ErrorBox} error=${error} />
    ${!state && !error ? html`<${Loading} />` : null}
    <div class="dir-scroll" data-testid="state-board">
      ${state ? (ex.machines || []).map((m) => {
        const rows = (state.states || []).filter((s) => s.machine === m.id);
        if (!rows.length) return null;
        const last = m.states.length - 1;
        return html`<table class="dir-ladder" key=${m.id} data-machine=${m.id}>
          <colgroup><col class="dir-col-body" />${m.states.map(() => html`<col />`)}</colgroup>
          <caption>${machineName(ex, m.id)}</caption>
          <thead><tr><th scope="col">${tr(T, 'body')}</th>
            ${m.states.map((s, i) => html`<th scope="col" class=${'lvl-' + Math.round((i / Math.max(last, 1)) * 3)}>${s.name}</th>`)}
          </tr></thead>
          <tbody>${rows.map((r) => {
            const cur = m.states.findIndex((s) => s.id === r.state);
            const lvl = Math.round((cur / Math.max(last, 1)) * 3);
            return html`<tr key=${r.body} data-body=${r.body} data-state=${r.state}>
              <th scope="row">${n[r.body] || r.body}</th>
              ${m.states.map((s, i) => html`<td class=${i < cur ? 'passed lvl-' + lvl : i === cur ? 'cur lvl-' + lvl : ''}
                  aria-label=${i === cur ? s.name : null}>${i === cur
                    ? html`<span class="marker" aria-hidden="true">●</span>` : null}</td>`)}
            </tr>`;
          })}</tbody>
        </table>`;
      }) : null}
      ${state && !(state.states || []).length ? html`<p class="muted">${tr(T, 'no_states')}</p>` : null}
    </div>
  <//>`;
}

// ---------------------------------------------------------------- screen

export function Director(props) {
  useLang();
  const { x, ex, live, receivedAt, reloadExercise } = props;
  const nowReal = useNow(1000);
  const [injects, injErr, reloadInj] = useLiveData(live, () => get(`/api/exercises/${x}/injects`), [x]);
  const [exps, expErr, reloadExps] = useLiveData(live, () => get(`/api/exercises/${x}/expectations`), [x]);
  const [state, stErr] = useLiveData(live, () => get(`/api/exercises/${x}/state`), [x]);
  const [acts, setActs] = useState(null);
  const [docs, setDocs] = useState(null);
  useEffect(() => {
    get(`/api/exercises/${x}/activities`).then(setActs, () => setActs([]));
    get(`/api/exercises/${x}/documents`).then(setDocs, () => setDocs([]));
  }, [x]);
  void nowReal;
  const now = ex.clock && ex.clock.started && ex.status !== 'ended'
    ? exerciseNow(ex.clock, receivedAt) : null;
  const nextInject = useMemo(() => (injects || [])
    .filter((i) => i.status === 'pending' && i.planned !== null && i.planned !== undefined
      && (now === null || i.planned > now))
    .sort((a, b) => a.planned - b.planned)[0], [injects, now]);
  const reloadBoth = () => { reloadInj(); reloadExps(); };
  return html`<div class="director" data-testid="director">
    <${ControlBar} x=${x} ex=${ex} reloadExercise=${reloadExercise} nextInject=${nextInject} />
    <div class="dir-grid">
      <${Injects} x=${x} ex=${ex} injects=${injects} error=${injErr} expectations=${exps}
                  now=${now} reload=${reloadBoth} />
      <${Expectations} ex=${ex} exps=${exps} error=${expErr} injects=${injects} now=${now} />
      <${Feed} ex=${ex} live=${live} injects=${injects} exps=${exps} acts=${acts} docs=${docs} />
      <${StateBoard} ex=${ex} state=${state} error=${stErr} />
    </div>
  </div>`;
}
