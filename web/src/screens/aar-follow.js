// What follows the exercise (screens/aar.js): the lessons of the hot wash
// as the numbered list of the summary report — added, edited and moved by
// the directing staff and the evaluators — and the corrective actions
// (tasks with `corrective: true`, each answering a lesson or not, assigned
// to a body or a person with a due date by the director and controllers),
// with those still open from earlier exercises of the same locality.

import { html, useEffect, useMemo, useState } from '../lib.js';
import { api, get, post } from '../api.js';
import { fmtReal, useLang } from '../i18n.js';
import { ErrorBox, Loading, Panel, names } from '../ui.js';
import { TaskStatus, collator, dueWords, fmtDay, peopleOf, useData, w } from './prep-common.js';
import { DUE_RE } from './prep-tasks.js';
import { LESSON_WRITERS, Msg, TASK_WRITERS, a, failure } from './aar-common.js';

const clip = (s, k) => (s && s.length > k ? s.slice(0, k - 1).trimEnd() + '…' : s || '');
const closed = (tk) => tk.status === 'done' || tk.status === 'cancelled';

function useStep() {
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState(null);
  useEffect(() => {
    if (!msg || !msg.ok) return undefined;
    const id = setTimeout(() => setMsg(null), 6000);
    return () => clearTimeout(id);
  }, [msg]);
  const run = async (fn, okText) => {
    setBusy(true);
    setMsg(null);
    try {
      const r = await fn();
      if (okText) setMsg({ ok: true, text: typeof okText === 'function' ? okText(r) : okText });
      return r === undefined || r === null ? true : r;
    } catch (err) {
      setMsg({ ok: false, text: failure(err) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return [busy, msg, setMsg, run];
}

// ---------------------------------------------------------------- the form of an action

function ActionForm({ x, ex, lessons, lesson, people, onDone, onCancel }) {
  const first = lesson ? (lessons || []).find((l) => l.id === lesson) : null;
  const [f, setF] = useState(() => ({
    lesson: lesson ? String(lesson) : '',
    title: first ? a('default_title', clip(first.text, 100)) : '',
    description: first ? first.text : '',
    assignee: first && first.body ? 'b:' + first.body : '',
    due: '',
  }));
  const [touched, setTouched] = useState(false);
  const [busy, msg, setMsg, run] = useStep();
  const set = (k) => (e) => { if (k === 'title') setTouched(true); setF({ ...f, [k]: e.target.value }); };
  const pickLesson = (e) => {
    const id = e.target.value;
    const l = (lessons || []).find((ll) => String(ll.id) === id);
    const next = { ...f, lesson: id };
    if (!touched) next.title = l ? a('default_title', clip(l.text, 100)) : '';
    if (l && !f.description.trim()) next.description = l.text;
    if (l && l.body && !f.assignee) next.assignee = 'b:' + l.body;
    setF(next);
  };
  const coll = collator();
  const persons = Object.values(people || {}).sort((p, q) => coll.compare(p.name, q.name));
  const submit = async (e) => {
    e.preventDefault();
    if (!f.assignee) { setMsg({ ok: false, text: a('need_assignee') }); return; }
    if (!DUE_RE.test(f.due)) { setMsg({ ok: false, text: a('bad_due') }); return; }
    const body = { title: f.title.trim(), due: f.due.trim(), corrective: true };
    if (f.description.trim()) body.description = f.description.trim();
    body[f.assignee.startsWith('p:') ? 'assignee_person' : 'assignee_body'] = f.assignee.slice(2);
    if (f.lesson) body.lesson = /^\d+$/.test(f.lesson) ? +f.lesson : f.lesson;
    const r = await run(() => post(`/api/exercises/${x}/tasks`, body), (tk) => a('a_created', tk.title));
    if (r) onDone(r);
  };
  return html`<form class="aar-form" data-testid="action-form" onSubmit=${submit}>
    <label><span>${a('a_lesson')}</span>
      <select name="lesson" value=${f.lesson} onChange=${pickLesson}>
        <option value="">${a('a_no_lesson')}</option>
        ${(lessons || []).map((l) => html`<option value=${String(l.id)}>${a('lesson_n', l.n)}: ${clip(l.text, 90)}</option>`)}
      </select></label>
    <label><span>${a('a_title')} <span class="req">(${a('required')})</span></span>
      <input name="title" required maxlength="300" value=${f.title} onInput=${set('title')} /></label>
    <label><span>${a('a_desc')}</span>
      <textarea name="description" rows="2" value=${f.description} onInput=${set('description')}></textarea></label>
    <div class="aar-form-row">
      <label class="grow"><span>${a('a_assignee')} <span class="req">(${a('required')})</span></span>
        <select name="assignee" required value=${f.assignee} onChange=${set('assignee')}>
          <option value="">${a('choose')}</option>
          <optgroup label=${a('bodies_g')}>
            ${(ex.bodies || []).map((b) => html`<option value=${'b:' + b.id}>${b.name}</option>`)}
          </optgroup>
          ${persons.length ? html`<optgroup label=${a('people')}>
            ${persons.map((p) => html`<option value=${'p:' + p.id}>${p.name}${p.title ? ' — ' + p.title : ''}</option>`)}
          </optgroup>` : null}
        </select></label>
      <label><span>${a('a_due')} <span class="req">(${a('required')})</span></span>
        <input name="due" required value=${f.due} placeholder="N+30" onInput=${set('due')} size="16" /></label>
      <label><span class="muted">${a('due_pick')}</span>
        <input type="date" name="due_date" onChange=${(e) => e.target.value && setF({ ...f, due: e.target.value })} /></label>
    </div>
    <small class="muted">${a('a_due_hint')}</small>
    <${Msg} msg=${msg} onClose=${() => setMsg(null)} testid="action-message" />
    <div class="aar-form-actions">
      <button type="submit" class="primary" data-testid="action-submit" disabled=${busy}>${a('a_create')}</button>
      ${onCancel ? html`<button type="button" onClick=${onCancel}>${a('cancel')}</button>` : null}
    </div>
  </form>`;
}

function usePeople(x) {
  const [comm] = useData(() => get(`/api/exercises/${x}/committees`), [x]);
  return useMemo(() => peopleOf(comm), [comm]);
}

// ---------------------------------------------------------------- lessons

function LessonItem({ x, l, nm, count, canWrite, canTask, actions, onChanged, onTask, taskOpen }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(l.text);
  const [busy, msg, setMsg, run] = useStep();
  useEffect(() => { if (!editing) setText(l.text); }, [l.text, editing]);
  const patch = async (body, ok) => {
    const r = await run(() => api('PATCH', `/api/exercises/${x}/lessons/${l.id}`, body), ok);
    if (r) onChanged(r);
    return r;
  };
  const save = async (e) => {
    e.preventDefault();
    if (await patch({ text: text.trim() }, (r) => a('edited', r.n || l.n))) setEditing(false);
  };
  return html`<li class=${'aar-lesson' + (taskOpen ? ' open' : '')} data-testid="lesson" data-id=${l.id} data-n=${l.n}>
    <span class="aar-lesson-n" aria-hidden="true">${l.n}</span>
    <div class="aar-lesson-main">
      ${editing ? html`<form class="aar-form" onSubmit=${save} data-testid="lesson-edit-form">
        <textarea name="text" rows="3" required value=${text} aria-label=${a('lesson_text')}
          onInput=${(e) => setText(e.target.value)}></textarea>
        <div class="aar-form-actions">
          <button type="submit" class="primary" data-testid="lesson-save" disabled=${busy || !text.trim()}>${a('save_text')}</button>
          <button type="button" onClick=${() => { setEditing(false); setMsg(null); }}>${a('cancel')}</button>
        </div>
      </form>` : html`<p class="aar-lesson-text" data-testid="lesson-text">${l.text}</p>`}
      <div class="aar-lesson-meta">
        ${l.body ? html`<span class="aar-chip">${nm[l.body] || l.body}</span>` : null}
        ${l.criterion ? html`<span class="aar-chip crit">${nm[l.criterion] || l.criterion}</span>` : null}
        <span class="muted small">${a('by_at', l.user ? l.user.name : '—', l.at_ms ? fmtReal(l.at_ms) : '—')}</span>
      </div>
      ${actions.length ? html`<ul class="aar-lesson-actions">
        ${actions.map((tk) => html`<li key=${tk.id}><${TaskStatus} status=${tk.status} />
          <a href=${`#/x/${x}/aar/actions`}>${tk.title}</a>
          <span class="muted small"> · ${tk.assignee ? tk.assignee.name || tk.assignee.id : '—'}</span></li>`)}
      </ul>` : null}
      <${Msg} msg=${msg} onClose=${() => setMsg(null)} testid="lesson-message" />
    </div>
    ${canWrite || canTask ? html`<div class="aar-lesson-ops">
      ${canWrite ? html`
        <button type="button" class="icon" data-testid="lesson-up" disabled=${busy || l.n <= 1}
          aria-label=${a('move_up', l.n)} title=${a('up')} onClick=${() => patch({ n: l.n - 1 }, (r) => a('moved', r.n))}>↑</button>
        <button type="button" class="icon" data-testid="lesson-down" disabled=${busy || l.n >= count}
          aria-label=${a('move_down', l.n)} title=${a('down')} onClick=${() => patch({ n: l.n + 1 }, (r) => a('moved', r.n))}>↓</button>
        <button type="button" data-testid="lesson-edit" disabled=${busy || editing}
          onClick=${() => setEditing(true)}>${a('edit')}</button>` : null}
      ${canTask ? html`<button type="button" data-testid="lesson-task" onClick=${onTask}
        aria-expanded=${taskOpen ? 'true' : 'false'}>${a('make_action')}</button>` : null}
    </div>` : null}
  </li>`;
}

export function Lessons({ x, ex, kind, lessons, error, reload, tasks, reloadTasks }) {
  useLang();
  const canWrite = LESSON_WRITERS.includes(kind);
  const canTask = TASK_WRITERS.includes(kind);
  const nm = useMemo(() => names(ex), [ex]);
  const people = usePeople(x);
  const [f, setF] = useState({ text: '', body: '', criterion: '' });
  const [busy, msg, setMsg, run] = useStep();
  const [taskFor, setTaskFor] = useState(null);
  const list = (lessons || []).slice().sort((p, q) => p.n - q.n);
  const byLesson = useMemo(() => {
    const m = {};
    for (const tk of (tasks && tasks.tasks) || []) {
      if (tk.corrective && tk.lesson !== null && tk.lesson !== undefined && !tk.carried_from) (m[tk.lesson] = m[tk.lesson] || []).push(tk);
    }
    return m;
  }, [tasks]);
  const add = async (e) => {
    e.preventDefault();
    const body = { text: f.text.trim() };
    if (f.body) body.body = f.body;
    if (f.criterion) body.criterion = f.criterion;
    const r = await run(() => post(`/api/exercises/${x}/lessons`, body), (l) => a('added', l.n));
    if (r) { setF({ text: '', body: f.body, criterion: '' }); reload(); }
  };
  return html`<div class="aar-lessons-view">
    <${Panel} title=${a('lessons', list.length)} class="aar-lessons">
      <${ErrorBox} error=${error} />
      ${!lessons && !error ? html`<${Loading} />` : null}
      ${lessons && !list.length ? html`<p class="muted">${a('no_lessons')}</p>` : null}
      <ol class="aar-lesson-list" data-testid="lesson-list">
        ${list.map((l) => html`<${LessonItem} key=${l.id} x=${x} l=${l} nm=${nm} count=${list.length}
          canWrite=${canWrite} canTask=${canTask} actions=${byLesson[l.id] || []} onChanged=${reload}
          taskOpen=${taskFor === l.id} onTask=${() => setTaskFor(taskFor === l.id ? null : l.id)} />
          ${taskFor === l.id ? html`<li class="aar-lesson-form" key=${'f' + l.id}>
            <${ActionForm} x=${x} ex=${ex} lessons=${list} lesson=${l.id} people=${people}
              onDone=${() => { setTaskFor(null); reloadTasks(); }} onCancel=${() => setTaskFor(null)} />
          </li>` : null}`)}
      </ol>
    <//>
    ${canWrite ? html`<${Panel} title=${a('lesson_new')} class="aar-lesson-new">
      <form class="aar-form" data-testid="lesson-form" onSubmit=${add}>
        <label><span>${a('lesson_text')} <span class="req">(${a('required')})</span></span>
          <textarea name="text" rows="3" required value=${f.text} onInput=${(e) => setF({ ...f, text: e.target.value })}></textarea></label>
        <div class="aar-form-row">
          <label class="grow"><span>${a('lesson_body')}</span>
            <select name="body" value=${f.body} onChange=${(e) => setF({ ...f, body: e.target.value })}>
              <option value="">${a('any')}</option>
              ${(ex.bodies || []).map((b) => html`<option value=${b.id}>${b.name}</option>`)}
            </select></label>
          <label class="grow"><span>${a('lesson_criterion')}</span>
            <select name="criterion" value=${f.criterion} onChange=${(e) => setF({ ...f, criterion: e.target.value })}>
              <option value="">${a('any')}</option>
              ${(ex.criteria || []).map((c) => html`<option value=${c.id}>${c.name}</option>`)}
            </select></label>
        </div>
        <${Msg} msg=${msg} onClose=${() => setMsg(null)} testid="lesson-add-message" />
        <div class="aar-form-actions">
          <button type="submit" class="primary" data-testid="lesson-add" disabled=${busy || !f.text.trim()}>${a('add')}</button>
        </div>
      </form>
    <//>` : null}
  </div>`;
}

// ---------------------------------------------------------------- corrective actions

function ActionRows({ x, ex, list, lessonsById, nowMs, canStatus, onChanged }) {
  const [busy, msg, setMsg, run] = useStep();
  const setStatus = async (tk, s) => {
    const r = await run(() => api('PATCH', `/api/exercises/${x}/tasks/${tk.id}`, { status: s }), a('status_set', w('st_' + s)));
    if (r) onChanged();
  };
  return html`
    <${Msg} msg=${msg} onClose=${() => setMsg(null)} testid="action-status-message" />
    <table class="aar-table aar-actions-table">
      <thead><tr><th scope="col" class="c-n">${a('col_n')}</th><th scope="col">${a('col_action')}</th>
        <th scope="col" class="c-lesson">${a('col_lesson')}</th><th scope="col" class="c-who">${a('col_assignee')}</th>
        <th scope="col" class="c-due">${a('col_due_a')}</th><th scope="col" class="c-st">${a('col_status')}</th></tr></thead>
      <tbody>${list.map((tk, i) => {
        const cf = tk.carried_from;
        const dw = dueWords(tk.due_ms, nowMs, ex.tz_offset_min, tk.overdue, closed(tk));
        const l = !cf && tk.lesson !== null && tk.lesson !== undefined ? lessonsById[tk.lesson] : null;
        return html`<tr key=${(cf ? cf.id + ':' : '') + tk.id} data-testid="action" data-task=${tk.id}
            data-carried=${cf ? String(cf.id) : null} data-status=${tk.status} class=${(tk.overdue ? 'overdue ' : '') + (cf ? 'carried' : '')}>
          <td class="c-n">${i + 1}</td>
          <td><a class="aar-a-title" href=${`#/x/${cf ? cf.id : x}/prep/tasks/${tk.id}`} title=${a('open_task')}>${tk.title}</a>
            ${cf ? html`<div class="aar-carried" data-testid="action-carried">
              <span class="aar-tag carried">${a('carried')}</span>
              <a href=${`#/x/${cf.id}/aar/actions`} title=${a('carried_hint')}>${cf.code} — ${cf.name}</a></div>` : null}
            ${tk.description && tk.description !== (l && l.text) ? html`<div class="muted small aar-a-desc">${clip(tk.description, 200)}</div>` : null}</td>
          <td class="c-lesson">${l ? html`<a href=${`#/x/${x}/aar/lessons`} title=${l.text}>${a('lesson_n', l.n)}</a>`
            : '—'}</td>
          <td class="c-who">${tk.assignee ? tk.assignee.name || tk.assignee.id : '—'}</td>
          <td class="c-due"><div class="time">${fmtDay(tk.due_ms, ex.tz_offset_min, false)}</div>
            ${dw.text ? html`<div class=${'due-badge ' + dw.tone}>${dw.text}</div>` : null}</td>
          <td class="c-st">${canStatus && !cf ? html`<select aria-label=${a('col_status')} value=${tk.status} disabled=${busy}
              data-testid="action-status" onChange=${(e) => setStatus(tk, e.target.value)}>
              ${['open', 'doing', 'done', 'cancelled'].map((s) => html`<option value=${s}>${w('st_' + s)}</option>`)}
            </select>` : html`<${TaskStatus} status=${tk.status} />`}</td>
        </tr>`;
      })}</tbody>
    </table>`;
}

export function Actions({ x, ex, kind, lessons, tasks, error, reload }) {
  useLang();
  const canCreate = TASK_WRITERS.includes(kind);
  const people = usePeople(x);
  const [creating, setCreating] = useState(false);
  const all = ((tasks && tasks.tasks) || []).filter((tk) => tk.corrective || tk.carried_from);
  const own = all.filter((tk) => !tk.carried_from)
    .sort((p, q) => (p.due_ms ?? Infinity) - (q.due_ms ?? Infinity) || p.id - q.id);
  const carried = all.filter((tk) => tk.carried_from)
    .sort((p, q) => (p.due_ms ?? Infinity) - (q.due_ms ?? Infinity) || p.id - q.id);
  const lessonsById = useMemo(() => {
    const m = {};
    for (const l of lessons || []) m[l.id] = l;
    return m;
  }, [lessons]);
  const nowMs = tasks ? tasks.now_ms : Date.now();
  const sorted = (lessons || []).slice().sort((p, q) => p.n - q.n);
  return html`<div class="aar-actions-view" data-testid="aar-actions">
    <${Panel} title=${a('actions_here', own.length)} class="aar-actions"
        actions=${canCreate && !creating ? html`<button type="button" class="primary" data-testid="action-new"
          onClick=${() => setCreating(true)}>${a('new_action')}</button>` : null}>
      ${creating ? html`<div class="aar-subform"><${ActionForm} x=${x} ex=${ex} lessons=${sorted} people=${people}
        onDone=${() => { setCreating(false); reload(); }} onCancel=${() => setCreating(false)} /></div>` : null}
      <${ErrorBox} error=${error} />
      ${!tasks && !error ? html`<${Loading} />` : null}
      ${tasks && !own.length ? html`<p class="muted">${a('no_actions')}</p>` : null}
      ${own.length ? html`<${ActionRows} x=${x} ex=${ex} list=${own} lessonsById=${lessonsById} nowMs=${nowMs}
        canStatus=${canCreate} onChanged=${reload} />` : null}
    <//>
    ${carried.length ? html`<${Panel} title=${a('actions_carried', carried.length)} class="aar-actions carried"
        actions=${html`<span class="muted small">${a('carried_hint')}</span>`}>
      <${ActionRows} x=${x} ex=${ex} list=${carried} lessonsById=${{}} nowMs=${nowMs} canStatus=${false} onChanged=${reload} />
    <//>` : null}
  </div>`;
}
