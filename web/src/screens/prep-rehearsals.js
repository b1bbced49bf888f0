// Rehearsals (luyện tập): the runs of the exercise on the engine (situation
// matching, mechanism rehearsal rounds, trial run, dress rehearsal), each
// an exercise of its own with its clock; creating one (director); their
// findings, recording a finding (directing staff, evaluators) and turning
// it into a corrective task (director, controller).

import { html, useMemo, useState } from '../lib.js';
import { get, post } from '../api.js';
import { fmtEx, fmtReal, tr, useLang } from '../i18n.js';
import { ErrorBox, Loading, Panel, Pill } from '../ui.js';
import {
  MANAGERS, Msg, REHEARSAL_KINDS, SEVERITIES, STAFF, Severity, collator, peopleOf,
  rehearsalKind, useData, useStep, w,
} from './prep-common.js';
import { DUE_RE } from './prep-tasks.js';

const T = {
  vi: {
    runs: 'Các lần luyện tập', none: 'Chưa có lần luyện tập nào.',
    col_run: 'Lần luyện tập', col_kind: 'Hình thức', col_phases: 'Giai đoạn', col_status: 'Trạng thái',
    col_clock: 'Giờ diễn tập', col_findings: 'Tồn tại', open_run: 'Mở', findings_n: '{0} / {1} chưa xử lý',
    all_phases: 'Toàn bộ', round: 'Lần {0}',
    new_run: '+ Tổ chức luyện tập', form_run: 'Tổ chức một lần luyện tập', kind: 'Hình thức',
    phases: 'Chỉ luyện tập các giai đoạn (bỏ trống: toàn bộ)', create: 'Tạo lần luyện tập',
    created: 'Đã tạo «{0}». Mở để điều hành như một cuộc diễn tập.',
    findings: 'Tồn tại, hạn chế phát hiện qua luyện tập', no_findings: 'Chưa ghi nhận tồn tại nào.',
    f_open: 'Chưa xử lý', f_all: 'Tất cả',
    col_sev: 'Mức độ', col_text: 'Nội dung', col_subject: 'Cơ quan / hoạt động', col_time: 'Thời điểm',
    col_fstatus: 'Xử lý',
    record: '+ Ghi tồn tại', form_finding: 'Ghi nhận tồn tại, hạn chế', run: 'Trong lần luyện tập',
    this_ex: 'Cuộc diễn tập chính', text: 'Nội dung tồn tại', severity: 'Mức độ',
    body: 'Cơ quan, đơn vị', activity: 'Hoạt động, tình huống', any: '— Không chọn —',
    save_finding: 'Ghi nhận', finding_saved: 'Đã ghi nhận tồn tại.',
    make_task: 'Giao nhiệm vụ khắc phục', task_title: 'Tên nhiệm vụ (bỏ trống: lấy nội dung tồn tại)',
    assignee: 'Giao cho', choose: '— Chọn —', bodies: 'Cơ quan, đơn vị', people: 'Cá nhân',
    due: 'Hạn', due_hint: 'N-10, N-3 08:00 hoặc 2026-12-01', give: 'Giao', task_made: 'Đã giao nhiệm vụ khắc phục.',
    bad_due: 'Hạn viết dạng N-10, N-3 08:00 hoặc 2026-12-01.', need_assignee: 'Cần chọn nơi được giao.',
    see_task: 'Xem nhiệm vụ', required: 'bắt buộc',
  },
  en: {
    runs: 'Rehearsal runs', none: 'No rehearsal yet.',
    col_run: 'Run', col_kind: 'Kind', col_phases: 'Phases', col_status: 'Status',
    col_clock: 'Exercise time', col_findings: 'Findings', open_run: 'Open', findings_n: '{0} / {1} open',
    all_phases: 'All', round: 'Round {0}',
    new_run: '+ Hold a rehearsal', form_run: 'Hold a rehearsal run', kind: 'Kind',
    phases: 'Rehearse only these phases (none: all)', create: 'Create the run',
    created: '"{0}" created. Open it to run it as an exercise.',
    findings: 'Findings of the rehearsals', no_findings: 'No finding recorded yet.',
    f_open: 'Open', f_all: 'All',
    col_sev: 'Severity', col_text: 'Finding', col_subject: 'Body / activity', col_time: 'When',
    col_fstatus: 'Follow-up',
    record: '+ Record a finding', form_finding: 'Record a finding', run: 'In the run',
    this_ex: 'The exercise itself', text: 'Finding', severity: 'Severity',
    body: 'Body, unit', activity: 'Activity, situation', any: '— None —',
    save_finding: 'Record', finding_saved: 'Finding recorded.',
    make_task: 'Assign a corrective task', task_title: 'Task title (empty: the finding\u2019s text)',
    assignee: 'Assigned to', choose: '— Choose —', bodies: 'Bodies, units', people: 'People',
    due: 'Due', due_hint: 'N-10, N-3 08:00 or 2026-12-01', give: 'Assign', task_made: 'Corrective task assigned.',
    bad_due: 'Write the deadline as N-10, N-3 08:00 or 2026-12-01.', need_assignee: 'Choose who gets the task.',
    see_task: 'See the task', required: 'required',
  },
};
const t2 = (k, ...a) => tr(T, k, ...a);
const RUN_SCREEN = { director: 'director', controller: 'director', evaluator: 'evaluator', observer: 'dashboard' };

function RunForm({ x, ex, onDone }) {
  const [kind, setKind] = useState('luyen-tap-co-che');
  const [phases, setPhases] = useState([]);
  const [busy, msg, setMsg, run] = useStep();
  const submit = async (e) => {
    e.preventDefault();
    const body = { kind };
    if (phases.length) body.phases = phases;
    const r = await run(() => post(`/api/exercises/${x}/rehearsals`, body), (rr) => t2('created', rr.name));
    if (r) { setPhases([]); onDone(r); }
  };
  return html`<form class="run-form" data-testid="run-form" onSubmit=${submit}>
    <label>${t2('kind')}
      <select name="kind" value=${kind} onChange=${(e) => setKind(e.target.value)}>
        ${REHEARSAL_KINDS.map((k) => html`<option value=${k}>${rehearsalKind(k)}</option>`)}
      </select></label>
    <fieldset><legend>${t2('phases')}</legend>
      ${(ex.phases || []).map((ph, i) => html`<label class="inline" key=${ph.id}>
        <input type="checkbox" name="phases" value=${ph.id} checked=${phases.includes(ph.id)}
          onChange=${(e) => setPhases(e.target.checked ? [...phases, ph.id] : phases.filter((p) => p !== ph.id))} />
        <span>${i + 1}. ${ph.title}</span></label>`)}
    </fieldset>
    <${Msg} msg=${msg} onClose=${() => setMsg(null)} />
    <div class="tf-actions"><button type="submit" class="primary" data-testid="run-submit" disabled=${busy}>${t2('create')}</button></div>
  </form>`;
}

function FindingForm({ x, ex, runs, acts, onDone }) {
  const [f, setF] = useState({ run: '', text: '', severity: 'medium', body: '', activity: '' });
  const [busy, msg, setMsg, run] = useStep();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const latest = (runs || []).slice().sort((a, b) => b.id - a.id)[0];
  const runId = f.run || (latest ? String(latest.id) : String(x));
  const submit = async (e) => {
    e.preventDefault();
    const body = { text: f.text.trim(), severity: f.severity };
    if (f.body) body.body = f.body;
    if (f.activity) body.activity = f.activity;
    const r = await run(() => post(`/api/exercises/${runId}/findings`, body), t2('finding_saved'));
    if (r) { setF({ ...f, text: '' }); onDone(r); }
  };
  return html`<form class="finding-form" data-testid="finding-form" onSubmit=${submit}>
    <div class="ff-grid">
      <label>${t2('run')}
        <select name="run" value=${runId} onChange=${set('run')}>
          ${(runs || []).slice().sort((a, b) => b.id - a.id).map((r) => html`<option value=${String(r.id)}>${r.name}</option>`)}
          <option value=${String(x)}>${t2('this_ex')}</option>
        </select></label>
      <label>${t2('severity')}
        <select name="severity" value=${f.severity} onChange=${set('severity')}>
          ${SEVERITIES.map((s) => html`<option value=${s}>${w('sev_' + s)}</option>`)}
        </select></label>
      <label>${t2('body')}
        <select name="body" value=${f.body} onChange=${set('body')}>
          <option value="">${t2('any')}</option>
          ${(ex.bodies || []).map((b) => html`<option value=${b.id}>${b.name}</option>`)}
        </select></label>
      <label>${t2('activity')}
        <select name="activity" value=${f.activity} onChange=${set('activity')}>
          <option value="">${t2('any')}</option>
          ${(acts || []).map((a) => html`<option value=${a.id}>${a.start !== null && a.start !== undefined ? fmtEx(a.start) + ' · ' : ''}${a.title}</option>`)}
        </select></label>
    </div>
    <label><span>${t2('text')} <span class="req">(${t2('required')})</span></span>
      <textarea name="text" rows="2" required value=${f.text} onInput=${set('text')}></textarea></label>
    <${Msg} msg=${msg} onClose=${() => setMsg(null)} />
    <div class="tf-actions"><button type="submit" class="primary" data-testid="finding-submit"
      disabled=${busy || !f.text.trim()}>${t2('save_finding')}</button></div>
  </form>`;
}

function TaskFromFinding({ x, ex, finding, people, onDone, onCancel }) {
  const [f, setF] = useState({ assignee: finding.body ? 'b:' + finding.body.id : '', due: '', title: '' });
  const [busy, msg, setMsg, run] = useStep();
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const coll = collator();
  const persons = Object.values(people).sort((a, b) => coll.compare(a.name, b.name));
  const submit = async (e) => {
    e.preventDefault();
    if (!f.assignee) { setMsg({ ok: false, text: t2('need_assignee') }); return; }
    if (!DUE_RE.test(f.due)) { setMsg({ ok: false, text: t2('bad_due') }); return; }
    const body = { due: f.due.trim() };
    body[f.assignee[0] === 'p' ? 'assignee_person' : 'assignee_body'] = f.assignee.slice(2);
    if (f.title.trim()) body.title = f.title.trim();
    const r = await run(() => post(`/api/exercises/${x}/findings/${finding.id}/task`, body), t2('task_made'));
    if (r) onDone(r);
  };
  return html`<form class="finding-task" data-testid="finding-task-form" onSubmit=${submit}>
    <label>${t2('task_title')}
      <input name="title" value=${f.title} placeholder=${finding.text} onInput=${set('title')} /></label>
    <div class="ff-grid">
      <label><span>${t2('assignee')} <span class="req">(${t2('required')})</span></span>
        <select name="assignee" required value=${f.assignee} onChange=${set('assignee')}>
          <option value="">${t2('choose')}</option>
          <optgroup label=${t2('bodies')}>${(ex.bodies || []).map((b) => html`<option value=${'b:' + b.id}>${b.name}</option>`)}</optgroup>
          ${persons.length ? html`<optgroup label=${t2('people')}>${persons.map((p) => html`<option value=${'p:' + p.id}>${p.name}</option>`)}</optgroup>` : null}
        </select></label>
      <label><span>${t2('due')} <span class="req">(${t2('required')})</span></span>
        <input name="due" required value=${f.due} placeholder=${t2('due_hint')} onInput=${set('due')} /></label>
    </div>
    <${Msg} msg=${msg} onClose=${() => setMsg(null)} />
    <div class="tf-actions">
      <button type="submit" class="primary" data-testid="finding-task-submit" disabled=${busy}>${t2('give')}</button>
      <button type="button" onClick=${onCancel}>${w('cancel')}</button></div>
  </form>`;
}

function Findings({ x, ex, kind, runs, reloadRuns }) {
  const [list, error, reload] = useData(() => get(`/api/exercises/${x}/findings`), [x], 30000);
  const [acts] = useData(() => get(`/api/exercises/${x}/activities`), [x]);
  const [comm] = useData(() => get(`/api/exercises/${x}/committees`), [x]);
  const people = useMemo(() => peopleOf(comm), [comm]);
  const [recording, setRecording] = useState(false);
  const [tasking, setTasking] = useState(null);
  const [filter, setFilter] = useState('');
  const [msg, setMsg] = useState(null);
  const canRecord = STAFF.includes(kind);
  const canTask = MANAGERS.includes(kind);
  const order = { high: 0, medium: 1, low: 2 };
  const rows = (list || []).filter((f) => !filter || f.status === 'open')
    .slice().sort((a, b) => (a.status === 'open' ? 0 : 1) - (b.status === 'open' ? 0 : 1)
      || order[a.severity] - order[b.severity] || b.at_ms - a.at_ms);
  const done = () => { reload(); reloadRuns(); };
  return html`<${Panel} title=${t2('findings')} class="findings" actions=${html`
      <div class="seg">${['', 'open'].map((s) => html`<button type="button" key=${s || 'all'} class=${filter === s ? 'active' : ''}
        aria-pressed=${filter === s} onClick=${() => setFilter(s)}>${t2(s ? 'f_open' : 'f_all')}</button>`)}</div>
      ${canRecord ? html`<button type="button" class="primary" data-testid="finding-new"
        onClick=${() => setRecording(!recording)}>${t2('record')}</button>` : null}`}>
    ${recording && canRecord ? html`<div class="sub-form"><h3>${t2('form_finding')}</h3>
      <${FindingForm} x=${x} ex=${ex} runs=${runs} acts=${acts} onDone=${() => { done(); }} /></div>` : null}
    <${Msg} msg=${msg} onClose=${() => setMsg(null)} />
    <${ErrorBox} error=${error} />
    ${!list && !error ? html`<${Loading} />` : null}
    ${list && !rows.length ? html`<p class="muted">${t2('no_findings')}</p>` : null}
    ${rows.length ? html`<table class="finding-table">
      <thead><tr><th scope="col" class="c-sev">${t2('col_sev')}</th><th scope="col">${t2('col_text')}</th>
        <th scope="col" class="c-subj">${t2('col_subject')}</th><th scope="col" class="c-time">${t2('col_time')}</th>
        <th scope="col" class="c-fst">${t2('col_fstatus')}</th></tr></thead>
      <tbody>${rows.map((f) => html`<tr key=${f.id} data-testid="finding" data-finding=${f.id} data-status=${f.status}
          class=${'sev-row-' + f.severity}>
        <td class="c-sev"><${Severity} s=${f.severity} /></td>
        <td><div class="f-text">${f.text}</div>
          <div class="muted small">${f.user ? f.user.name : ''}${f.run ? ' · ' + f.run.name : ''}</div>
          ${tasking === f.id ? html`<${TaskFromFinding} x=${x} ex=${ex} finding=${f} people=${people}
            onDone=${() => { setTasking(null); setMsg({ ok: true, text: t2('task_made') }); done(); }}
            onCancel=${() => setTasking(null)} />` : null}</td>
        <td class="c-subj">${f.body ? html`<div>${f.body.name}</div>` : null}
          ${f.activity ? html`<div class="muted">${f.activity.title}</div>` : null}
          ${!f.body && !f.activity ? '—' : null}</td>
        <td class="c-time"><div class="time">${f.t_text || (f.t !== null && f.t !== undefined ? fmtEx(f.t) : '—')}</div>
          <div class="muted small">${fmtReal(f.at_ms)}</div></td>
        <td class="c-fst"><span class=${'fstatus fs-' + f.status}>${w('fs_' + f.status)}</span>
          ${f.task ? html`<div><a href=${`#/x/${x}/prep/tasks/${f.task}`} data-testid="finding-task-link">${t2('see_task')}</a></div>` : null}
          ${canTask && !f.task && tasking !== f.id ? html`<div><button type="button" class="small-btn" data-testid="finding-make-task"
            onClick=${() => setTasking(f.id)}>${t2('make_task')}</button></div>` : null}</td>
      </tr>`)}</tbody>
    </table>` : null}
  <//>`;
}

export function Rehearsals({ x, ex, kind }) {
  useLang();
  const [runs, error, reload] = useData(() => get(`/api/exercises/${x}/rehearsals`), [x], 15000);
  const [creating, setCreating] = useState(false);
  const phaseNo = useMemo(() => {
    const m = {};
    (ex.phases || []).forEach((p, i) => { m[p.id] = i + 1; });
    return m;
  }, [ex]);
  const screen = RUN_SCREEN[kind] || '';
  const director = kind === 'director';
  return html`<div class="prep-rehearsals" data-testid="prep-rehearsals">
    <${Panel} title=${t2('runs')} class="runs" actions=${director ? html`<button type="button" class="primary"
        data-testid="run-new" onClick=${() => setCreating(!creating)}>${t2('new_run')}</button>` : null}>
      ${creating && director ? html`<div class="sub-form"><h3>${t2('form_run')}</h3>
        <${RunForm} x=${x} ex=${ex} onDone=${() => { reload(); }} /></div>` : null}
      <${ErrorBox} error=${error} />
      ${!runs && !error ? html`<${Loading} />` : null}
      ${runs && !runs.length ? html`<p class="muted">${t2('none')}</p>` : null}
      ${runs && runs.length ? html`<table class="run-table">
        <thead><tr><th scope="col">${t2('col_run')}</th><th scope="col">${t2('col_phases')}</th>
          <th scope="col">${t2('col_status')}</th><th scope="col">${t2('col_clock')}</th>
          <th scope="col" class="num">${t2('col_findings')}</th><th></th></tr></thead>
        <tbody>${runs.slice().sort((a, b) => a.id - b.id).map((r) => html`<tr key=${r.id} data-testid="run-row" data-run=${r.id}>
          <td><strong>${rehearsalKind(r.kind, r.kind_label)}</strong>${r.round ? ' · ' + t2('round', r.round) : ''}
            <div class="muted small">${r.name}</div></td>
          <td>${(r.phases || []).length ? r.phases.map((p) => phaseNo[p] || p).join(', ') : t2('all_phases')}</td>
          <td><${Pill} status=${r.status} /></td>
          <td class="time">${r.clock && r.clock.started ? fmtEx(r.clock.t) : '—'}</td>
          <td class="num">${r.findings ? html`<span class=${r.findings.open ? 'n-bad' : ''}>${t2('findings_n', r.findings.open, r.findings.total)}</span>` : '—'}</td>
          <td>${screen ? html`<a class="button" href=${`#/x/${r.id}/${screen}`} data-testid="run-open">${t2('open_run')} →</a>` : null}</td>
        </tr>`)}</tbody>
      </table>` : null}
    <//>
    <${Findings} x=${x} ex=${ex} kind=${kind} runs=${runs} reloadRuns=${reload} />
  </div>`;
}
