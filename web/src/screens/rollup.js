// The roll-up (tổng hợp) of a multi-level exercise for its staff and
// observers: one card per child exercise with its status and clock (the
// children share the parent's clock), injects released, expectations met,
// late, missed and open, and what its preparation still lacks; each card
// links to the child.  The children's events do not come through the
// parent's feed, so the view also polls.

import { html, useEffect } from '../lib.js';
import { get } from '../api.js';
import { fmtEx, tr, useLang } from '../i18n.js';
import { useLiveData } from '../live.js';
import { ErrorBox, Loading, Pill } from '../ui.js';
import { SUMMARY_KEYS } from './prep-readiness.js';

const T = {
  vi: {
    title: 'Tổng hợp các cuộc diễn tập cấp dưới', none: 'Cuộc diễn tập này không có cuộc diễn tập cấp dưới.',
    injects: 'Tình huống đã phát', exps: 'Thực hiện yêu cầu', readiness: 'Công tác chuẩn bị còn thiếu',
    met: 'Đạt', late: 'Trễ', missed: 'Quá hạn', open: 'Đang chờ', open_child: 'Mở cuộc diễn tập',
    prep_child: 'Chuẩn bị', clock: 'Giờ diễn tập', shared: 'Các cuộc diễn tập cấp dưới dùng chung đồng hồ của cuộc diễn tập này.',
    total: 'Tổng cộng', all_ready: 'Không còn gì thiếu',
    documents_pending: 'văn kiện chưa thông qua', tasks_open: 'nhiệm vụ chưa xong',
    tasks_overdue: 'nhiệm vụ quá hạn', roles_unfilled: 'vai tập chưa có người',
    findings_open: 'tồn tại chưa khắc phục', warnings: 'cảnh báo kế hoạch',
  },
  en: {
    title: 'Roll-up of the lower-level exercises', none: 'This exercise has no lower-level exercise.',
    injects: 'Injects released', exps: 'Expectations', readiness: 'Preparation still missing',
    met: 'Met', late: 'Late', missed: 'Missed', open: 'Open', open_child: 'Open the exercise',
    prep_child: 'Preparation', clock: 'Exercise time', shared: 'The lower-level exercises share this exercise\u2019s clock.',
    total: 'Total', all_ready: 'Nothing missing',
    documents_pending: 'documents not approved', tasks_open: 'tasks not done',
    tasks_overdue: 'tasks overdue', roles_unfilled: 'roles without a person',
    findings_open: 'open findings', warnings: 'plan warnings',
  },
};
const t2 = (k, ...a) => tr(T, k, ...a);
const EXP = ['met', 'late', 'missed', 'open'];
const CHILD_SCREEN = { director: 'director', controller: 'director', evaluator: 'evaluator', observer: 'dashboard' };

function Child({ c, kind }) {
  const inj = c.injects || { released: 0, total: 0 };
  const pct = inj.total ? Math.round((100 * inj.released) / inj.total) : 0;
  const ex = c.expectations || {};
  const rd = c.readiness || {};
  const missing = SUMMARY_KEYS.filter((k) => rd[k]);
  const screen = CHILD_SCREEN[kind] || '';
  return html`<article class="ru-card" data-testid="rollup-child" data-child=${c.id}>
    <header>
      <div><a href=${`#/x/${c.id}${screen ? '/' + screen : ''}`} class="ru-name">${c.name}</a>
        <div class="muted small">${c.code}</div></div>
      <${Pill} status=${c.status} />
    </header>
    <div class="ru-clock"><span class="muted small">${t2('clock')}</span>
      <span class="time">${c.clock && c.clock.started ? c.clock.t_text || fmtEx(c.clock.t) : '—'}</span></div>
    <div class="ru-inj">
      <div class="ru-label">${t2('injects')} <b data-testid="rollup-injects">${inj.released}/${inj.total}</b></div>
      <div class="ru-bar" role="progressbar" aria-valuenow=${pct} aria-valuemin="0" aria-valuemax="100">
        <span style=${`width:${pct}%`}></span></div>
    </div>
    <div class="ru-exps" aria-label=${t2('exps')}>
      ${EXP.map((k) => html`<div key=${k} class=${'ru-exp e-' + k + (ex[k] ? '' : ' zero')} data-testid=${'rollup-' + k}
        data-value=${ex[k] || 0}><span class="v">${ex[k] || 0}</span><span class="l">${t2(k)}</span></div>`)}
    </div>
    <div class="ru-ready">
      <div class="ru-label">${t2('readiness')}</div>
      ${missing.length ? html`<ul>${missing.map((k) => html`<li key=${k} class=${k === 'tasks_overdue' ? 'bad' : ''}>
        <b>${rd[k]}</b> ${t2(k)}</li>`)}</ul>` : html`<p class="ok-text">✓ ${t2('all_ready')}</p>`}
    </div>
    <footer><a class="button" href=${`#/x/${c.id}${screen ? '/' + screen : ''}`}>${t2('open_child')} →</a>
      <a href=${`#/x/${c.id}/prep`}>${t2('prep_child')}</a></footer>
  </article>`;
}

export function Rollup({ x, live, kind }) {
  useLang();
  const [data, error, reload] = useLiveData(live, () => get(`/api/exercises/${x}/rollup`), [x]);
  useEffect(() => {
    const id = setInterval(() => { if (!document.hidden) reload(); }, 5000);
    return () => clearInterval(id);
  }, [x]);
  const kids = (data && data.children) || [];
  const sum = (f) => kids.reduce((s, c) => s + f(c), 0);
  return html`<div class="rollup" data-testid="rollup">
    <h1>${t2('title')}</h1>
    <p class="muted small">${t2('shared')}</p>
    <${ErrorBox} error=${error} />
    ${!data && !error ? html`<${Loading} />` : null}
    ${data && !kids.length ? html`<p class="muted">${t2('none')}</p>` : null}
    ${kids.length ? html`<div class="ru-total" data-testid="rollup-total">
      <span>${t2('total')}:</span>
      <span>${t2('injects')} <b>${sum((c) => (c.injects || {}).released || 0)}/${sum((c) => (c.injects || {}).total || 0)}</b></span>
      ${EXP.map((k) => html`<span key=${k} class=${'e-' + k}>${t2(k)} <b>${sum((c) => (c.expectations || {})[k] || 0)}</b></span>`)}
    </div>` : null}
    <div class="ru-grid">${kids.map((c) => html`<${Child} key=${c.id} c=${c} kind=${kind} />`)}</div>
  </div>`;
}
