// Documents (văn kiện) in preparation: the list with their workflow status
// as stamps, classification marks and due dates; a document's page with
// its versions, adding a version, reading one, comparing two (additions
// green, removals red; unified or side by side), the workflow history, and
// buttons only for the steps the server says this user may take now.

import { html, useEffect, useMemo, useState } from '../lib.js';
import { get, post } from '../api.js';
import { fmtEx, fmtReal, tr, useLang } from '../i18n.js';
import { ErrorBox, Loading, Mark, Panel, names } from '../ui.js';
import { DOC_TYPES, word } from '../describe.js';
import { FilePicker, uploadAll } from './player.js';
import {
  AttachmentLinks, Msg, Stamp, collator, dueWords, fmtDay, realOfT, useData, useStep, w,
} from './prep-common.js';

const T = {
  vi: {
    title: 'Văn kiện diễn tập', none: 'Không có văn kiện nào bạn được xem.',
    col_doc: 'Văn kiện', col_type: 'Loại', col_owner: 'Cơ quan soạn thảo', col_due: 'Hạn',
    col_versions: 'Phiên bản', col_status: 'Trạng thái', f_status: 'Trạng thái', f_any: 'Mọi trạng thái',
    f_owner: 'Cơ quan', f_any_owner: 'Mọi cơ quan', count: '{0} văn kiện',
    no_due: 'không hạn', back: '← Danh sách văn kiện',
    type: 'Loại văn kiện', owner: 'Cơ quan soạn thảo', due: 'Hạn', classification: 'Độ mật',
    to: 'Nơi nhận', versions: 'Các phiên bản ({0})', no_versions: 'Chưa có phiên bản nào.',
    v_n: 'Bản {0}', v_by: 'Người soạn', v_at: 'Thời gian', v_note: 'Ghi chú', v_size: 'Cỡ',
    view: 'Xem', viewing: 'Đang xem', compare: 'So sánh', from: 'Từ bản', to_v: 'đến bản',
    show_diff: 'So sánh', unified: 'Gộp', side: 'Song song',
    diff_title: 'So sánh bản {0} với bản {1}', diff_stats: '+{0} dòng thêm · −{1} dòng bỏ', no_diff: 'Hai bản giống nhau.',
    old: 'Bản {0}', text_title: 'Nội dung bản {0}', empty: '(trống)',
    add_version: 'Thêm phiên bản mới', v_text: 'Nội dung văn kiện', v_note_ph: 'Sửa những gì, theo ý kiến nào…',
    start_from: 'Chép nội dung bản {0} vào để sửa', submit_version: 'Lưu phiên bản', version_saved: 'Đã lưu bản {0}.',
    workflow: 'Quy trình', history: 'Lịch sử quy trình', no_history: 'Chưa có bước nào.',
    h_step: 'Bước', h_change: 'Trạng thái', h_user: 'Người thực hiện', h_at: 'Thời gian', h_reason: 'Lý do',
    reason: 'Lý do trả lại (bắt buộc)', reason_ph: 'Nêu rõ cần sửa gì…', confirm_return: 'Xác nhận trả lại',
    step_done: 'Đã thực hiện: {0}.', no_steps: 'Bạn không có bước nào để thực hiện lúc này.',
    steps_hint: 'Chỉ hiện những bước bạn được phép thực hiện.', version_of: '(bản {0})',
    wf_line: 'Dự thảo → Thẩm định → Thông qua → Ban hành',
    only_version: 'Bạn có thể thêm phiên bản mới (ở phần dưới).',
  },
  en: {
    title: 'Exercise documents', none: 'No document you may see.',
    col_doc: 'Document', col_type: 'Type', col_owner: 'Drafting body', col_due: 'Due',
    col_versions: 'Versions', col_status: 'Status', f_status: 'Status', f_any: 'Every status',
    f_owner: 'Body', f_any_owner: 'Every body', count: '{0} documents',
    no_due: 'no deadline', back: '← All documents',
    type: 'Type', owner: 'Drafting body', due: 'Due', classification: 'Classification',
    to: 'Recipients', versions: 'Versions ({0})', no_versions: 'No version yet.',
    v_n: 'Version {0}', v_by: 'By', v_at: 'When', v_note: 'Note', v_size: 'Size',
    view: 'View', viewing: 'Shown', compare: 'Compare', from: 'From version', to_v: 'to version',
    show_diff: 'Compare', unified: 'Unified', side: 'Side by side',
    diff_title: 'Version {0} against version {1}', diff_stats: '+{0} lines added · −{1} lines removed', no_diff: 'The two versions are the same.',
    old: 'Version {0}', text_title: 'Text of version {0}', empty: '(empty)',
    add_version: 'Add a new version', v_text: 'Text of the document', v_note_ph: 'What changed, following which comments…',
    start_from: 'Copy the text of version {0} to edit it', submit_version: 'Save the version', version_saved: 'Version {0} saved.',
    workflow: 'Workflow', history: 'Workflow history', no_history: 'No step yet.',
    h_step: 'Step', h_change: 'Status', h_user: 'By', h_at: 'When', h_reason: 'Reason',
    reason: 'Reason for returning it (required)', reason_ph: 'Say what must be changed…', confirm_return: 'Confirm return',
    step_done: 'Done: {0}.', no_steps: 'There is no step for you to take now.',
    steps_hint: 'Only the steps you may take are shown.', version_of: '(version {0})',
    wf_line: 'Draft → Appraised → Approved → Issued',
    only_version: 'You may add a new version (below).',
  },
};
const t2 = (k, ...a) => tr(T, k, ...a);
const WF = ['draft', 'appraised', 'approved', 'issued'];
const cap = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
const wfOf = (d) => d.workflow_status || d.status || 'draft';

// A due time as the plan writes it ("N-10"), whether given as exercise
// time in ms or as text.
const dueText = (due) => (typeof due === 'string' ? due.replace(/ 00:00$/, '') : fmtEx(due).replace(/ 00:00$/, ''));

function DueCell({ ex, d }) {
  if (d.due === null || d.due === undefined) return html`<span class="muted">${t2('no_due')}</span>`;
  const real = d.due_ms ?? realOfT(ex, d.due);
  const done = ['approved', 'issued'].includes(wfOf(d));
  const dw = real !== null ? dueWords(real, Date.now(), ex.tz_offset_min, false, done) : { text: '' };
  return html`<div class="d">${real !== null ? fmtDay(real, ex.tz_offset_min) : dueText(d.due)}</div>
    ${real !== null ? html`<div class="muted small">${dueText(d.due)}</div>` : null}
    ${dw.text && dw.tone === 'bad' ? html`<div class="due-badge bad">● ${dw.text}</div>` : null}`;
}

function DocList({ x, ex }) {
  const [list, error] = useData(() => get(`/api/exercises/${x}/documents`), [x], 30000);
  const [st, setSt] = useState('');
  const [owner, setOwner] = useState('');
  const nm = useMemo(() => names(ex), [ex]);
  const owners = [...new Set((list || []).map((d) => d.owner).filter(Boolean))];
  const coll = collator();
  const rows = (list || []).filter((d) => (!st || wfOf(d) === st) && (!owner || d.owner === owner))
    .slice().sort((a, b) => ((a.due ?? Infinity) - (b.due ?? Infinity)) || coll.compare(a.title, b.title));
  return html`<${Panel} title=${t2('title')} class="doc-list" actions=${html`<span class="muted small wf-line">${t2('wf_line')}</span>`}>
    <div class="task-filters">
      <select value=${st} onChange=${(e) => setSt(e.target.value)} aria-label=${t2('f_status')} data-testid="doc-filter-status">
        <option value="">${t2('f_any')}</option>
        ${WF.map((s) => html`<option value=${s}>${w('wf_' + s)}</option>`)}
      </select>
      <select value=${owner} onChange=${(e) => setOwner(e.target.value)} aria-label=${t2('f_owner')}>
        <option value="">${t2('f_any_owner')}</option>
        ${owners.map((o) => html`<option value=${o}>${nm[o] || o}</option>`)}
      </select>
      <span class="muted small">${t2('count', rows.length)}</span>
    </div>
    <${ErrorBox} error=${error} />
    ${!list && !error ? html`<${Loading} />` : null}
    ${list && !rows.length ? html`<p class="muted">${t2('none')}</p>` : null}
    ${rows.length ? html`<table class="doc-table">
      <thead><tr><th scope="col">${t2('col_doc')}</th><th scope="col" class="c-owner">${t2('col_owner')}</th>
        <th scope="col" class="c-due">${t2('col_due')}</th><th scope="col" class="num">${t2('col_versions')}</th>
        <th scope="col" class="c-st">${t2('col_status')}</th></tr></thead>
      <tbody>${rows.map((d) => html`<tr key=${d.id} data-testid="doc-row" data-doc=${d.id} data-status=${wfOf(d)}
          onClick=${() => { location.hash = `#/x/${x}/prep/docs/${encodeURIComponent(d.id)}`; }}>
        <td><a href=${`#/x/${x}/prep/docs/${encodeURIComponent(d.id)}`} class="t-title"
            onClick=${(e) => e.stopPropagation()}>${d.title}</a>
          <div class="t-marks"><span class="muted small">${cap(word(DOC_TYPES, d.type))}</span> <${Mark} c=${d.classification} /></div></td>
        <td class="c-owner">${nm[d.owner] || d.owner || '—'}</td>
        <td class="c-due"><${DueCell} ex=${ex} d=${d} /></td>
        <td class="num">${d.versions ?? '—'}</td>
        <td class="c-st"><${Stamp} status=${wfOf(d)} small /></td>
      </tr>`)}</tbody>
    </table>` : null}
  <//>`;
}

// The diff endpoint's hunks, unified or side by side.
function Diff({ diff, mode }) {
  const hunks = diff.hunks || [];
  if (!hunks.length) return html`<p class="muted" data-testid="diff-empty">${t2('no_diff')}</p>`;
  if (mode === 'side') {
    return html`<table class="diff side" data-testid="diff">
      <thead><tr><th colspan="2">${t2('old', diff.from)}</th><th colspan="2">${t2('old', diff.to)}</th></tr></thead>
      ${hunks.map((h, hi) => {
        const rows = [];
        const ls = h.lines || [];
        for (let i = 0; i < ls.length;) {
          if (ls[i].op === ' ') { rows.push([ls[i], ls[i]]); i++; continue; }
          const del = [], add = [];
          while (i < ls.length && ls[i].op === '-') del.push(ls[i++]);
          while (i < ls.length && ls[i].op === '+') add.push(ls[i++]);
          for (let k = 0; k < Math.max(del.length, add.length); k++) rows.push([del[k] || null, add[k] || null]);
        }
        return html`<tbody key=${hi}>
          <tr class="hunk"><td colspan="4">@@ −${h.old_start},${h.old_count} +${h.new_start},${h.new_count} @@</td></tr>
          ${rows.map(([l, r], ri) => html`<tr key=${ri}>
            <td class="ln">${l ? l.old ?? '' : ''}</td>
            <td class=${'tx ' + (l ? (l.op === '-' ? 'del' : 'ctx') : 'none')} data-testid=${l && l.op === '-' ? 'diff-line' : null}
              data-op=${l && l.op === '-' ? '-' : null}>${l ? l.text || ' ' : ''}</td>
            <td class="ln">${r ? r.new ?? '' : ''}</td>
            <td class=${'tx ' + (r ? (r.op === '+' ? 'add' : 'ctx') : 'none')} data-testid=${r && r.op === '+' ? 'diff-line' : null}
              data-op=${r && r.op === '+' ? '+' : null}>${r ? r.text || ' ' : ''}</td>
          </tr>`)}
        </tbody>`;
      })}
    </table>`;
  }
  return html`<table class="diff unified" data-testid="diff">
    ${hunks.map((h, hi) => html`<tbody key=${hi}>
      <tr class="hunk"><td colspan="4">@@ −${h.old_start},${h.old_count} +${h.new_start},${h.new_count} @@</td></tr>
      ${(h.lines || []).map((l, li) => html`<tr key=${li} class=${l.op === '+' ? 'add' : l.op === '-' ? 'del' : 'ctx'}
          data-testid=${l.op === ' ' ? null : 'diff-line'} data-op=${l.op === ' ' ? null : l.op}>
        <td class="ln">${l.old ?? ''}</td><td class="ln">${l.new ?? ''}</td>
        <td class="op">${l.op === '+' ? '+' : l.op === '-' ? '−' : ''}</td>
        <td class="tx">${l.text || ' '}</td></tr>`)}
    </tbody>`)}
  </table>`;
}

function Viewer({ x, doc, view, setView }) {
  const [mode, setMode] = useState('unified');
  const [state, setState] = useState({ data: null, error: null });
  const key = view ? JSON.stringify(view) : '';
  useEffect(() => {
    if (!view) return;
    setState({ data: null, error: null });
    const d = encodeURIComponent(doc.id);
    const p = view.kind === 'text' ? get(`/api/exercises/${x}/documents/${d}/versions/${view.n}`)
      : get(`/api/exercises/${x}/documents/${d}/diff?from=${view.from}&to=${view.to}`);
    p.then((data) => setState({ data, error: null }), (error) => setState({ data: null, error }));
  }, [key]);
  if (!view) return null;
  const d = state.data;
  const title = view.kind === 'text' ? t2('text_title', view.n) : t2('diff_title', view.from, view.to);
  return html`<${Panel} title=${title} class="doc-viewer" actions=${html`
      ${view.kind === 'diff' ? html`<div class="seg">
        ${['unified', 'side'].map((m) => html`<button type="button" class=${mode === m ? 'active' : ''}
          aria-pressed=${mode === m} onClick=${() => setMode(m)} data-testid=${'diff-mode-' + m}>${t2(m)}</button>`)}</div>` : null}
      <button type="button" onClick=${() => setView(null)}>${w('close')}</button>`}>
    <${ErrorBox} error=${state.error} />
    ${!d && !state.error ? html`<${Loading} />` : null}
    ${d && view.kind === 'text' ? html`<pre class="doc-text" data-testid="version-text">${d.text || t2('empty')}</pre>` : null}
    ${d && view.kind === 'diff' ? html`<div data-testid="diff-view">
      <p class="diff-stats"><span class="add-n">+${d.added ?? 0}</span> <span class="del-n">−${d.removed ?? 0}</span>
        <span class="muted small"> ${t2('diff_stats', d.added ?? 0, d.removed ?? 0)}</span></p>
      <div class="diff-scroll"><${Diff} diff=${d} mode=${mode} /></div></div>` : null}
  <//>`;
}

function VersionForm({ x, doc, onDone }) {
  const [text, setText] = useState('');
  const [note, setNote] = useState('');
  const [files, setFiles] = useState([]);
  const [busy, msg, setMsg, run] = useStep();
  const last = (doc.versions || []).reduce((m, v) => Math.max(m, v.n), 0);
  const copyLast = async () => {
    const v = await run(() => get(`/api/exercises/${x}/documents/${encodeURIComponent(doc.id)}/versions/${last}`));
    if (v && v.text !== undefined) setText(v.text);
  };
  const submit = async (e) => {
    e.preventDefault();
    const r = await run(async () => {
      const body = { text };
      if (note.trim()) body.note = note.trim();
      if (files.length) body.attachments = await uploadAll(x, files);
      return post(`/api/exercises/${x}/documents/${encodeURIComponent(doc.id)}/versions`, body);
    }, (v) => t2('version_saved', v.n));
    if (r) { setText(''); setNote(''); setFiles([]); onDone(r); }
  };
  return html`<form class="version-form" data-testid="version-form" onSubmit=${submit}>
    <h3>${t2('add_version')}</h3>
    ${last ? html`<button type="button" class="link" onClick=${copyLast} disabled=${busy}>${t2('start_from', last)}</button>` : null}
    <label>${t2('v_text')}
      <textarea name="text" rows="10" required value=${text} onInput=${(e) => setText(e.target.value)}></textarea></label>
    <label>${t2('v_note')}
      <input name="note" value=${note} placeholder=${t2('v_note_ph')} onInput=${(e) => setNote(e.target.value)} /></label>
    <${FilePicker} id="vf-file" files=${files} setFiles=${setFiles} />
    <${Msg} msg=${msg} onClose=${() => setMsg(null)} />
    <div class="tf-actions"><button type="submit" class="primary" data-testid="version-submit"
      disabled=${busy || !text}>${busy ? w('saving') : t2('submit_version')}</button></div>
  </form>`;
}

function Workflow({ x, doc, onDone }) {
  const [returning, setReturning] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, msg, setMsg, run] = useStep();
  const steps = (doc.allowed || []).filter((s) => s !== 'version');
  const step = async (s, extra = {}) => {
    const r = await run(() => post(`/api/exercises/${x}/documents/${encodeURIComponent(doc.id)}/workflow`, { step: s, ...extra }),
                        t2('step_done', w('step_' + s)));
    if (r) { setReturning(false); setReason(''); onDone(); }
  };
  const cur = wfOf(doc);
  return html`<div class="wf" data-testid="workflow">
    <ol class="wf-steps" aria-label=${t2('workflow')}>
      ${WF.map((s, i) => html`<li key=${s} class=${(s === cur ? 'cur ' : '') + (WF.indexOf(cur) > i ? 'past' : '')}>${w('wf_' + s)}</li>`)}
    </ol>
    <div class="wf-buttons">
      ${steps.map((s) => html`<button type="button" key=${s} data-testid=${'wf-' + s}
          class=${s === 'return' ? 'danger' : 'primary'} disabled=${busy}
          onClick=${() => (s === 'return' ? setReturning(true) : step(s))}>${w('step_' + s)}</button>`)}
      ${!steps.length ? html`<span class="muted small" data-testid="wf-none">${
        (doc.allowed || []).includes('version') ? t2('only_version') : t2('no_steps')}</span>` : null}
    </div>
    ${returning ? html`<form class="wf-return" onSubmit=${(e) => { e.preventDefault(); if (reason.trim()) step('return', { reason: reason.trim() }); }}>
      <label>${t2('reason')}
        <textarea name="reason" rows="2" required placeholder=${t2('reason_ph')} value=${reason}
          onInput=${(e) => setReason(e.target.value)}></textarea></label>
      <div class="tf-actions">
        <button type="submit" class="danger" data-testid="wf-return-confirm" disabled=${busy || !reason.trim()}>${t2('confirm_return')}</button>
        <button type="button" onClick=${() => setReturning(false)}>${w('cancel')}</button></div>
    </form>` : null}
    <${Msg} msg=${msg} onClose=${() => setMsg(null)} />
  </div>`;
}

function DocPage({ x, ex, id }) {
  const [doc, error, reload] = useData(() => get(`/api/exercises/${x}/documents/${encodeURIComponent(id)}`), [x, id]);
  const [view, setView] = useState(null);
  const [from, setFrom] = useState(null);
  const [to, setTo] = useState(null);
  const nm = useMemo(() => names(ex), [ex]);
  useEffect(() => { setView(null); setFrom(null); setTo(null); }, [id]);
  const back = html`<a href=${`#/x/${x}/prep/docs`} class="doc-back">${t2('back')}</a>`;
  if (error && !doc) return html`<div>${back}<${ErrorBox} error=${error} /></div>`;
  if (!doc) return html`<${Loading} />`;
  const vs = (doc.versions || []).slice().sort((a, b) => b.n - a.n);
  const nmax = vs.length ? vs[0].n : 0;
  const fromV = from ?? (nmax > 1 ? nmax - 1 : null);
  const toV = to ?? (nmax > 1 ? nmax : null);
  const canVersion = (doc.allowed || []).includes('version');
  const real = doc.due_ms ?? realOfT(ex, doc.due);
  return html`<div class="doc-page" data-testid="doc-page" data-doc=${doc.id} data-status=${wfOf(doc)}>
    ${back}
    <section class="panel doc-head">
      <div class="body">
        <div class="doc-title-row">
          <div>
            <h2>${doc.title} <${Mark} c=${doc.classification} /></h2>
            <dl class="doc-facts">
              <dt>${t2('type')}</dt><dd>${cap(word(DOC_TYPES, doc.type))}</dd>
              <dt>${t2('owner')}</dt><dd>${nm[doc.owner] || doc.owner || '—'}</dd>
              <dt>${t2('due')}</dt><dd>${doc.due === null || doc.due === undefined ? t2('no_due')
                : html`${real !== null ? fmtDay(real, ex.tz_offset_min) + ' · ' : ''}${dueText(doc.due)}`}</dd>
              ${(doc.to || []).length ? html`<dt>${t2('to')}</dt><dd>${doc.to.map((r) => nm[r] || r).join(', ')}</dd>` : null}
            </dl>
          </div>
          <${Stamp} status=${wfOf(doc)} />
        </div>
        <${Workflow} x=${x} doc=${doc} onDone=${reload} />
        <p class="muted small">${t2('steps_hint')}</p>
      </div>
    </section>
    <div class="doc-grid">
      <div class="doc-col">
        <${Panel} title=${t2('versions', vs.length)} class="doc-versions">
          ${!vs.length ? html`<p class="muted">${t2('no_versions')}</p>` : html`<table class="ver-table">
            <thead><tr><th scope="col">#</th><th scope="col">${t2('v_by')} / ${t2('v_at')}</th><th scope="col">${t2('v_note')}</th>
              <th scope="col" class="c-cmp" title=${t2('compare')}>${t2('from')}</th><th scope="col" class="c-cmp">${t2('to_v')}</th><th></th></tr></thead>
            <tbody>${vs.map((v) => html`<tr key=${v.n} data-testid="version-row" data-n=${v.n}
                class=${view && view.kind === 'text' && view.n === v.n ? 'sel' : ''}>
              <td class="num"><strong>${v.n}</strong></td>
              <td><div>${v.user ? v.user.name : ''}</div><div class="muted small">${fmtReal(v.at_ms)}</div></td>
              <td>${v.note || ''}<${AttachmentLinks} x=${x} list=${v.attachments} />
                <div class="muted small">${Math.max(1, Math.round((v.size || 0) / 1024))} KiB</div></td>
              <td class="c-cmp"><input type="radio" name="cmp-from" aria-label=${t2('from') + ' ' + v.n}
                checked=${fromV === v.n} onChange=${() => setFrom(v.n)} /></td>
              <td class="c-cmp"><input type="radio" name="cmp-to" aria-label=${t2('to_v') + ' ' + v.n}
                checked=${toV === v.n} onChange=${() => setTo(v.n)} /></td>
              <td><button type="button" data-testid="version-view" onClick=${() => setView({ kind: 'text', n: v.n })}>${t2('view')}</button></td>
            </tr>`)}</tbody>
          </table>`}
          ${vs.length > 1 ? html`<div class="tf-actions"><button type="button" data-testid="diff-show"
            disabled=${!fromV || !toV || fromV === toV}
            onClick=${() => setView({ kind: 'diff', from: fromV, to: toV })}>${t2('show_diff')} ${fromV} ↔ ${toV}</button></div>` : null}
        <//>
        ${canVersion ? html`<${Panel} class="doc-add"><${VersionForm} x=${x} doc=${doc}
          onDone=${(v) => { reload(); if (v && v.n > 1) setView({ kind: 'diff', from: v.n - 1, to: v.n }); else if (v && v.n) setView({ kind: 'text', n: v.n }); setFrom(null); setTo(null); }} /><//>` : null}
      </div>
      <div class="doc-col">
        <${Viewer} x=${x} doc=${doc} view=${view} setView=${setView} />
        <${Panel} title=${t2('history')} class="doc-history">
          ${(doc.history || []).length ? html`<table class="hist-table">
            <thead><tr><th scope="col">${t2('h_at')}</th><th scope="col">${t2('h_step')}</th><th scope="col">${t2('h_user')}</th>
              <th scope="col">${t2('h_reason')}</th></tr></thead>
            <tbody>${doc.history.slice().reverse().map((h, i) => html`<tr key=${i} data-testid="history-row" data-step=${h.step}>
              <td class="time">${fmtReal(h.at_ms)}</td>
              <td><strong>${w('step_' + h.step)}</strong>${h.version ? html` <span class="muted">${t2('version_of', h.version)}</span>` : null}
                ${h.from || h.to ? html`<div class="muted small">${h.from ? w('wf_' + h.from) : ''} → ${h.to ? w('wf_' + h.to) : ''}</div>` : null}</td>
              <td>${h.user ? h.user.name : ''}</td>
              <td>${h.reason || ''}</td></tr>`)}</tbody>
          </table>` : html`<p class="muted">${t2('no_history')}</p>`}
        <//>
      </div>
    </div>
  </div>`;
}

export function Documents({ x, ex, sub }) {
  useLang();
  const id = sub[0] ? decodeURIComponent(sub[0]) : null;
  return html`<div class="prep-docs" data-testid="prep-docs">
    ${id ? html`<${DocPage} x=${x} ex=${ex} id=${id} />` : html`<${DocList} x=${x} ex=${ex} />`}
  </div>`;
}
