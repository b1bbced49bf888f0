// Importing an inject schedule (nhập lịch phát tình huống) from CSV, for
// the director before the exercise starts: the file is read in the browser,
// a dry run maps its columns and checks every row, the mapping can be
// corrected (each field from the CSV's headers, the dry run runs again),
// the preview shows each row with its errors, and Import is possible only
// when no row has an error.  The plan then includes the imported file.

import { html, useRef, useState } from '../lib.js';
import { post } from '../api.js';
import { tr, useLang } from '../i18n.js';
import { ErrorBox, Panel } from '../ui.js';
import { Msg, failure } from './prep-common.js';

const T = {
  vi: {
    title: 'Nhập lịch phát tình huống từ tệp CSV', choose: 'Chọn tệp CSV…', no_file: 'Chưa chọn tệp',
    hint: 'Tệp CSV (UTF-8), dòng đầu là tên cột. Xem trước trước khi nhập; chỉ nhập được khi không còn dòng nào lỗi.',
    reading: 'Đang đọc tệp…', checking: 'Đang kiểm tra…', rows: '{0} dòng', errors_n: '{0} lỗi', no_errors: 'Không có lỗi',
    mapping: 'Ghép cột', mapping_hint: 'Mỗi trường của tình huống lấy từ cột nào của tệp CSV. Đổi cột thì kiểm tra lại ngay.',
    not_mapped: '— Không lấy —', preview: 'Xem trước ({0} dòng)', col_row: 'Dòng', col_errors: 'Lỗi',
    import: 'Nhập vào kế hoạch', importing: 'Đang nhập…', recheck: 'Kiểm tra lại',
    blocked: 'Còn {0} lỗi: sửa tệp hoặc ghép cột lại rồi kiểm tra lại.',
    done: 'Đã nhập {0} tình huống vào kế hoạch (tệp {1}).', not_ready: 'Chỉ nhập được trước khi cuộc diễn tập bắt đầu.',
    general: 'Lỗi chung của tệp',
    fix_mapping: 'Chưa đọc được tệp: chọn cột cho các trường bắt buộc ở phần «Ghép cột», tệp sẽ được kiểm tra lại.',
    f_id: 'Mã', f_at: 'Thời điểm phát', f_title: 'Tên tình huống', f_to: 'Gửi vai tập', f_from: 'Người phát',
    f_text: 'Nội dung', f_phase: 'Giai đoạn', f_problem: 'Vấn đề', f_content: 'Nội dung huấn luyện',
    f_classification: 'Độ mật', f_release: 'Cách phát',
    f_by: 'Yêu cầu: vai thực hiện', f_within: 'Yêu cầu: thời hạn', f_expect: 'Yêu cầu đối với vai tập', required: 'bắt buộc',
    rel_scheduled: 'theo giờ', rel_manual: 'thủ công', phase_n: 'GĐ {0}',
  },
  en: {
    title: 'Import an inject schedule from a CSV file', choose: 'Choose a CSV file…', no_file: 'No file chosen',
    hint: 'A CSV file (UTF-8) with column names in the first line. Preview first; import only when no row has an error.',
    reading: 'Reading the file…', checking: 'Checking…', rows: '{0} rows', errors_n: '{0} errors', no_errors: 'No error',
    mapping: 'Column mapping', mapping_hint: 'Which CSV column each field of an inject comes from. A change is checked again at once.',
    not_mapped: '— Not used —', preview: 'Preview ({0} rows)', col_row: 'Row', col_errors: 'Errors',
    import: 'Import into the plan', importing: 'Importing…', recheck: 'Check again',
    blocked: '{0} errors left: fix the file or the mapping and check again.',
    done: '{0} injects imported into the plan (file {1}).', not_ready: 'Only possible before the exercise starts.',
    general: 'Errors of the whole file',
    fix_mapping: 'The file could not be read yet: choose the columns of the required fields under "Column mapping"; it is checked again.',
    f_id: 'Id', f_at: 'Release time', f_title: 'Title', f_to: 'To roles', f_from: 'From',
    f_text: 'Text', f_phase: 'Phase', f_problem: 'Problem', f_content: 'Content',
    f_classification: 'Classification', f_release: 'Release',
    f_by: 'Expected: by role', f_within: 'Expected: within', f_expect: 'Expected of the players', required: 'required',
    rel_scheduled: 'scheduled', rel_manual: 'by hand', phase_n: 'Phase {0}',
  },
};
const t2 = (k, ...a) => tr(T, k, ...a);
// The fields a column can be mapped to (src/plan/msel.h), and the columns
// of the preview (a row's own keys; expect gathers expect, by, within).
const FIELDS = ['id', 'at', 'title', 'text', 'to', 'from', 'classification', 'release', 'expect', 'by', 'within'];
const REQUIRED = new Set(['at', 'title', 'to']);
const COLS = ['id', 'at', 'phase', 'title', 'to', 'from', 'classification', 'release', 'expect', 'text'];
const COL_OF = { by: 'expect', within: 'expect' };
const fieldName = (f) => (T.vi['f_' + f] ? t2('f_' + f) : f);
const cell = (v) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(', ')
  : typeof v === 'object' ? [v.kind, v.by, v.within].filter(Boolean).join(' · ') : String(v));
const clip = (s, n = 140) => (s.length > n ? s.slice(0, n) + '…' : s);

// The column names of a CSV (its first row; the delimiter the server
// would find: comma, semicolon or tab), for mapping columns before the
// server has read the file.
export function csvHeaders(text) {
  const t = String(text || '').replace(/^\uFEFF/, '');
  const fields = (delim) => {
    const out = [];
    let f = '', q = false, i = 0;
    for (; i < t.length; i++) {
      const c = t[i];
      if (q) {
        if (c === '"') { if (t[i + 1] === '"') { f += '"'; i++; } else q = false; } else f += c;
      } else if (c === '"') q = true;
      else if (c === delim) { out.push(f.trim()); f = ''; }
      else if (c === '\n' || c === '\r') break;
      else f += c;
    }
    out.push(f.trim());
    return out;
  };
  let best = [];
  for (const d of [',', ';', '\t']) {
    const h = fields(d);
    if (h.length > best.length) best = h;
  }
  return best.filter(Boolean);
}

export function Import({ x, ex, reloadExercise }) {
  useLang();
  const [file, setFile] = useState(null);      // { name, csv }
  const [mapping, setMapping] = useState(null);
  const [preview, setPreview] = useState(null);
  const [busy, setBusy] = useState('');
  const [error, setError] = useState(null);
  const [msg, setMsg] = useState(null);
  const input = useRef(null);
  const ready = ex.status === 'ready';

  const dryRun = async (f, m) => {
    setBusy(t2('checking'));
    setError(null);
    setMsg(null);
    try {
      const body = { csv: f.csv, file_name: f.name };
      if (m && Object.keys(m).length) body.mapping = m;
      const r = await post(`/api/exercises/${x}/import/msel?dry_run=1`, body);
      setPreview(r);
      setMapping({ ...(m || {}), ...(r.mapping || {}) });
    } catch (err) {
      // a 422 carries the preview too; a 400 (e.g. a required field with
      // no column) leaves the mapping to be chosen by hand
      if (err.body && err.body.rows) {
        setPreview(err.body);
        setMapping({ ...(m || {}), ...(err.body.mapping || {}) });
      } else {
        setPreview(null);
        setMapping(m || {});
        setError(err);
      }
    } finally {
      setBusy('');
    }
  };
  const choose = async (e) => {
    const fl = e.target.files && e.target.files[0];
    if (!fl) return;
    setBusy(t2('reading'));
    const csv = await fl.text();
    const f = { name: fl.name, csv, headers: csvHeaders(csv) };
    // the same columns as the file before: keep the mapping chosen for it
    const keep = file && mapping && file.headers.join('\u0001') === f.headers.join('\u0001') ? mapping : null;
    setPreview(null);
    setMapping(keep);
    setFile(f);
    if (input.current) input.current.value = '';
    await dryRun(f, keep);
  };
  const remap = (field, header) => {
    const m = { ...(mapping || {}), [field]: header || null };
    setMapping(m);
    dryRun(file, m);
  };
  const doImport = async () => {
    setBusy(t2('importing'));
    setMsg(null);
    try {
      const r = await post(`/api/exercises/${x}/import/msel`, { csv: file.csv, file_name: file.name, mapping });
      setPreview(r);
      setMsg({ ok: true, text: t2('done', r.injects ?? (r.rows || []).length, r.file || r.new_file || file.name) });
      reloadExercise();
    } catch (err) {
      if (err.body && err.body.rows) setPreview(err.body);
      setMsg({ ok: false, text: failure(err) });
    } finally {
      setBusy('');
    }
  };

  const phaseNo = {};
  (ex.phases || []).forEach((p, i) => { phaseNo[p.id] = i + 1; });
  const show = (r, c) => {
    if (c === 'text') return clip(cell(r[c]));
    if (c === 'release' && r[c]) return T.vi['rel_' + r[c]] ? t2('rel_' + r[c]) : r[c];
    if (c === 'phase' && r[c]) return phaseNo[r[c]] ? t2('phase_n', phaseNo[r[c]]) : r[c];
    return cell(r[c]);
  };
  const rows = (preview && preview.rows) || [];
  const headers = (preview && preview.headers) || (file && file.headers) || [];
  const fields = FIELDS;
  const cols = COLS.filter((c) => c === 'id' || rows.some((r) => r[c] !== null && r[c] !== undefined && r[c] !== ''
    && !(Array.isArray(r[c]) && !r[c].length)));
  const nErr = preview ? (preview.errors ?? rows.reduce((s, r) => s + (r.errors || []).length, 0)) : 0;
  const general = (preview && Array.isArray(preview.plan_errors)) ? preview.plan_errors : [];
  const committed = !!(preview && preview.committed);

  return html`<div class="prep-import" data-testid="prep-import">
    <${Panel} title=${t2('title')}>
      ${!ready ? html`<p class="notice">${t2('not_ready')}</p>` : null}
      <p class="muted small">${t2('hint')}</p>
      <div class="imp-file">
        <input id="imp-csv" ref=${input} type="file" accept=".csv,text/csv" class="pl-file-input" data-testid="import-file"
          disabled=${!ready || !!busy} onChange=${choose} />
        <label for="imp-csv" class="button">${t2('choose')}</label>
        <span class=${file ? '' : 'muted'}>${file ? file.name : t2('no_file')}</span>
        ${file ? html`<button type="button" disabled=${!!busy} onClick=${() => dryRun(file, mapping)}>${t2('recheck')}</button>` : null}
        ${busy ? html`<span class="muted" aria-busy="true">${busy}</span>` : null}
        ${preview ? html`<span class=${'imp-sum ' + (nErr ? 'bad' : 'ok')} data-testid="import-errors" data-value=${nErr}>
          ${t2('rows', rows.length)} · ${nErr ? t2('errors_n', nErr) : t2('no_errors')}</span>` : null}
      </div>
      <${ErrorBox} error=${error} />
    <//>
    ${file ? html`
      <div class="imp-grid">
        <${Panel} title=${t2('mapping')} class="imp-mapping">
          <p class="muted small">${t2('mapping_hint')}</p>
          <div class="imp-map" data-testid="import-mapping">
            ${fields.map((f) => html`<label key=${f}><span>${fieldName(f)} <code>${f}</code>${
                REQUIRED.has(f) ? html` <span class="req">(${t2('required')})</span>` : null}</span>
              <select name=${'map-' + f} data-field=${f} value=${(mapping && mapping[f]) || ''} disabled=${!!busy || committed}
                  onChange=${(e) => remap(f, e.target.value)}>
                <option value="">${t2('not_mapped')}</option>
                ${headers.map((h) => html`<option value=${h}>${h}</option>`)}
              </select></label>`)}
          </div>
        <//>
        ${preview ? html`<${Panel} title=${t2('preview', rows.length)} class="imp-preview">
          ${general.length ? html`<div class="error"><strong>${t2('general')}:</strong>
            <ul>${general.map((e, i) => html`<li key=${i}>${e.message || String(e)}${e.file ? html` <span class="muted small">${e.file}${e.line ? ':' + e.line : ''}</span>` : null}</li>`)}</ul></div>` : null}
          <div class="imp-scroll"><table class="imp-table" data-testid="import-preview">
            <thead><tr><th scope="col" class="num">${t2('col_row')}</th>
              ${cols.map((c) => html`<th scope="col">${fieldName(c)}</th>`)}
              <th scope="col">${t2('col_errors')}</th></tr></thead>
            <tbody>${rows.map((r) => {
              const errs = r.errors || [];
              const warns = r.warnings || [];
              const bad = new Set(errs.map((e) => COL_OF[e.field] || e.field).filter(Boolean));
              return html`<tr key=${r.row} class=${errs.length ? 'has-err' : ''} data-testid="import-row" data-row=${r.row}
                  data-errors=${errs.length}>
                <td class="num">${r.row}</td>
                ${cols.map((c) => html`<td class=${'f-' + c + (bad.has(c) ? ' err-cell' : '')}
                  title=${c === 'text' ? cell(r[c]) : null}>${show(r, c)}</td>`)}
                <td class="imp-errs">${errs.map((e, i) => html`<div key=${'e' + i} data-testid="import-row-error">
                  ${e.field ? html`<b>${fieldName(e.field)}${e.column ? ' (' + e.column + ')' : ''}:</b> ` : null}${e.message}</div>`)}
                  ${warns.map((e, i) => html`<div key=${'w' + i} class="imp-warn">${e.field ? html`<b>${fieldName(e.field)}:</b> ` : null}${e.message}</div>`)}</td>
              </tr>`;
            })}</tbody>
          </table></div>
          <div class="imp-go">
            <button type="button" class="primary" data-testid="import-submit"
              disabled=${!!busy || !ready || nErr > 0 || !rows.length || committed} onClick=${doImport}>
              ${busy === t2('importing') ? t2('importing') : t2('import')}</button>
            ${nErr ? html`<span class="bad-text">${t2('blocked', nErr)}</span>` : null}
          </div>
          <${Msg} msg=${msg} onClose=${() => setMsg(null)} />
        <//>` : html`<${Panel} title=${t2('preview', 0)} class="imp-preview">
          <p class="muted">${busy || t2('fix_mapping')}</p><//>`}
      </div>` : null}
  </div>`;
}
