// The player's workspace (bàn làm việc vai tập): the situations released to
// my roles (hộp tình huống), answering them, the other acts a role performs
// (issuing a document, holding a conference, asking for a state transition),
// my deadlines and the states of my bodies.  The server filters everything
// to my roles and clearance and enforces every right; refusals of the
// doctrine come back as 409 "refused" and are shown with their reason.

import { html, useState, useEffect, useMemo, useRef, useCallback } from '../lib.js';
import { get, post, api, ApiError } from '../api.js';
import { t, tr, fmtEx, fmtReal, fmtDur, useLang } from '../i18n.js';
import { useLiveData } from '../live.js';
import { Mark, Pill, Panel, ErrorBox, Loading, names, stateName, exerciseNow, useNow } from '../ui.js';
import { ACTION_KINDS, DOC_TYPES, EXPECT_KINDS, word } from '../describe.js';

const T = {
  vi: {
    title: 'Bàn làm việc vai tập',
    my_roles: 'Vai tập của tôi',
    unread: 'chưa đọc',
    unread_aria: '{0} tình huống chưa đọc',
    new_inject: 'Tình huống mới',
    new_more: 'và {0} tình huống khác',
    open_it: 'Mở tình huống',
    open_latest: 'Mở tình huống mới nhất chưa đọc',
    dismiss: 'Đóng thông báo',
    inbox: 'Hộp tình huống',
    all_roles: 'Tất cả',
    mark_all: 'Đánh dấu đã đọc hết',
    no_injects: 'Chưa có tình huống nào được phát cho vai của bạn.',
    no_injects_role: 'Chưa có tình huống nào cho vai này.',
    released_at: 'Thời điểm phát',
    real_at: 'giờ thực {0}',
    from: 'Từ', to: 'Gửi', classification: 'Độ mật',
    directing: 'Ban Đạo diễn',
    unread_dot: 'Chưa đọc', read_dot: 'Đã đọc',
    detail: 'Nội dung tình huống',
    pick: 'Chọn một tình huống trong hộp để xem toàn văn và trả lời.',
    requirements: 'Yêu cầu của tình huống',
    my_answers: 'Đã trả lời',
    answer: 'Trả lời tình huống',
    kind: 'Hình thức',
    role: 'Với vai',
    text: 'Nội dung',
    text_ph: 'Nội dung báo cáo, mệnh lệnh, quyết định xử trí…',
    attachments: 'Tệp đính kèm',
    choose_files: 'Chọn tệp…', no_files: 'Chưa chọn tệp', n_files: 'Đã chọn {0} tệp',
    att_hint: 'PDF, ảnh PNG/JPEG, văn bản, DOCX, XLSX, ODT; tối đa 8 MiB mỗi tệp.',
    send: 'Gửi',
    expected: 'đang được yêu cầu',
    sending: 'Đang gửi…',
    uploading: 'Đang tải tệp {0}…',
    ok_met: 'Đã ghi nhận. Đáp ứng {0} yêu cầu đúng hạn.',
    ok_late: 'Đã ghi nhận. {0} yêu cầu được đáp ứng nhưng trễ hạn.',
    ok_met_late: 'Đã ghi nhận. Đáp ứng {0} yêu cầu đúng hạn, {1} yêu cầu trễ hạn.',
    ok_none: 'Đã ghi nhận, nhưng không đáp ứng yêu cầu nào đang chờ.',
    ok_transition: 'Đề nghị được chấp nhận: {0} chuyển sang «{1}».',
    refused: 'Bị từ chối',
    rule: 'Quy tắc',
    other_acts: 'Hoạt động khác của vai',
    doc_form: 'Ban hành văn kiện',
    doc_plan: 'Văn kiện trong kế hoạch',
    doc_other: 'Văn kiện khác, theo loại',
    document: 'Văn kiện',
    doc_type: 'Loại văn kiện',
    doc_mine: 'Của cơ quan tôi',
    doc_others: 'Văn kiện khác',
    issue: 'Ban hành',
    doc_note: 'Trích yếu / ghi chú',
    conf_form: 'Tổ chức hội nghị',
    conference: 'Hội nghị',
    conf_none: '— Hội nghị ngoài kế hoạch —',
    attendees: 'Thành phần dự',
    outputs: 'Văn kiện thông qua',
    conf_note: 'Kết luận / ghi chú',
    record: 'Ghi nhận hội nghị',
    chosen: 'đã chọn {0}',
    tr_form: 'Đề nghị chuyển trạng thái',
    machine: 'Trạng thái',
    body: 'Cơ quan, đơn vị / địa phương',
    state: 'Chuyển sang',
    current: 'hiện tại',
    mine: 'Của vai tôi',
    near: 'Trên địa bàn',
    others: 'Khác',
    tr_note: 'Căn cứ / lý do',
    request: 'Đề nghị chuyển',
    deadlines: 'Hạn của tôi',
    no_deadlines: 'Chưa có yêu cầu nào đối với vai của bạn.',
    deadline: 'Hạn',
    left: 'Còn lại',
    overdue: 'quá {0}',
    requirement: 'Yêu cầu',
    status: 'Kết quả',
    no_deadline: 'không hạn',
    no_open: 'Không còn yêu cầu nào đang chờ.',
    done: 'Đã xong',
    states: 'Trạng thái đơn vị, địa phương',
    show_all: 'Xem tất cả',
    show_mine: 'Chỉ của tôi',
    no_states: 'Không có trạng thái nào để hiển thị.',
    not_running: 'Cuộc diễn tập chưa bắt đầu hoặc đang tạm dừng: có thể chưa gửi được hành động.',
    issued_s: 'đã ban hành',
    by: 'Người thực hiện',
    file_remove: 'Bỏ tệp {0}',
    file_n: 'Tệp #{0}',
  },
  en: {
    title: "Player's workspace",
    my_roles: 'My roles',
    unread: 'unread',
    unread_aria: '{0} unread situations',
    new_inject: 'New situation',
    new_more: 'and {0} more',
    open_it: 'Open situation',
    open_latest: 'Open the newest unread situation',
    dismiss: 'Dismiss',
    inbox: 'Situations inbox',
    all_roles: 'All',
    mark_all: 'Mark all read',
    no_injects: 'No situation has been released to your roles yet.',
    no_injects_role: 'No situation for this role yet.',
    released_at: 'Released at',
    real_at: 'real time {0}',
    from: 'From', to: 'To', classification: 'Classification',
    directing: 'Directing staff',
    unread_dot: 'Unread', read_dot: 'Read',
    detail: 'Situation',
    pick: 'Choose a situation in the inbox to read it in full and answer it.',
    requirements: 'What the situation asks for',
    my_answers: 'Answered',
    answer: 'Answer the situation',
    kind: 'Kind',
    role: 'As role',
    text: 'Text',
    text_ph: 'Text of the report, order, decision…',
    attachments: 'Attachments',
    choose_files: 'Choose files…', no_files: 'No file chosen', n_files: '{0} file(s) chosen',
    att_hint: 'PDF, PNG/JPEG images, text, DOCX, XLSX, ODT; at most 8 MiB each.',
    send: 'Send',
    expected: 'expected of you',
    sending: 'Sending…',
    uploading: 'Uploading {0}…',
    ok_met: 'Recorded. {0} expectation(s) met in time.',
    ok_late: 'Recorded. {0} expectation(s) met, but late.',
    ok_met_late: 'Recorded. {0} expectation(s) met in time, {1} late.',
    ok_none: 'Recorded, but it met no open expectation.',
    ok_transition: 'Accepted: {0} moves to “{1}”.',
    refused: 'Refused',
    rule: 'Rule',
    other_acts: 'Other acts of my roles',
    doc_form: 'Issue a document',
    doc_plan: 'A document of the plan',
    doc_other: 'Another document, by type',
    document: 'Document',
    doc_type: 'Document type',
    doc_mine: 'Of my body',
    doc_others: 'Other documents',
    issue: 'Issue',
    doc_note: 'Summary / note',
    conf_form: 'Hold a conference',
    conference: 'Conference',
    conf_none: '— Conference not in the plan —',
    attendees: 'Attendees',
    outputs: 'Documents adopted',
    conf_note: 'Conclusions / note',
    record: 'Record the conference',
    chosen: '{0} chosen',
    tr_form: 'Request a state transition',
    machine: 'State',
    body: 'Body / locality',
    state: 'Move to',
    current: 'current',
    mine: 'Of my roles',
    near: 'In my locality',
    others: 'Others',
    tr_note: 'Grounds / reason',
    request: 'Request',
    deadlines: 'My deadlines',
    no_deadlines: 'Nothing is expected of your roles yet.',
    deadline: 'Deadline',
    left: 'Left',
    overdue: '{0} over',
    requirement: 'Expected',
    status: 'Outcome',
    no_deadline: 'no deadline',
    no_open: 'Nothing open.',
    done: 'Done',
    states: 'States of my bodies',
    show_all: 'Show all',
    show_mine: 'Only mine',
    no_states: 'No state to show.',
    not_running: 'The exercise has not started or is paused: actions may not be accepted yet.',
    issued_s: 'issued',
    by: 'By',
    file_remove: 'Remove {0}',
    file_n: 'File #{0}',
  },
};

// Document types as the API takes them, in the order of the list.
const DOC_TYPE_IDS = Object.keys(DOC_TYPES.vi);
const ANSWER_KINDS = ['acknowledge', 'report', 'order', 'decision'];
const LOCALITY_KINDS = ['locality', 'commune', 'district', 'province', 'ward', 'area'];
const MIME_BY_EXT = {
  pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg',
  txt: 'text/plain',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
};
const ACCEPT = '.pdf,.png,.jpg,.jpeg,.txt,.docx,.xlsx,.odt';

const cap = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
const docTypeName = (id) => word(DOC_TYPES, id);
const kindName = (k) => cap(word(EXPECT_KINDS, k));
const actionName = (k) => cap(word(ACTION_KINDS, k));
// A machine's name: the shared words for the two usual ones, else the plan's.
const machineName = (m) => {
  const v = t(m.id);
  return v !== m.id ? v : cap(m.name);
};

// ---------------------------------------------------------------- helpers

// Ids of the injects I have opened, per exercise and user, in localStorage.
function useReadSet(x, userId) {
  const key = `kvpt.read.${x}.${userId}`;
  const load = () => {
    try { return new Set(JSON.parse(localStorage.getItem(key) || '[]')); } catch (e) { return new Set(); }
  };
  const [read, setRead] = useState(load);
  useEffect(() => { setRead(load()); }, [key]);
  useEffect(() => {
    const f = (e) => { if (e.key === key) setRead(load()); };
    window.addEventListener('storage', f);
    return () => window.removeEventListener('storage', f);
  }, [key]);
  const mark = useCallback((ids) => {
    setRead((old) => {
      const s = new Set(old);
      let changed = false;
      for (const id of ids) if (!s.has(id)) { s.add(id); changed = true; }
      if (!changed) return old;
      try { localStorage.setItem(key, JSON.stringify([...s])); } catch (e) { /* full */ }
      return s;
    });
  }, [key]);
  return [read, mark];
}

// Injects arriving while the screen is open: from the feed at once, and from
// the refetched list (ids not seen before) for whatever the feed folded.
function useArrivals(live, injects, read) {
  const mountLast = useRef(live.lastId);
  const known = useRef(null);
  const alerted = useRef(new Set());
  const [arrivals, setArrivals] = useState([]);
  const [flash, setFlash] = useState(0);
  const add = (ids) => {
    if (!ids.length) return;
    setArrivals((a) => [...ids.filter((i) => !a.includes(i)), ...a]);
    setFlash((n) => n + 1);
  };
  useEffect(() => {
    const e = live.last;
    if (!e || e.type !== 'inject.released' || e.id <= mountLast.current) return;
    const id = e.event && e.event.inject;
    if (!id || alerted.current.has(id) || read.has(id)) return;
    alerted.current.add(id);
    add([id]);
  }, [live.lastId]);
  useEffect(() => {
    if (!injects) return;
    if (!known.current) {
      known.current = new Set(injects.map((i) => i.id));
      return;
    }
    const fresh = [];
    for (const i of injects) {
      if (known.current.has(i.id)) continue;
      known.current.add(i.id);
      if (!alerted.current.has(i.id) && !read.has(i.id)) {
        alerted.current.add(i.id);
        fresh.push(i.id);
      }
    }
    add(fresh);
  }, [injects]);
  // Opened elsewhere (another tab) or here: no longer news.
  useEffect(() => {
    setArrivals((a) => (a.some((id) => read.has(id)) ? a.filter((id) => !read.has(id)) : a));
  }, [read]);
  return [arrivals, setArrivals, flash];
}

function mimeOf(file) {
  if (file.type) return file.type;
  const ext = (file.name.split('.').pop() || '').toLowerCase();
  return MIME_BY_EXT[ext] || 'application/octet-stream';
}

export async function uploadAll(x, files, onProgress) {
  const ids = [];
  for (const f of files) {
    if (onProgress) onProgress(f.name);
    const r = await api('POST', `/api/exercises/${x}/attachments`, f, {
      headers: { 'Content-Type': mimeOf(f), 'X-Filename': encodeURIComponent(f.name) },
    });
    ids.push(r.id);
  }
  return ids;
}

// The bodies of my roles, their units below and their way up to the locality.
function myBodies(ex, roles, states) {
  const byId = {};
  for (const b of ex.bodies || []) byId[b.id] = b;
  const withState = new Set((states || []).map((s) => s.body));
  const out = [];
  const add = (id) => { if (id && byId[id] && !out.includes(id)) out.push(id); };
  const own = [];
  for (const r of ex.roles || []) if (roles.includes(r.id) && r.body) own.push(r.body);
  // The locality first (its defense state matters to every role), then the
  // bodies above mine up to it, then mine and the units under them.
  for (const b of own) {
    const up = [];
    let cur = byId[b];
    let hops = 0;
    while (cur && hops++ < 50) {
      if (cur.id !== b && withState.has(cur.id)) up.push(cur.id);
      if (LOCALITY_KINDS.includes(cur.kind)) { if (!up.includes(cur.id)) up.push(cur.id); break; }
      cur = byId[cur.parent];
    }
    up.reverse().forEach(add);
  }
  for (const b of own) {
    add(b);
    const bk = byId[b] && byId[b].kind;
    if (!LOCALITY_KINDS.includes(bk)) {
      for (const c of ex.bodies || []) if (c.parent === b && withState.has(c.id)) add(c.id);
    }
  }
  return out;
}

// Whether an expectation is owed by one of my roles (as the engine's owes():
// no one named, my role, or a body my role's body lies within).
function makeOwes(ex, roles) {
  const parent = {};
  for (const b of ex.bodies || []) parent[b.id] = b.parent;
  const myB = (ex.roles || []).filter((r) => roles.includes(r.id)).map((r) => r.body);
  return (e) => {
    if (!e.by) return true;
    if (roles.includes(e.by)) return true;
    if (!(e.by in parent)) return false;
    return myB.some((b) => {
      for (let cur = b, hops = 0; cur && hops < 64; cur = parent[cur], hops++) if (cur === e.by) return true;
      return false;
    });
  };
}

// The bodies inside the localities of my roles (for choosing a body).
function withinLocality(ex, relevant) {
  const byId = {};
  for (const b of ex.bodies || []) byId[b.id] = b;
  const locs = new Set(relevant.filter((id) => byId[id] && LOCALITY_KINDS.includes(byId[id].kind)));
  const out = new Set();
  for (const b of ex.bodies || []) {
    for (let cur = b, hops = 0; cur && hops < 64; cur = byId[cur.parent], hops++) {
      if (locs.has(cur.id)) { out.add(b.id); break; }
    }
  }
  return out;
}

// --------------------------------------------------------------- pieces

function Result({ result }) {
  if (!result) return null;
  if (result.error) {
    const e = result.error;
    if (e instanceof ApiError && e.code === 'refused') {
      const rule = e.body && e.body.error && e.body.error.rule;
      return html`<div class="pl-refusal" role="alert" data-testid="refusal" data-rule=${rule || ''}>
        <strong>${tr(T, 'refused')}:</strong> ${e.message}
        ${rule ? html`<span class="pl-rule">${tr(T, 'rule')}: <code>${rule}</code></span>` : null}
      </div>`;
    }
    return html`<${ErrorBox} error=${e} />`;
  }
  return html`<div class=${'pl-ok' + (result.warn ? ' warn' : '')} role="status"
      data-testid="action-result" data-met=${result.met} data-late=${result.late}>${result.text}</div>`;
}

function answerText(r) {
  if (r.met && r.late) return { text: tr(T, 'ok_met_late', r.met, r.late), warn: true };
  if (r.met) return { text: tr(T, 'ok_met', r.met), warn: false };
  if (r.late) return { text: tr(T, 'ok_late', r.late), warn: true };
  return { text: tr(T, 'ok_none'), warn: true };
}

function RoleSelect({ roles, nm, value, onChange, id }) {
  if (roles.length < 2) return null;
  return html`<label for=${id}>${tr(T, 'role')}
    <select id=${id} name="role" value=${value} onChange=${(e) => onChange(e.target.value)}>
      ${roles.map((r) => html`<option value=${r}>${nm[r] || r}</option>`)}
    </select></label>`;
}

// The file picker and the upload, shared with the preparation screens.
export function FilePicker({ files, setFiles, id }) {
  const ref = useRef(null);
  return html`<div class="pl-files">
    <span class="pl-files-title">${tr(T, 'attachments')}</span>
    <div class="pl-filepick">
      <input id=${id} ref=${ref} type="file" name="attachment" multiple accept=${ACCEPT}
        class="pl-file-input" onChange=${(e) => setFiles([...e.target.files])} />
      <label for=${id} class="button">${tr(T, 'choose_files')}</label>
      <span class="muted">${files.length ? tr(T, 'n_files', files.length) : tr(T, 'no_files')}</span>
    </div>
    <span class="pl-hint muted">${tr(T, 'att_hint')}</span>
    ${files.length ? html`<ul class="pl-filelist">${files.map((f, i) => html`<li key=${f.name + i}>
      <span>${f.name}</span> <span class="muted">${Math.max(1, Math.round(f.size / 1024))} KiB</span>
      <button type="button" class="pl-x" aria-label=${tr(T, 'file_remove', f.name)}
        onClick=${() => { setFiles(files.filter((g) => g !== f)); if (ref.current) ref.current.value = ''; }}>×</button>
    </li>`)}</ul>` : null}
  </div>`;
}

// Submit an action (after uploading its files); returns [busy, result, run].
function useAction(x) {
  const [busy, setBusy] = useState('');
  const [result, setResult] = useState(null);
  const run = async (body, files, describe) => {
    setBusy(tr(T, 'sending'));
    setResult(null);
    try {
      if (files && files.length) {
        body.attachments = await uploadAll(x, files, (n) => setBusy(tr(T, 'uploading', n)));
      }
      const r = await post(`/api/exercises/${x}/actions`, body);
      setResult({ ...(describe ? describe(r) : answerText(r)), met: r.met, late: r.late });
      return true;
    } catch (e) {
      setResult({ error: e });
      return false;
    } finally {
      setBusy('');
    }
  };
  return [busy, result, run, setResult];
}

// ----------------------------------------------------------- the inbox

function Inbox({ injects, read, openId, onOpen, roles, nm, filter, setFilter, unreadOf, onMarkAll, fresh }) {
  const list = (injects || []).filter((i) => !filter || (i.to || []).includes(filter));
  const unreadAll = unreadOf(null);
  return html`<${Panel} title=${tr(T, 'inbox')} class="pl-inbox"
      actions=${unreadAll ? html`<button type="button" onClick=${onMarkAll}>${tr(T, 'mark_all')}</button>` : null}>
    ${roles.length > 1 ? html`<div class="pl-rolefilter" role="group" aria-label=${tr(T, 'my_roles')}>
      ${[null, ...roles].map((r) => {
        const n = unreadOf(r);
        return html`<button type="button" class=${'pl-chip' + (filter === r ? ' active' : '')}
            aria-pressed=${filter === r} onClick=${() => setFilter(r)}>
          ${r ? nm[r] || r : tr(T, 'all_roles')}
          <span class=${'pl-count' + (n ? ' on' : '')} data-testid=${r ? 'unread-count-role' : null}
            data-role=${r || null} data-count=${n}>${n}</span>
        </button>`;
      })}
    </div>` : null}
    ${!injects ? html`<${Loading} />` : null}
    ${injects && !list.length ? html`<p class="muted">${tr(T, filter ? 'no_injects_role' : 'no_injects')}</p>` : null}
    <ul class="pl-list" role="list">
      ${list.map((i) => {
        const unread = !read.has(i.id);
        return html`<li key=${i.id}>
          <button type="button" data-testid="inbox-item" data-inject=${i.id}
              class=${'pl-item' + (unread ? ' unread' : '') + (openId === i.id ? ' open' : '') + (fresh.includes(i.id) ? ' fresh' : '')}
              aria-current=${openId === i.id ? 'true' : null} onClick=${() => onOpen(i.id)}>
            <span class="pl-item-top">
              <span class="pl-dot" title=${tr(T, unread ? 'unread_dot' : 'read_dot')}
                aria-label=${tr(T, unread ? 'unread_dot' : 'read_dot')}></span>
              <span class="pl-time">${fmtEx(i.released_at)}</span>
              <${Mark} c=${i.classification} />
            </span>
            <span class="pl-item-title">${i.title}</span>
            <span class="pl-item-meta">${`${tr(T, 'from')}: ${i.from ? nm[i.from] || i.from : tr(T, 'directing')} · ${
              tr(T, 'to')}: ${(i.to || []).map((r) => nm[r] || r).join(', ')}`}</span>
          </button>
        </li>`;
      })}
    </ul>
  <//>`;
}

// ------------------------------------------------- the opened situation

function AnswerForm({ x, inject, roles, nm, exps, owes, running }) {
  const mineTo = roles.filter((r) => (inject.to || []).includes(r));
  const defRole = mineTo[0] || roles[0];
  const openKinds = (exps || []).filter((e) => e.inject === inject.id && e.status === 'open'
                                        && ANSWER_KINDS.includes(e.kind) && owes(e)).map((e) => e.kind);
  const [kind, setKind] = useState(openKinds[0] || 'acknowledge');
  const [role, setRole] = useState(defRole);
  const [text, setText] = useState('');
  const [files, setFiles] = useState([]);
  const [busy, result, run, setResult] = useAction(x);
  const fileKey = useRef(0);
  const touched = useRef(false);
  useEffect(() => {
    touched.current = false;
    setKind(openKinds[0] || 'acknowledge'); setRole(defRole); setText(''); setFiles([]); setResult(null);
  }, [inject.id]);
  // Until the user chooses, offer the kind still expected of me.
  useEffect(() => {
    if (!touched.current && openKinds.length) setKind(openKinds[0]);
  }, [openKinds.join(',')]);
  const submit = async (e) => {
    e.preventDefault();
    const body = { kind, role, inject: inject.id };
    if (text.trim()) body.text = text;
    if (await run(body, files)) { setText(''); setFiles([]); fileKey.current++; }
  };
  return html`<form class="pl-form pl-answer" data-testid="answer-form" onSubmit=${submit}
      aria-labelledby="pl-answer-h">
    <h3 id="pl-answer-h">${tr(T, 'answer')}</h3>
    <div class="row">
      <label for="pl-a-kind">${tr(T, 'kind')}
        <select id="pl-a-kind" name="kind" value=${kind}
            onChange=${(e) => { touched.current = true; setKind(e.target.value); }}>
          ${ANSWER_KINDS.map((k) => html`<option value=${k}>${actionName(k)}${openKinds.includes(k) ? ' — ' + tr(T, 'expected') : ''}</option>`)}
        </select></label>
      <${RoleSelect} id="pl-a-role" roles=${roles} nm=${nm} value=${role} onChange=${setRole} />
    </div>
    <label for="pl-a-text">${tr(T, 'text')}
      <textarea id="pl-a-text" name="text" rows="5" maxlength="65536" placeholder=${tr(T, 'text_ph')}
        value=${text} onInput=${(e) => setText(e.target.value)}></textarea></label>
    <${FilePicker} key=${fileKey.current} id="pl-a-file" files=${files} setFiles=${setFiles} />
    <div class="pl-submit">
      <button type="submit" class="primary" data-testid="answer-submit" disabled=${!!busy}>${busy || tr(T, 'send')}</button>
      ${!running ? html`<span class="muted pl-hint">${tr(T, 'not_running')}</span>` : null}
    </div>
    <${Result} result=${result} />
  </form>`;
}

function InjectDetail({ x, inject, roles, nm, exps, owes, myActions, running, now, firstUnread, onOpen, releasedReal }) {
  if (!inject) {
    return html`<${Panel} title=${tr(T, 'detail')} class="pl-detail"><div class="pl-filepick">
      <p class="muted">${tr(T, 'pick')}</p>
      ${firstUnread ? html`<button type="button" class="primary" onClick=${() => onOpen(firstUnread.id)}>
        ${tr(T, 'open_latest')}</button>` : null}
    </div><//>`;
  }
  const mine = (exps || []).filter((e) => e.inject === inject.id);
  return html`<${Panel} title=${tr(T, 'detail')} class="pl-detail">
    <article data-testid="inject-detail" data-inject=${inject.id}>
      <h3 class="pl-d-title">${inject.title} <${Mark} c=${inject.classification} /></h3>
      <dl class="pl-meta">
        <div><dt>${tr(T, 'released_at')}</dt><dd><span class="pl-time">${fmtEx(inject.released_at)}</span>${releasedReal
          ? html` <span class="muted pl-real">(${tr(T, 'real_at', fmtReal(releasedReal))})</span>` : null}</dd></div>
        <div><dt>${tr(T, 'from')}</dt><dd>${inject.from ? nm[inject.from] || inject.from : tr(T, 'directing')}</dd></div>
        <div class="wide"><dt>${tr(T, 'to')}</dt><dd>${(inject.to || []).map((r, k) => html`${k ? ', ' : ''}<span
            class=${roles.includes(r) ? 'pl-me' : ''}>${nm[r] || r}</span>`)}</dd></div>
      </dl>
      <div class="pl-text">${inject.text}</div>
      ${mine.length ? html`<h3>${tr(T, 'requirements')}</h3>
        <ul class="pl-reqs">${mine.map((e) => html`<li key=${e.id} class=${owes(e) ? 'pl-mine' : ''}>
          <${Pill} status=${e.status} /> <strong>${kindName(e.kind)}</strong>
          <span class="muted">— ${nm[e.by] || e.by}</span>
          ${e.deadline != null ? html`<span class="pl-time">${tr(T, 'deadline')}: ${fmtEx(e.deadline)}</span>` : null}
          ${e.status === 'open' && e.deadline != null ? html`<${TimeLeft} ms=${e.deadline - now} />` : null}
        </li>`)}</ul>` : null}
      ${myActions.length ? html`<h3>${tr(T, 'my_answers')}</h3>
        <ul class="pl-done">${myActions.map((a) => html`<li key=${a.id}>
          <span class="pl-time">${fmtEx(a.event.t)}</span> <strong>${actionName(a.event.kind)}</strong>
          ${roles.length > 1 ? html`<span class="muted">(${nm[a.event.role] || a.event.role})</span>` : null}
          ${a.extra && a.extra.attachments && a.extra.attachments.length ? html`<span class="pl-atts">${
            a.extra.attachments.map((id) => html`<a href=${`/api/exercises/${x}/attachments/${id}`}
              download>${tr(T, 'file_n', id)}</a>`)}</span>` : null}
          ${a.event.text ? html`<span class="pl-snip">${a.event.text}</span>` : null}
        </li>`)}</ul>` : null}
    </article>
    <${AnswerForm} x=${x} inject=${inject} roles=${roles} nm=${nm} exps=${exps} owes=${owes} running=${running} />
  <//>`;
}

function TimeLeft({ ms }) {
  const cls = ms < 0 ? 'bad' : ms < 15 * 60000 ? 'warn' : '';
  return html`<span class=${'pl-left ' + cls}>${ms < 0 ? tr(T, 'overdue', fmtDur(-ms)) : fmtDur(ms)}</span>`;
}

// ------------------------------------------------------------- deadlines

function Deadlines({ exps, injects, nm, now, onOpen, showBy }) {
  const title = (id) => {
    const i = (injects || []).find((j) => j.id === id);
    return i ? i.title : id;
  };
  const list = (exps || []).filter((e) => e.status !== 'waiting');
  const open = list.filter((e) => e.status === 'open').sort((a, b) => (
    (a.deadline ?? Infinity) - (b.deadline ?? Infinity)));
  const closed = list.filter((e) => e.status !== 'open').sort((a, b) => (
    (b.at ?? b.deadline ?? 0) - (a.at ?? a.deadline ?? 0)));
  const row = (e) => html`<tr key=${e.id} data-testid="deadline" data-status=${e.status} data-expectation=${e.id}
      class=${'pl-dl-' + e.status}>
    <td class="time">${e.deadline != null ? fmtEx(e.deadline) : html`<span class="muted">${tr(T, 'no_deadline')}</span>`}
      ${e.status === 'open' && e.deadline != null ? html`<div><${TimeLeft} ms=${e.deadline - now} /></div>` : null}</td>
    <td><strong>${kindName(e.kind)}</strong>
      <button type="button" class="link pl-inj-link" onClick=${() => onOpen(e.inject)}>${title(e.inject)}</button>
      ${showBy && e.by && nm[e.by] ? html`<span class="muted pl-by">${nm[e.by]}</span>` : null}</td>
    <td><${Pill} status=${e.status} />
      ${e.status !== 'open' && e.at != null ? html`<div class="pl-at">${fmtEx(e.at)}</div>` : null}</td>
  </tr>`;
  return html`<${Panel} title=${tr(T, 'deadlines')} class="pl-deadlines">
    ${!exps ? html`<${Loading} />` : !list.length ? html`<p class="muted">${tr(T, 'no_deadlines')}</p>` : html`
    <table>
      <thead><tr><th>${tr(T, 'deadline')}</th><th>${tr(T, 'requirement')}</th><th>${tr(T, 'status')}</th></tr></thead>
      <tbody>${open.length ? open.map(row)
        : html`<tr><td colspan="3" class="muted">${tr(T, 'no_open')}</td></tr>`}</tbody>
      ${closed.length ? html`<tbody class="pl-closed">
        <tr class="pl-sep"><th colspan="3">${tr(T, 'done')}</th></tr>
        ${closed.map(row)}</tbody>` : null}
    </table>`}
  <//>`;
}

// ---------------------------------------------------------------- states

function Ladder({ machine, current }) {
  const idx = machine.states.findIndex((s) => s.id === current);
  return html`<ol class="pl-ladder" aria-label=${machineName(machine)}>
    ${machine.states.map((s, i) => html`<li key=${s.id}
        class=${i === idx ? 'cur' : i < idx ? 'past' : ''} aria-current=${i === idx ? 'step' : null}>${s.name}</li>`)}
  </ol>`;
}

function States({ ex, st, relevant, nm }) {
  const [all, setAll] = useState(false);
  const states = (st && st.states) || [];
  const bodies = [];
  const order = all ? (ex.bodies || []).map((b) => b.id) : relevant;
  for (const b of order) {
    const rows = states.filter((s) => s.body === b);
    if (rows.length) bodies.push([b, rows]);
  }
  return html`<${Panel} title=${tr(T, 'states')} class="pl-states"
      actions=${html`<button type="button" aria-pressed=${all} onClick=${() => setAll(!all)}>
        ${tr(T, all ? 'show_mine' : 'show_all')}</button>`}>
    ${!st ? html`<${Loading} />` : !bodies.length ? html`<p class="muted">${tr(T, 'no_states')}</p>` : html`
    <ul class="pl-statelist">
      ${bodies.map(([b, rows]) => html`<li key=${b} data-testid="state-body" data-body=${b}>
        <div class="pl-body">${nm[b] || b}</div>
        ${rows.map((s) => {
          const m = (ex.machines || []).find((mm) => mm.id === s.machine);
          return html`<div class="pl-machine" data-machine=${s.machine} data-state=${s.state}>
            <span class="pl-mname">${m ? machineName(m) : s.machine}</span>
            ${m ? html`<${Ladder} machine=${m} current=${s.state} />` : html`<span>${s.state}</span>`}
          </div>`;
        })}
      </li>`)}
    </ul>`}
  <//>`;
}

// ------------------------------------------------------------ other acts

function DocumentForm({ x, roles, nm, docs, ownBodies }) {
  const [mode, setMode] = useState('plan');
  const [doc, setDoc] = useState('');
  const [type, setType] = useState('decision');
  const [role, setRole] = useState(roles[0]);
  const [text, setText] = useState('');
  const [files, setFiles] = useState([]);
  const [busy, result, run] = useAction(x);
  const fileKey = useRef(0);
  const list = docs || [];
  const mine = list.filter((d) => ownBodies.includes(d.owner));
  const others = list.filter((d) => !ownBodies.includes(d.owner));
  const chosen = doc || (mine[0] || others[0] || {}).id || '';
  const opt = (d) => html`<option value=${d.id}>${d.title}${d.status === 'issued' ? ' (' + tr(T, 'issued_s') + ')' : ''}</option>`;
  const submit = async (e) => {
    e.preventDefault();
    const body = { kind: 'document', role };
    if (mode === 'plan') body.document = chosen; else body.doc_type = type;
    if (text.trim()) body.text = text;
    if (await run(body, files)) { setText(''); setFiles([]); fileKey.current++; }
  };
  return html`<form class="pl-form pl-card" data-testid="document-form" onSubmit=${submit} aria-labelledby="pl-doc-h">
    <h3 id="pl-doc-h">${tr(T, 'doc_form')}</h3>
    <fieldset class="pl-radios">
      <legend class="sr-only">${tr(T, 'doc_form')}</legend>
      <label class="inline"><input type="radio" name="doc_mode" value="plan" checked=${mode === 'plan'}
        onChange=${() => setMode('plan')} /> ${tr(T, 'doc_plan')}</label>
      <label class="inline"><input type="radio" name="doc_mode" value="type" checked=${mode === 'type'}
        onChange=${() => setMode('type')} /> ${tr(T, 'doc_other')}</label>
    </fieldset>
    ${mode === 'plan' ? html`<label for="pl-d-doc">${tr(T, 'document')}
      <select id="pl-d-doc" name="document" value=${chosen} onChange=${(e) => setDoc(e.target.value)}>
        ${mine.length ? html`<optgroup label=${tr(T, 'doc_mine')}>${mine.map(opt)}</optgroup>` : null}
        ${others.length ? html`<optgroup label=${tr(T, 'doc_others')}>${others.map(opt)}</optgroup>` : null}
      </select></label>` : html`<label for="pl-d-type">${tr(T, 'doc_type')}
      <select id="pl-d-type" name="doc_type" value=${type} onChange=${(e) => setType(e.target.value)}>
        ${DOC_TYPE_IDS.map((d) => html`<option value=${d}>${cap(docTypeName(d))}</option>`)}
      </select></label>`}
    <${RoleSelect} id="pl-d-role" roles=${roles} nm=${nm} value=${role} onChange=${setRole} />
    <label for="pl-d-text">${tr(T, 'doc_note')}
      <textarea id="pl-d-text" name="text" rows="2" value=${text} onInput=${(e) => setText(e.target.value)}></textarea></label>
    <${FilePicker} key=${fileKey.current} id="pl-d-file" files=${files} setFiles=${setFiles} />
    <div class="pl-submit"><button type="submit" class="primary" data-testid="document-submit"
      disabled=${!!busy || (mode === 'plan' && !chosen)}>${busy || tr(T, 'issue')}</button></div>
    <${Result} result=${result} />
  </form>`;
}

function CheckList({ legend, name, items, value, setValue }) {
  return html`<fieldset class="pl-checks">
    <legend>${legend} <span class="muted">(${tr(T, 'chosen', value.length)})</span></legend>
    <div class="pl-checkbox-scroll">
      ${items.map(([id, label, sub]) => html`<label class="inline" key=${id}>
        <input type="checkbox" name=${name} value=${id} checked=${value.includes(id)}
          onChange=${(e) => setValue(e.target.checked ? [...value, id] : value.filter((v) => v !== id))} />
        <span>${label}${sub ? html` <span class="muted">— ${sub}</span>` : null}</span></label>`)}
    </div>
  </fieldset>`;
}

function ConferenceForm({ x, ex, roles, nm, acts, docs }) {
  const confs = (acts || []).filter((a) => a.kind === 'conference')
    .sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  const [conf, setConf] = useState(null);
  const [role, setRole] = useState(roles[0]);
  const [att, setAtt] = useState(roles);
  const [outs, setOuts] = useState([]);
  const [text, setText] = useState('');
  const [busy, result, run] = useAction(x);
  const chosen = conf ?? (confs.find((c) => c.status === 'started') || confs.find((c) => c.status === 'pending') || confs[0] || { id: '' }).id;
  const submit = async (e) => {
    e.preventDefault();
    const body = { kind: 'conference', role, attendees: att, outputs: outs };
    if (chosen) body.conference = chosen;
    if (text.trim()) body.text = text;
    await run(body, []);
  };
  const roleItems = (ex.roles || []).map((r) => [r.id, r.name, r.person]);
  const docItems = (docs || []).map((d) => [d.id, d.title, cap(docTypeName(d.type))]);
  return html`<form class="pl-form pl-card" data-testid="conference-form" onSubmit=${submit} aria-labelledby="pl-conf-h">
    <h3 id="pl-conf-h">${tr(T, 'conf_form')}</h3>
    <label for="pl-c-conf">${tr(T, 'conference')}
      <select id="pl-c-conf" name="conference" value=${chosen} onChange=${(e) => setConf(e.target.value)}>
        ${confs.map((c) => html`<option value=${c.id}>${fmtEx(c.start)} — ${c.title}</option>`)}
        <option value="">${tr(T, 'conf_none')}</option>
      </select></label>
    <${RoleSelect} id="pl-c-role" roles=${roles} nm=${nm} value=${role} onChange=${setRole} />
    <${CheckList} legend=${tr(T, 'attendees')} name="attendees" items=${roleItems} value=${att} setValue=${setAtt} />
    <${CheckList} legend=${tr(T, 'outputs')} name="outputs" items=${docItems} value=${outs} setValue=${setOuts} />
    <label for="pl-c-text">${tr(T, 'conf_note')}
      <textarea id="pl-c-text" name="text" rows="2" value=${text} onInput=${(e) => setText(e.target.value)}></textarea></label>
    <div class="pl-submit"><button type="submit" class="primary" data-testid="conference-submit"
      disabled=${!!busy}>${busy || tr(T, 'record')}</button></div>
    <${Result} result=${result} />
  </form>`;
}

function TransitionForm({ x, ex, roles, nm, st, relevant }) {
  const machines = ex.machines || [];
  const states = (st && st.states) || [];
  const [machine, setMachine] = useState((machines[0] || {}).id || '');
  const [body, setBody] = useState('');
  const [state, setState] = useState('');
  const [role, setRole] = useState(roles[0]);
  const [text, setText] = useState('');
  const [busy, result, run] = useAction(x);
  const m = machines.find((mm) => mm.id === machine) || { states: [] };
  const applies = new Set(states.filter((s) => s.machine === machine).map((s) => s.body));
  const all = (ex.bodies || []).filter((b) => !states.length || applies.has(b.id));
  const mineB = all.filter((b) => relevant.includes(b.id))
    .sort((a, b) => relevant.indexOf(a.id) - relevant.indexOf(b.id));
  const near = withinLocality(ex, relevant);
  const otherB = all.filter((b) => !relevant.includes(b.id))
    .sort((a, b) => (near.has(b.id) ? 1 : 0) - (near.has(a.id) ? 1 : 0));
  const nearB = otherB.filter((b) => near.has(b.id));
  const farB = otherB.filter((b) => !near.has(b.id));
  const bodyV = body && all.some((b) => b.id === body) ? body : (mineB[0] || otherB[0] || { id: '' }).id;
  const cur = (states.find((s) => s.machine === machine && s.body === bodyV) || {}).state;
  const curIdx = m.states.findIndex((s) => s.id === cur);
  const stateV = state && m.states.some((s) => s.id === state) ? state
    : (m.states[Math.min(curIdx + 1, m.states.length - 1)] || {}).id || '';
  const submit = async (e) => {
    e.preventDefault();
    const req = { kind: 'transition', role, machine, body: bodyV, state: stateV };
    if (text.trim()) req.text = text;
    await run(req, [], () => ({ text: tr(T, 'ok_transition', nm[bodyV] || bodyV, stateName(ex, machine, stateV)), warn: false }));
  };
  const bopt = (b) => html`<option value=${b.id}>${b.name}</option>`;
  return html`<form class="pl-form pl-card" data-testid="transition-form" onSubmit=${submit} aria-labelledby="pl-tr-h">
    <h3 id="pl-tr-h">${tr(T, 'tr_form')}</h3>
    <label for="pl-t-machine">${tr(T, 'machine')}
      <select id="pl-t-machine" name="machine" value=${machine}
          onChange=${(e) => { setMachine(e.target.value); setState(''); }}>
        ${machines.map((mm) => html`<option value=${mm.id}>${machineName(mm)}</option>`)}
      </select></label>
    <label for="pl-t-body">${tr(T, 'body')}
      <select id="pl-t-body" name="body" value=${bodyV} onChange=${(e) => { setBody(e.target.value); setState(''); }}>
        ${mineB.length ? html`<optgroup label=${tr(T, 'mine')}>${mineB.map(bopt)}</optgroup>` : null}
        ${nearB.length ? html`<optgroup label=${tr(T, 'near')}>${nearB.map(bopt)}</optgroup>` : null}
        ${farB.length ? html`<optgroup label=${tr(T, 'others')}>${farB.map(bopt)}</optgroup>` : null}
      </select></label>
    <label for="pl-t-state">${tr(T, 'state')}
      <select id="pl-t-state" name="state" value=${stateV} onChange=${(e) => setState(e.target.value)}>
        ${m.states.map((s) => html`<option value=${s.id}>${s.name}${s.id === cur ? ' (' + tr(T, 'current') + ')' : ''}</option>`)}
      </select></label>
    <${RoleSelect} id="pl-t-role" roles=${roles} nm=${nm} value=${role} onChange=${setRole} />
    <label for="pl-t-text">${tr(T, 'tr_note')}
      <textarea id="pl-t-text" name="text" rows="2" value=${text} onInput=${(e) => setText(e.target.value)}></textarea></label>
    <div class="pl-submit"><button type="submit" class="primary" data-testid="transition-submit"
      disabled=${!!busy || !bodyV || !stateV}>${busy || tr(T, 'request')}</button></div>
    <${Result} result=${result} />
  </form>`;
}

// ---------------------------------------------------------------- screen

export function Player(props) {
  useLang();
  const { x, ex, me, live, receivedAt } = props;
  const roles = props.roles || [];
  const nm = useMemo(() => names(ex), [ex]);
  const now = exerciseNow(ex.clock, receivedAt);
  useNow(1000);

  const [injRaw, injErr] = useLiveData(live, () => get(`/api/exercises/${x}/injects`), [x]);
  const [exps, expErr] = useLiveData(live, () => get(`/api/exercises/${x}/expectations`), [x]);
  const [st, stErr] = useLiveData(live, () => get(`/api/exercises/${x}/state`), [x]);
  const [docs, docErr] = useLiveData(live, () => get(`/api/exercises/${x}/documents`), [x]);
  const [acts, actErr] = useLiveData(live, () => get(`/api/exercises/${x}/activities`), [x]);

  const injects = useMemo(() => (injRaw ? injRaw.filter((i) => i.status !== 'pending' || i.released_at != null)
    .slice().sort((a, b) => ((b.released_at ?? -Infinity) - (a.released_at ?? -Infinity)) || (a.id < b.id ? 1 : -1)) : null), [injRaw]);

  const [read, markRead] = useReadSet(x, me && me.user ? me.user.id : 0);
  const [arrivals, setArrivals, flash] = useArrivals(live, injects, read);
  const [openId, setOpenId] = useState(null);
  const [filter, setFilter] = useState(null);
  const [flashing, setFlashing] = useState(false);
  const alertRef = useRef(null);

  useEffect(() => {
    if (!flash) return undefined;
    setFlashing(true);
    const id = setTimeout(() => setFlashing(false), 1800);
    return () => clearTimeout(id);
  }, [flash]);

  const unreadOf = (r) => (injects || []).filter((i) => !read.has(i.id) && (!r || (i.to || []).includes(r))).length;
  const unread = unreadOf(null);

  // The unread count in the window's title, too.
  const baseTitle = useRef(document.title);
  useEffect(() => {
    const base = baseTitle.current.replace(/^\(\d+\)\s*/, '');
    document.title = unread ? `(${unread}) ${base}` : base;
  }, [unread]);
  useEffect(() => () => { document.title = baseTitle.current.replace(/^\(\d+\)\s*/, ''); }, []);

  const open = (id) => {
    setOpenId(id);
    markRead([id]);
    setArrivals((a) => a.filter((v) => v !== id));
  };
  const openInject = injects && injects.find((i) => i.id === openId);
  const myActions = useMemo(() => (openId ? live.events.filter((e) => e.type === 'action' && e.event
    && e.event.inject === openId && roles.includes(e.event.role)).slice().reverse() : []), [live.lastId, openId]);

  const relevant = useMemo(() => myBodies(ex, roles, st && st.states), [ex, roles.join(','), st]);
  const ownBodies = useMemo(() => (ex.roles || []).filter((r) => roles.includes(r.id)).map((r) => r.body),
    [ex, roles.join(',')]);
  const running = !!(ex.clock && ex.clock.running);
  const owes = useMemo(() => makeOwes(ex, roles), [ex, roles.join(',')]);
  const myExps = useMemo(() => (exps ? exps.filter(owes) : null), [exps, owes]);

  const newest = arrivals.length && injects ? injects.find((i) => i.id === arrivals[0]) : null;
  const err = injErr || expErr || stErr || docErr || actErr;

  return html`<div class=${'pl-screen' + (flashing ? ' pl-flash' : '')} data-testid="player">
    <div class="pl-head">
      <h1>${tr(T, 'title')}
        <span class=${'pl-unread' + (unread ? ' on' : '')} aria-label=${tr(T, 'unread_aria', unread)}>
          <span class="pl-unread-n" data-testid="unread-count" data-count=${unread}>${unread}</span>
          <span class="pl-unread-l">${tr(T, 'unread')}</span></span>
      </h1>
      <div class="pl-roles" aria-label=${tr(T, 'my_roles')}>
        <span class="muted">${tr(T, 'my_roles')}:</span>
        ${roles.map((r) => {
          const role = (ex.roles || []).find((rr) => rr.id === r) || {};
          const n = unreadOf(r);
          return html`<span class="pl-role" key=${r} title=${role.title || ''}>
            <strong>${role.name || r}</strong>
            ${role.body ? html`<span class="muted"> · ${nm[role.body] || role.body}</span>` : null}
            ${roles.length > 1 && n ? html`<span class="pl-count on">${n}</span>` : null}
          </span>`;
        })}
      </div>
    </div>

    ${arrivals.length ? html`<div class="pl-alert" role="alert" data-testid="new-inject-alert"
        data-inject=${arrivals[0]} ref=${alertRef} key=${'al' + flash}>
      <span class="pl-alert-icon" aria-hidden="true">!</span>
      <div class="pl-alert-text">
        <strong>${tr(T, 'new_inject')}${arrivals.length > 1 ? ` (${arrivals.length})` : ''}: </strong>
        <span>${newest ? newest.title : arrivals[0]}</span>
        ${newest ? html`<div class="pl-alert-meta">${[
          `${tr(T, 'released_at')} ${fmtEx(newest.released_at)}`,
          `${tr(T, 'from')}: ${newest.from ? nm[newest.from] || newest.from : tr(T, 'directing')}`,
          `${tr(T, 'to')}: ${(newest.to || []).map((r) => nm[r] || r).join(', ')}`,
          arrivals.length > 1 ? tr(T, 'new_more', arrivals.length - 1) : null,
        ].filter(Boolean).join(' · ')}</div>` : null}
      </div>
      <div class="pl-alert-actions">
        <button type="button" class="primary" data-testid="new-inject-open" onClick=${() => open(arrivals[0])}>${tr(T, 'open_it')}</button>
        <button type="button" data-testid="new-inject-dismiss" onClick=${() => setArrivals([])}>${tr(T, 'dismiss')}</button>
      </div>
    </div>` : null}

    <${ErrorBox} error=${err} />

    <div class="pl-grid">
      <${Inbox} injects=${injects} read=${read} openId=${openId} onOpen=${open} roles=${roles} nm=${nm}
        filter=${filter} setFilter=${setFilter} unreadOf=${unreadOf} fresh=${arrivals}
        onMarkAll=${() => markRead((injects || []).map((i) => i.id))} />
      <${InjectDetail} x=${x} inject=${openInject} roles=${roles} nm=${nm} exps=${exps} owes=${owes}
        myActions=${myActions} running=${running} now=${now} onOpen=${open}
        firstUnread=${(injects || []).find((i) => !read.has(i.id))}
        releasedReal=${(live.events.find((e) => e.type === 'inject.released' && e.event && e.event.inject === openId) || {}).at_ms} />
      <div class="pl-side">
        <${Deadlines} exps=${myExps} injects=${injects} nm=${nm} now=${now} onOpen=${open} showBy=${roles.length > 1} />
        <${States} ex=${ex} st=${st} relevant=${relevant} nm=${nm} />
      </div>
    </div>

    <${Panel} title=${tr(T, 'other_acts')} class="pl-acts">
      <div class="pl-acts-grid">
        <${DocumentForm} x=${x} roles=${roles} nm=${nm} docs=${docs} ownBodies=${ownBodies} />
        <${ConferenceForm} x=${x} ex=${ex} roles=${roles} nm=${nm} acts=${acts} docs=${docs} />
        <${TransitionForm} x=${x} ex=${ex} roles=${roles} nm=${nm} st=${st} relevant=${relevant} />
      </div>
    <//>
  </div>`;
}
