// What the preparation screens share (screens/prep*.js): the words of
// tasks, documents, rehearsals and findings in Vietnamese and English, real
// dates in the plan's time zone, a fetch-and-refresh hook, the workflow
// stamps and a message line.  Preparation happens before day N and does
// not go through the exercise feed, so views refetch after each change and
// poll slowly while they are open.

import { html, useCallback, useEffect, useRef, useState } from '../lib.js';
import { ApiError } from '../api.js';
import { getLang, tr } from '../i18n.js';

export const W = {
  vi: {
    // task statuses and their actions
    st_open: 'Chưa thực hiện', st_doing: 'Đang thực hiện', st_done: 'Đã xong', st_cancelled: 'Đã hủy',
    do_open: 'Mở lại', do_doing: 'Bắt đầu thực hiện', do_done: 'Đánh dấu đã xong', do_cancelled: 'Hủy nhiệm vụ',
    overdue_n: 'Quá hạn {0} ngày', overdue_today: 'Quá hạn hôm nay', left_n: 'Còn {0} ngày', due_today: 'Hạn hôm nay',
    blocked: 'Đang chờ nhiệm vụ khác',
    // document workflow
    wf_draft: 'Dự thảo', wf_appraised: 'Đã thẩm định', wf_approved: 'Đã thông qua', wf_issued: 'Đã ban hành',
    step_version: 'Thêm phiên bản', step_appraise: 'Thẩm định', step_approve: 'Thông qua',
    step_issue: 'Ban hành', step_return: 'Trả lại',
    // findings
    sev_low: 'Thấp', sev_medium: 'Trung bình', sev_high: 'Cao',
    fs_open: 'Chưa xử lý', fs_task: 'Đã giao nhiệm vụ', fs_resolved: 'Đã khắc phục',
    // rehearsal kinds
    'k_khop-tinh-huong': 'Khớp tình huống', 'k_luyen-tap-co-che': 'Luyện tập phần cơ chế',
    'k_dien-tap-thu': 'Diễn tập thử', 'k_tong-duyet': 'Tổng duyệt',
    // misc
    close: 'Đóng', cancel: 'Hủy bỏ', save: 'Lưu', saving: 'Đang lưu…',
    refused: 'Máy chủ từ chối: {0}',
    e_blocked: 'Chưa thể hoàn thành: còn nhiệm vụ phụ thuộc chưa xong.',
    e_dependency_cycle: 'Các nhiệm vụ phụ thuộc vòng tròn lẫn nhau.',
    e_workflow: 'Bước này không hợp với trạng thái hiện tại của văn kiện.',
    e_forbidden: 'Bạn không có quyền thực hiện thao tác này.',
    body: 'Cơ quan', person: 'Cá nhân',
    none: '—',
  },
  en: {
    st_open: 'Not started', st_doing: 'In progress', st_done: 'Done', st_cancelled: 'Cancelled',
    do_open: 'Reopen', do_doing: 'Start work', do_done: 'Mark done', do_cancelled: 'Cancel task',
    overdue_n: '{0} days overdue', overdue_today: 'Overdue today', left_n: '{0} days left', due_today: 'Due today',
    blocked: 'Waiting for another task',
    wf_draft: 'Draft', wf_appraised: 'Appraised', wf_approved: 'Approved', wf_issued: 'Issued',
    step_version: 'Add a version', step_appraise: 'Appraise', step_approve: 'Approve',
    step_issue: 'Issue', step_return: 'Return',
    sev_low: 'Low', sev_medium: 'Medium', sev_high: 'High',
    fs_open: 'Open', fs_task: 'Task assigned', fs_resolved: 'Resolved',
    'k_khop-tinh-huong': 'Situation matching', 'k_luyen-tap-co-che': 'Mechanism rehearsal',
    'k_dien-tap-thu': 'Trial run', 'k_tong-duyet': 'Dress rehearsal',
    close: 'Close', cancel: 'Cancel', save: 'Save', saving: 'Saving…',
    refused: 'Refused by the server: {0}',
    e_blocked: 'Cannot be done yet: a task it depends on is not done.',
    e_dependency_cycle: 'The dependencies form a cycle.',
    e_workflow: 'This step does not fit the document\u2019s current status.',
    e_forbidden: 'You may not do this.',
    body: 'Body', person: 'Person',
    none: '—',
  },
};

export const w = (key, ...args) => tr(W, key, ...args);
export const REHEARSAL_KINDS = ['khop-tinh-huong', 'luyen-tap-co-che', 'dien-tap-thu', 'tong-duyet'];
export const TASK_STATUSES = ['open', 'doing', 'done', 'cancelled'];
export const SEVERITIES = ['high', 'medium', 'low'];
export const STAFF = ['director', 'controller', 'evaluator'];
export const MANAGERS = ['director', 'controller'];

export const DAY = 86400000;
const pad = (n) => String(n).padStart(2, '0');

// A real time (Unix ms) as a date in the plan's zone: 01/12/2026, with
// the time in front when it is not midnight (17:00 01/12/2026).
export function fmtDay(ms, tzMin = 420, withTime = true) {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms + tzMin * 60000);
  const date = `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
  const hm = d.getUTCHours() * 60 + d.getUTCMinutes();
  return withTime && hm ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} ${date}` : date;
}

// Exercise time t from the plan's notation ("N-10 00:00", "N+1 07:30").
export function tOfText(s) {
  const m = String(s || '').match(/^\s*N\s*(?:([+-])\s*(\d+))?(?:\s+(\d{1,2}):(\d{2}))?\s*$/i);
  if (!m) return null;
  const d = m[1] ? (m[1] === '-' ? -1 : 1) * +m[2] : 0;
  return d * DAY + ((+m[3] || 0) * 60 + (+m[4] || 0)) * 60000;
}

// Real time of exercise time t (ms since 00:00 of day N, or its text),
// when day N is a date.
export function realOfT(ex, t) {
  if (typeof t === 'string') t = tOfText(t);
  if (t === null || t === undefined || !ex || !ex.n_date) return null;
  const [y, m, d] = ex.n_date.split('-').map(Number);
  return Date.UTC(y, m - 1, d) - (ex.tz_offset_min || 0) * 60000 + t;
}

// Whole days from `now` to `due` in the plan's zone (calendar days).
export function dayDiff(due, now, tzMin = 420) {
  const day = (ms) => Math.floor((ms + tzMin * 60000) / DAY);
  return day(due) - day(now);
}

// "Quá hạn 3 ngày" / "Còn 5 ngày" / "Hạn hôm nay"; tone bad / soon / ''.
export function dueWords(dueMs, nowMs, tzMin, overdue, closed) {
  if (dueMs === null || dueMs === undefined) return { text: '', tone: '' };
  const d = dayDiff(dueMs, nowMs, tzMin);
  if (closed) return { text: '', tone: '' };
  if (overdue || dueMs < nowMs) {
    return d < 0 ? { text: w('overdue_n', -d), tone: 'bad', days: -d } : { text: w('overdue_today'), tone: 'bad', days: 0 };
  }
  if (d === 0) return { text: w('due_today'), tone: 'soon' };
  return { text: w('left_n', d), tone: d <= 3 ? 'soon' : '' };
}

// Fetch with reload; refetches every pollMs while the page is visible.
// Returns [data, error, reload].
export function useData(fetcher, deps, pollMs = 0) {
  const [state, setState] = useState({ data: null, error: null });
  const alive = useRef(true);
  const load = useCallback(() => fetcher().then(
    (data) => { if (alive.current) setState({ data, error: null }); },
    (error) => { if (alive.current) setState((s) => ({ data: s.data, error })); }), deps);
  useEffect(() => {
    alive.current = true;
    setState({ data: null, error: null });
    load();
    let id = null;
    if (pollMs) id = setInterval(() => { if (!document.hidden) load(); }, pollMs);
    const onFocus = () => load();
    window.addEventListener('focus', onFocus);
    return () => { alive.current = false; clearInterval(id); window.removeEventListener('focus', onFocus); };
  }, deps);
  return [state.data, state.error, load];
}

// The message of a failed request as an officer should read it.
export function failure(err) {
  if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401) {
    const k = 'e_' + err.code;
    if (W.vi[k]) return `${w(k)} (${err.message})`;
    return w('refused', err.message);
  }
  return (err && err.message) || String(err);
}

export function Msg({ msg, onClose }) {
  if (!msg) return null;
  return html`<div class=${'prep-msg ' + (msg.ok ? 'ok' : 'error')} role=${msg.ok ? 'status' : 'alert'}
      data-testid="prep-message">
    <span>${msg.text}</span>
    ${onClose ? html`<button type="button" class="link" aria-label=${w('close')} onClick=${onClose}>×</button>` : null}
  </div>`;
}

// The workflow status of a document as a rubber stamp.
export function Stamp({ status, small }) {
  const s = status || 'draft';
  return html`<span class=${'stamp stamp-' + s + (small ? ' small' : '')} data-testid="doc-stamp"
      data-status=${s}>${w('wf_' + s)}</span>`;
}

export function TaskStatus({ status }) {
  return html`<span class=${'tstatus ts-' + status} data-testid="task-status" data-status=${status}>${w('st_' + status)}</span>`;
}

export function Severity({ s }) {
  return html`<span class=${'sev sev-' + s} data-severity=${s}>${w('sev_' + s)}</span>`;
}

// The kind of a rehearsal in the current language (the server's label as a fallback).
export function rehearsalKind(kind, label) {
  const k = 'k_' + kind;
  if (W.vi[k]) return w(k);
  return label || kind;
}

// Every person the plan names in its committees, by id, with the roles
// they play: { id: { id, name, title, roles: [...] } }.
export function peopleOf(committees) {
  const m = {};
  const add = (p, roles) => {
    if (!p || !p.id) return;
    if (!m[p.id]) m[p.id] = { ...p, roles: [] };
    for (const r of roles || []) if (!m[p.id].roles.includes(r)) m[p.id].roles.push(r);
  };
  for (const c of (committees && committees.committees) || []) {
    add(c.head, []);
    for (const mem of c.members || []) add(mem.person, mem.roles);
  }
  return m;
}

// Vietnamese collation for names.
export const collator = () => new Intl.Collator(getLang() === 'en' ? 'en' : 'vi');

// The message of a successful step, fading after a while.
export function useMsg() {
  const [msg, setMsg] = useState(null);
  useEffect(() => {
    if (!msg || !msg.ok) return undefined;
    const id = setTimeout(() => setMsg(null), 6000);
    return () => clearTimeout(id);
  }, [msg]);
  return [msg, setMsg];
}

// Run an async step with busy state and a message: returns [busy, msg, setMsg, run].
export function useStep() {
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useMsg();
  const run = async (fn, okText) => {
    setBusy(true);
    setMsg(null);
    try {
      const r = await fn();
      if (okText) setMsg({ ok: true, text: typeof okText === 'function' ? okText(r) : okText });
      return r === undefined ? true : r;
    } catch (err) {
      setMsg({ ok: false, text: failure(err) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return [busy, msg, setMsg, run];
}

// Attachments as links (GET …/attachments/{a} sends the file).
export function AttachmentLinks({ x, list }) {
  if (!list || !list.length) return null;
  return html`<ul class="prep-atts">${list.map((a) => html`<li key=${a.id}>
    <a href=${`/api/exercises/${x}/attachments/${a.id}`} download=${a.name}>${a.name}</a>
    <span class="muted"> ${Math.max(1, Math.round((a.size || 0) / 1024))} KiB</span></li>`)}</ul>`;
}
