// Preparation tasks (nhiệm vụ chuẩn bị): the list by due date with the
// overdue ones unmistakable, filters, one task's page (status, comments
// with attachments, dependencies), and for the director and controllers
// the form that assigns a task to a body or a person with a deadline
// written as N-10 or as a date.  Players see only their bodies' and their
// own tasks (the server filters) and may change only their status.

import { html, useEffect, useMemo, useRef, useState } from '../lib.js';
import { api, get, post } from '../api.js';
import { fmtReal, tr, useLang } from '../i18n.js';
import { ErrorBox, Loading, Panel } from '../ui.js';
import { FilePicker, uploadAll } from './player.js';
import {
  AttachmentLinks, MANAGERS, Msg, TASK_STATUSES, TaskStatus, collator, dueWords, fmtDay,
  peopleOf, useData, useStep, w,
} from './prep-common.js';

const T = {
  vi: {
    title: 'Nhiệm vụ chuẩn bị', new_task: '+ Giao nhiệm vụ',
    f_mine: 'Của tôi', f_all: 'Tất cả', f_overdue: 'Quá hạn',
    f_body: 'Cơ quan', f_any_body: 'Mọi cơ quan', f_status: 'Trạng thái', f_any_status: 'Mọi trạng thái',
    f_unfinished: 'Chưa xong', filters: 'Lọc nhiệm vụ',
    count: '{0} nhiệm vụ', count_overdue: '{0} quá hạn',
    none: 'Không có nhiệm vụ nào.', none_mine: 'Bạn chưa được giao nhiệm vụ nào.',
    col_due: 'Hạn', col_task: 'Nhiệm vụ', col_assignee: 'Giao cho', col_status: 'Trạng thái',
    from_finding: 'Từ kết quả luyện tập', blocked_by: 'Chờ: {0}',
    pick: 'Chọn một nhiệm vụ trong danh sách để xem chi tiết.',
    // the form
    form_new: 'Giao nhiệm vụ mới', form_edit: 'Sửa nhiệm vụ',
    f_title: 'Tên nhiệm vụ', f_desc: 'Nội dung, yêu cầu', f_assignee: 'Giao cho',
    choose: '— Chọn —', bodies: 'Cơ quan, đơn vị', people: 'Cá nhân',
    f_due: 'Hạn hoàn thành', due_hint: 'Viết N-10, N-3 08:00 hoặc ngày 2026-12-01', due_pick: 'hoặc chọn ngày',
    f_deps: 'Phải làm xong trước', no_deps: 'Chưa có nhiệm vụ nào khác.', chosen: 'đã chọn {0}',
    required: 'bắt buộc', create: 'Giao nhiệm vụ', save: 'Lưu thay đổi',
    bad_due: 'Hạn viết dạng N-10, N-3 08:00, 2026-12-01 hoặc 2026-12-01 17:00.',
    need_assignee: 'Cần chọn cơ quan hoặc cá nhân được giao.',
    created: 'Đã giao nhiệm vụ «{0}».', saved: 'Đã lưu nhiệm vụ.',
    // the task
    assignee: 'Giao cho', due: 'Hạn', created_by: 'Người giao', updated: 'Cập nhật',
    desc: 'Nội dung', deps: 'Phải làm xong trước', deps_none: 'Không phụ thuộc nhiệm vụ nào.',
    attachments: 'Tài liệu kèm theo', edit: 'Sửa', change_status: 'Cập nhật trạng thái',
    status_set: 'Đã chuyển sang «{0}».', blocked_note: 'Còn nhiệm vụ phải làm trước chưa xong nên chưa thể đánh dấu đã xong.',
    comments: 'Trao đổi ({0})', no_comments: 'Chưa có trao đổi nào.', comment_ph: 'Ý kiến, báo cáo tiến độ…',
    send: 'Gửi ý kiến', sending: 'Đang gửi…', uploading: 'Đang tải tệp {0}…', comment_sent: 'Đã gửi ý kiến.',
    not_found: 'Không tìm thấy nhiệm vụ này (có thể bạn không được xem).', back: 'Đóng',
    written: 'ghi «{0}»', n_comments: '{0} ý kiến',
    ics: 'Lịch (ICS)', ics_hint: 'Tải lịch các hoạt động và hạn nhiệm vụ của tôi để đưa vào lịch điện tử',
  },
  en: {
    title: 'Preparation tasks', new_task: '+ Assign a task',
    f_mine: 'Mine', f_all: 'All', f_overdue: 'Overdue',
    f_body: 'Body', f_any_body: 'Every body', f_status: 'Status', f_any_status: 'Every status',
    f_unfinished: 'Not finished', filters: 'Filter the tasks',
    count: '{0} tasks', count_overdue: '{0} overdue',
    none: 'No task.', none_mine: 'No task has been assigned to you.',
    col_due: 'Due', col_task: 'Task', col_assignee: 'Assigned to', col_status: 'Status',
    from_finding: 'From a rehearsal finding', blocked_by: 'Waiting for: {0}',
    pick: 'Choose a task in the list to see it.',
    form_new: 'Assign a new task', form_edit: 'Edit the task',
    f_title: 'Task', f_desc: 'Description, requirements', f_assignee: 'Assigned to',
    choose: '— Choose —', bodies: 'Bodies, units', people: 'People',
    f_due: 'Due', due_hint: 'Write N-10, N-3 08:00 or a date 2026-12-01', due_pick: 'or pick a date',
    f_deps: 'Must be done first', no_deps: 'There is no other task yet.', chosen: '{0} chosen',
    required: 'required', create: 'Assign', save: 'Save changes',
    bad_due: 'Write the deadline as N-10, N-3 08:00, 2026-12-01 or 2026-12-01 17:00.',
    need_assignee: 'Choose the body or person the task goes to.',
    created: 'Task "{0}" assigned.', saved: 'Task saved.',
    assignee: 'Assigned to', due: 'Due', created_by: 'Assigned by', updated: 'Updated',
    desc: 'Description', deps: 'Must be done first', deps_none: 'Depends on no other task.',
    attachments: 'Attachments', edit: 'Edit', change_status: 'Update the status',
    status_set: 'Now "{0}".', blocked_note: 'A task it depends on is not done yet, so it cannot be marked done.',
    comments: 'Discussion ({0})', no_comments: 'Nothing said yet.', comment_ph: 'Comment, progress report…',
    send: 'Send', sending: 'Sending…', uploading: 'Uploading {0}…', comment_sent: 'Comment sent.',
    not_found: 'No such task (or you may not see it).', back: 'Close',
    written: 'written "{0}"', n_comments: 'comments: {0}',
    ics: 'Calendar (ICS)', ics_hint: 'Download my activities and task deadlines for a calendar application',
  },
};
const t2 = (k, ...a) => tr(T, k, ...a);

export const DUE_RE = /^\s*(N\s*([+-]\s*\d{1,5})?(\s+\d{1,2}:\d{2}(:\d{2})?)?|\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2})?)?)\s*$/i;

const closed = (tk) => tk.status === 'done' || tk.status === 'cancelled';

function assigneeName(a, ex) {
  if (!a) return '—';
  if (a.name) return a.name;
  const b = (ex.bodies || []).find((bb) => bb.id === a.id);
  return b ? b.name : a.id;
}

function Assignee({ a, ex }) {
  return html`${a && a.kind === 'person' ? html`<span class="who-tag">${w('person')}</span> ` : null}${assigneeName(a, ex)}`;
}

// The form that creates or edits a task.
function TaskForm({ x, ex, tasks, people, task, onDone, onCancel }) {
  const edit = !!task;
  const init = () => ({
    title: task ? task.title : '',
    description: task ? task.description || '' : '',
    assignee: task && task.assignee ? (task.assignee.kind === 'person' ? 'p:' : 'b:') + task.assignee.id : '',
    due: task ? task.due || '' : '',
    deps: task ? [...(task.depends_on || [])] : [],
  });
  const [f, setF] = useState(init);
  const [files, setFiles] = useState([]);
  const [busy, msg, setMsg, run] = useStep();
  useEffect(() => { setF(init()); setFiles([]); setMsg(null); }, [task ? task.id : 0]);
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const coll = collator();
  const bodies = (ex.bodies || []).slice();
  const persons = Object.values(people).sort((a, b) => coll.compare(a.name, b.name));
  const others = (tasks || []).filter((o) => !task || o.id !== task.id)
    .sort((a, b) => (a.due_ms ?? 0) - (b.due_ms ?? 0));

  const submit = async (e) => {
    e.preventDefault();
    if (!f.assignee) { setMsg({ ok: false, text: t2('need_assignee') }); return; }
    if (!DUE_RE.test(f.due)) { setMsg({ ok: false, text: t2('bad_due') }); return; }
    const body = {};
    const [ak, aid] = [f.assignee.slice(0, 1), f.assignee.slice(2)];
    if (!edit || f.title !== task.title) body.title = f.title.trim();
    if (!edit || f.description !== (task.description || '')) {
      if (f.description.trim() || edit) body.description = f.description.trim();
    }
    const oldA = edit && task.assignee ? (task.assignee.kind === 'person' ? 'p:' : 'b:') + task.assignee.id : '';
    if (!edit || f.assignee !== oldA) body[ak === 'p' ? 'assignee_person' : 'assignee_body'] = aid;
    if (!edit || f.due.trim() !== (task.due || '')) body.due = f.due.trim();
    const oldDeps = edit ? [...(task.depends_on || [])].sort().join(',') : '';
    if ((!edit && f.deps.length) || (edit && [...f.deps].sort().join(',') !== oldDeps)) body.depends_on = f.deps;
    const r = await run(async () => {
      if (files.length) {
        const ids = await uploadAll(x, files);
        body.attachments = [...(edit ? (task.attachments || []).map((a) => a.id) : []), ...ids];
      }
      if (edit) return api('PATCH', `/api/exercises/${x}/tasks/${task.id}`, body);
      return post(`/api/exercises/${x}/tasks`, body);
    }, edit ? t2('saved') : (tk) => t2('created', tk.title));
    if (r) {
      if (!edit) { setF({ title: '', description: '', assignee: f.assignee, due: f.due, deps: [] }); }
      setFiles([]);
      onDone(r);
    }
  };

  return html`<form class="task-form" data-testid="task-form" onSubmit=${submit}>
    <label><span>${t2('f_title')} <span class="req">(${t2('required')})</span></span>
      <input name="title" required maxlength="300" value=${f.title} onInput=${set('title')} /></label>
    <label>${t2('f_desc')}
      <textarea name="description" rows="3" value=${f.description} onInput=${set('description')}></textarea></label>
    <div class="tf-row">
      <label class="tf-assignee"><span>${t2('f_assignee')} <span class="req">(${t2('required')})</span></span>
        <select name="assignee" required value=${f.assignee} onChange=${set('assignee')}>
          <option value="">${t2('choose')}</option>
          <optgroup label=${t2('bodies')}>
            ${bodies.map((b) => html`<option value=${'b:' + b.id}>${b.name}</option>`)}
          </optgroup>
          ${persons.length ? html`<optgroup label=${t2('people')}>
            ${persons.map((p) => html`<option value=${'p:' + p.id}>${p.name}${p.title ? ' — ' + p.title : ''}</option>`)}
          </optgroup>` : null}
        </select></label>
      <div class="tf-due">
        <label><span>${t2('f_due')} <span class="req">(${t2('required')})</span></span>
          <input name="due" required value=${f.due} placeholder="N-10" onInput=${set('due')}
            aria-describedby="tf-due-hint" /></label>
        <label class="tf-date"><span class="muted">${t2('due_pick')}</span>
          <input type="date" name="due_date" onChange=${(e) => e.target.value && setF({ ...f, due: e.target.value })} /></label>
      </div>
    </div>
    <small id="tf-due-hint" class="muted">${t2('due_hint')}</small>
    <fieldset class="tf-deps">
      <legend>${t2('f_deps')} <span class="muted">(${t2('chosen', f.deps.length)})</span></legend>
      ${others.length ? html`<div class="tf-deps-list">${others.map((o) => html`<label class="inline" key=${o.id}>
        <input type="checkbox" name="depends_on" value=${o.id} checked=${f.deps.includes(o.id)}
          onChange=${(e) => setF({ ...f, deps: e.target.checked ? [...f.deps, o.id] : f.deps.filter((d) => d !== o.id) })} />
        <span>${o.title} <span class="muted">· ${fmtDay(o.due_ms, ex.tz_offset_min, false)}</span></span></label>`)}</div>`
        : html`<p class="muted">${t2('no_deps')}</p>`}
    </fieldset>
    <${FilePicker} id=${edit ? 'tf-file-edit' : 'tf-file'} files=${files} setFiles=${setFiles} />
    <${Msg} msg=${msg} onClose=${() => setMsg(null)} />
    <div class="tf-actions">
      <button type="submit" class="primary" data-testid="task-submit" disabled=${busy}>
        ${busy ? w('saving') : t2(edit ? 'save' : 'create')}</button>
      ${onCancel ? html`<button type="button" onClick=${onCancel}>${w('cancel')}</button>` : null}
    </div>
  </form>`;
}

function Comments({ x, task, canComment, onDone }) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState([]);
  const [busy, setBusy] = useState('');
  const [msg, setMsg] = useState(null);
  const fileKey = useRef(0);
  useEffect(() => { setText(''); setFiles([]); setMsg(null); }, [task.id]);
  const submit = async (e) => {
    e.preventDefault();
    if (!text.trim() && !files.length) return;
    setBusy(t2('sending'));
    setMsg(null);
    try {
      const body = { text: text.trim() };
      if (files.length) body.attachments = await uploadAll(x, files, (n) => setBusy(t2('uploading', n)));
      await post(`/api/exercises/${x}/tasks/${task.id}/comments`, body);
      setText(''); setFiles([]); fileKey.current++;
      setMsg({ ok: true, text: t2('comment_sent') });
      onDone();
    } catch (err) {
      setMsg({ ok: false, text: err.message });
    } finally {
      setBusy('');
    }
  };
  const list = task.comments || [];
  return html`<section class="task-comments" aria-label=${t2('comments', list.length)}>
    <h3>${t2('comments', list.length)}</h3>
    ${list.length ? html`<ol class="comment-list">${list.map((c) => html`<li key=${c.id} data-testid="task-comment">
      <div class="c-head"><strong>${c.user ? c.user.name : ''}</strong>
        <span class="muted">${fmtReal(c.at_ms)}</span></div>
      ${c.text ? html`<div class="c-text">${c.text}</div>` : null}
      <${AttachmentLinks} x=${x} list=${c.attachments} />
    </li>`)}</ol>` : html`<p class="muted">${t2('no_comments')}</p>`}
    ${canComment ? html`<form class="comment-form" data-testid="comment-form" onSubmit=${submit}>
      <textarea name="comment" rows="2" placeholder=${t2('comment_ph')} value=${text}
        aria-label=${t2('comment_ph')} onInput=${(e) => setText(e.target.value)}></textarea>
      <${FilePicker} key=${fileKey.current} id="tc-file" files=${files} setFiles=${setFiles} />
      <div class="tf-actions"><button type="submit" class="primary" data-testid="comment-submit"
        disabled=${!!busy || (!text.trim() && !files.length)}>${busy || t2('send')}</button></div>
      <${Msg} msg=${msg} onClose=${() => setMsg(null)} />
    </form>` : null}
  </section>`;
}

function TaskDetail({ x, ex, kind, task, byId, tasks, people, onChanged, onClose }) {
  const [editing, setEditing] = useState(false);
  const [busy, msg, setMsg, run] = useStep();
  useEffect(() => { setEditing(false); setMsg(null); }, [task.id]);
  const manager = MANAGERS.includes(kind);
  const canStatus = manager || kind === 'player';
  const canComment = kind !== 'observer';
  const tz = ex.tz_offset_min;
  const setStatus = async (s) => {
    const r = await run(() => api('PATCH', `/api/exercises/${x}/tasks/${task.id}`, { status: s }),
                        t2('status_set', w('st_' + s)));
    if (r) onChanged();
  };
  const nextSteps = {
    open: ['doing', 'done'], doing: ['done', 'open'], done: ['open'], cancelled: ['open'],
  }[task.status] || [];
  const steps = manager && task.status !== 'cancelled' && task.status !== 'done' ? [...nextSteps, 'cancelled'] : nextSteps;
  const dw = dueWords(task.due_ms, Date.now(), tz, task.overdue, closed(task));
  if (editing) {
    return html`<${Panel} title=${t2('form_edit')} class="task-detail">
      <${TaskForm} x=${x} ex=${ex} tasks=${tasks} people=${people} task=${task}
        onDone=${() => { setEditing(false); onChanged(); }} onCancel=${() => setEditing(false)} />
    <//>`;
  }
  return html`<${Panel} title=${task.title} class="task-detail" actions=${html`
      ${manager ? html`<button type="button" data-testid="task-edit" onClick=${() => setEditing(true)}>${t2('edit')}</button>` : null}
      <button type="button" onClick=${onClose}>${t2('back')}</button>`}>
    <div class="task-view" data-testid="task-detail" data-task=${task.id} data-status=${task.status}>
      <div class="task-tags">
        <${TaskStatus} status=${task.status} />
        ${dw.text ? html`<span class=${'due-badge ' + dw.tone} data-testid=${dw.tone === 'bad' ? 'overdue' : null}>${dw.text}</span>` : null}
        ${task.blocked ? html`<span class="blocked-badge" data-testid="blocked">${w('blocked')}</span>` : null}
        ${task.finding ? html`<a class="finding-badge" href=${`#/x/${x}/prep/rehearsals`}>${t2('from_finding')}</a>` : null}
      </div>
      <dl class="task-facts">
        <dt>${t2('assignee')}</dt><dd><${Assignee} a=${task.assignee} ex=${ex} /></dd>
        <dt>${t2('due')}</dt><dd><strong>${fmtDay(task.due_ms, tz)}</strong>
          ${task.due && !/^\d{4}-/.test(task.due) ? html` <span class="muted">(${t2('written', task.due)})</span>` : null}</dd>
        <dt>${t2('created_by')}</dt><dd>${task.created_by ? task.created_by.name : '—'}
          <span class="muted"> · ${fmtReal(task.created_ms)}</span></dd>
      </dl>
      ${task.description ? html`<div class="task-desc"><h3>${t2('desc')}</h3><p>${task.description}</p></div>` : null}
      <div class="task-deps"><h3>${t2('deps')}</h3>
        ${(task.depends_on || []).length ? html`<ul>${task.depends_on.map((d) => {
          const o = byId[d];
          return html`<li key=${d}><a href=${`#/x/${x}/prep/tasks/${d}`}>${o ? o.title : '#' + d}</a>
            ${o ? html` <${TaskStatus} status=${o.status} />` : null}</li>`;
        })}</ul>` : html`<p class="muted">${t2('deps_none')}</p>`}</div>
      ${(task.attachments || []).length ? html`<div><h3>${t2('attachments')}</h3>
        <${AttachmentLinks} x=${x} list=${task.attachments} /></div>` : null}
      ${canStatus && steps.length ? html`<div class="task-steps" role="group" aria-label=${t2('change_status')}>
        <span class="muted">${t2('change_status')}:</span>
        ${steps.map((s) => html`<button type="button" key=${s} data-testid=${'task-status-' + s}
            class=${s === 'done' ? 'primary' : s === 'cancelled' ? 'danger' : ''}
            disabled=${busy || (s === 'done' && task.blocked)}
            title=${s === 'done' && task.blocked ? t2('blocked_note') : ''}
            onClick=${() => setStatus(s)}>${w('do_' + s)}</button>`)}
      </div>` : null}
      ${task.blocked && canStatus && !closed(task) ? html`<p class="muted small">${t2('blocked_note')}</p>` : null}
      <${Msg} msg=${msg} onClose=${() => setMsg(null)} />
      <${Comments} x=${x} task=${task} canComment=${canComment} onDone=${onChanged} />
    </div>
  <//>`;
}

export function Tasks({ x, ex, kind, roles, sub }) {
  useLang();
  const manager = MANAGERS.includes(kind);
  const [scope, setScope] = useState(kind === 'player' ? 'mine' : 'all');
  const [body, setBody] = useState('');
  const [status, setStatus] = useState('');
  const [creating, setCreating] = useState(false);
  const mine = scope === 'mine';
  const [data, error, reload] = useData(() => get(`/api/exercises/${x}/tasks${mine ? '?mine=1' : ''}`), [x, mine], 30000);
  const [comm] = useData(() => get(`/api/exercises/${x}/committees`), [x]);
  const people = useMemo(() => peopleOf(comm), [comm]);
  const selected = sub[0] && /^\d+$/.test(sub[0]) ? +sub[0] : sub[0] || null;
  const tasks = data ? data.tasks || [] : null;
  const byId = useMemo(() => {
    const m = {};
    for (const tk of tasks || []) m[tk.id] = tk;
    return m;
  }, [tasks]);
  // The body of each role, to put a person's tasks under their bodies.
  const roleBody = useMemo(() => {
    const m = {};
    for (const r of ex.roles || []) m[r.id] = r.body;
    return m;
  }, [ex]);
  const inBody = (tk, b) => {
    if (!tk.assignee) return false;
    if (tk.assignee.kind === 'body') return tk.assignee.id === b;
    const p = people[tk.assignee.id];
    return !!p && p.roles.some((r) => roleBody[r] === b);
  };
  const shown = (tasks || []).filter((tk) => (scope !== 'overdue' || tk.overdue)
    && (!body || inBody(tk, body))
    && (!status || (status === 'unfinished' ? !closed(tk) : tk.status === status)))
    .slice().sort((a, b) => (a.due_ms ?? Infinity) - (b.due_ms ?? Infinity) || a.id - b.id);
  const overdueN = (tasks || []).filter((tk) => tk.overdue).length;
  const usedBodies = useMemo(() => (ex.bodies || []).filter((b) => (tasks || []).some((tk) => inBody(tk, b.id))),
    [tasks, ex, people]);
  const current = selected !== null ? byId[selected] : null;
  const nowMs = data ? data.now_ms : Date.now();
  const open = (id) => { setCreating(false); location.hash = `#/x/${x}/prep/tasks/${id}`; };
  const close = () => { location.hash = `#/x/${x}/prep/tasks`; };

  return html`<div class="prep-tasks" data-testid="prep-tasks">
    <div class="prep-split">
      <${Panel} title=${t2('title')} class="task-list-panel" actions=${html`
          <a class="button" href=${`/api/exercises/${x}/calendar.ics?mine=1`} download data-testid="task-ics"
            title=${t2('ics_hint')}>⤓ ${t2('ics')}</a>
          ${manager ? html`<button type="button" class="primary" data-testid="task-new"
            onClick=${() => { setCreating(true); if (selected !== null) close(); }}>${t2('new_task')}</button>` : null}`}>
        <div class="task-filters" role="group" aria-label=${t2('filters')}>
          <div class="seg">
            ${['mine', 'all', 'overdue'].map((s) => html`<button type="button" key=${s}
              class=${scope === s ? 'active' : ''} aria-pressed=${scope === s} data-testid=${'task-filter-' + s}
              onClick=${() => setScope(s)}>${t2('f_' + s)}${s === 'overdue' && overdueN ? html` <span class="n-bad">${overdueN}</span>` : null}</button>`)}
          </div>
          <label class="inline"><span class="sr-only">${t2('f_body')}</span>
            <select value=${body} onChange=${(e) => setBody(e.target.value)} aria-label=${t2('f_body')} data-testid="task-filter-body">
              <option value="">${t2('f_any_body')}</option>
              ${usedBodies.map((b) => html`<option value=${b.id}>${b.name}</option>`)}
            </select></label>
          <label class="inline"><span class="sr-only">${t2('f_status')}</span>
            <select value=${status} onChange=${(e) => setStatus(e.target.value)} aria-label=${t2('f_status')} data-testid="task-filter-status">
              <option value="">${t2('f_any_status')}</option>
              <option value="unfinished">${t2('f_unfinished')}</option>
              ${TASK_STATUSES.map((s) => html`<option value=${s}>${w('st_' + s)}</option>`)}
            </select></label>
          <span class="muted small">${t2('count', shown.length)}</span>
        </div>
        <${ErrorBox} error=${error} />
        ${!tasks && !error ? html`<${Loading} />` : null}
        ${tasks && !shown.length ? html`<p class="muted">${t2(mine && kind === 'player' ? 'none_mine' : 'none')}</p>` : null}
        ${shown.length ? html`<table class="task-table">
          <thead><tr><th scope="col" class="c-due">${t2('col_due')}</th><th scope="col">${t2('col_task')}</th>
            <th scope="col" class="c-who">${t2('col_assignee')}</th><th scope="col" class="c-st">${t2('col_status')}</th></tr></thead>
          <tbody>${shown.map((tk) => {
            const dw = dueWords(tk.due_ms, nowMs, ex.tz_offset_min, tk.overdue, closed(tk));
            return html`<tr key=${tk.id} data-testid="task-row" data-task=${tk.id} data-status=${tk.status}
                data-overdue=${tk.overdue ? '1' : '0'}
                class=${(tk.overdue ? 'overdue ' : '') + (closed(tk) ? 'closed ' : '') + (current && current.id === tk.id ? 'sel' : '')}
                onClick=${() => open(tk.id)}>
              <td class="c-due"><div class="d">${fmtDay(tk.due_ms, ex.tz_offset_min, false)}</div>
                ${dw.text ? html`<div class=${'due-badge ' + dw.tone} data-testid=${dw.tone === 'bad' ? 'overdue' : null}>${
                  dw.tone === 'bad' ? '● ' : ''}${dw.text}</div>` : null}</td>
              <td><a href=${`#/x/${x}/prep/tasks/${tk.id}`} class="t-title" onClick=${(e) => e.stopPropagation()}>${tk.title}</a>
                <div class="t-marks">
                  ${tk.blocked ? html`<span class="blocked-badge" data-testid="blocked" title=${t2('blocked_by',
                    (tk.depends_on || []).map((d) => (byId[d] ? byId[d].title : '#' + d)).join('; '))}>${w('blocked')}</span>` : null}
                  ${tk.finding ? html`<span class="finding-badge">${t2('from_finding')}</span>` : null}
                  ${(tk.comments || []).length ? html`<span class="muted small">${t2('n_comments', tk.comments.length)}</span>` : null}
                </div></td>
              <td class="c-who"><${Assignee} a=${tk.assignee} ex=${ex} /></td>
              <td class="c-st"><${TaskStatus} status=${tk.status} /></td>
            </tr>`;
          })}</tbody>
        </table>` : null}
      <//>
      <div class="prep-side">
        ${creating && manager ? html`<${Panel} title=${t2('form_new')} class="task-new-panel">
          <${TaskForm} x=${x} ex=${ex} tasks=${tasks} people=${people}
            onDone=${(tk) => { reload(); if (tk && tk.id) open(tk.id); }} onCancel=${() => setCreating(false)} />
        <//>` : current ? html`<${TaskDetail} x=${x} ex=${ex} kind=${kind} task=${current} byId=${byId}
            tasks=${tasks} people=${people} onChanged=${reload} onClose=${close} />`
          : selected !== null && tasks ? html`<div class="panel"><div class="body"><p class="muted">${t2('not_found')}</p></div></div>`
          : html`<div class="prep-hint panel"><div class="body muted">${t2('pick')}</div></div>`}
      </div>
    </div>
  </div>`;
}
