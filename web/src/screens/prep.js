// The preparation screen (chuẩn bị), before day N: tasks, committees,
// documents, rehearsals, the readiness board and the import of an inject
// schedule, as sub-views under #/x/{id}/prep/{view}/{item}.  What each
// assignment may open follows docs/api.md ("Preparation"); the server
// enforces every right on its own.

import { html } from '../lib.js';
import { tr, useLang } from '../i18n.js';
import { Tasks } from './prep-tasks.js';
import { Committees } from './prep-committees.js';
import { Documents } from './prep-docs.js';
import { Rehearsals } from './prep-rehearsals.js';
import { Readiness } from './prep-readiness.js';
import { Import } from './prep-import.js';
import { dayDiff } from './prep-common.js';

const T = {
  vi: {
    title: 'Chuẩn bị diễn tập', views: 'Các mục chuẩn bị',
    tasks: 'Nhiệm vụ', committees: 'Các ban', docs: 'Văn kiện', rehearsals: 'Luyện tập',
    readiness: 'Sẵn sàng', import: 'Nhập lịch phát tình huống',
    n_day: 'Ngày N: {0}', left: 'còn {0} ngày', today: 'hôm nay', past: 'đã qua {0} ngày',
    no_n: 'chưa ấn định ngày N',
  },
  en: {
    title: 'Exercise preparation', views: 'Preparation views',
    tasks: 'Tasks', committees: 'Committees', docs: 'Documents', rehearsals: 'Rehearsals',
    readiness: 'Readiness', import: 'Import inject schedule',
    n_day: 'Day N: {0}', left: '{0} days left', today: 'today', past: '{0} days ago',
    no_n: 'day N not fixed to a date',
  },
};
const t2 = (k, ...a) => tr(T, k, ...a);

const ALL = ['director', 'controller', 'evaluator', 'observer', 'player'];
const STAFF_OBS = ['director', 'controller', 'evaluator', 'observer'];
export const PREP_VIEWS = [
  { path: 'readiness', view: Readiness, who: STAFF_OBS },
  { path: 'tasks', view: Tasks, who: ALL },
  { path: 'docs', view: Documents, who: ALL },
  { path: 'committees', view: Committees, who: ALL },
  { path: 'rehearsals', view: Rehearsals, who: STAFF_OBS },
  { path: 'import', view: Import, who: ['director'] },
];

function NDay({ ex }) {
  if (!ex.n_date) return html`<span class="prep-nday muted">${t2('no_n')}</span>`;
  const [y, m, d] = ex.n_date.split('-').map(Number);
  const nMs = Date.UTC(y, m - 1, d) - (ex.tz_offset_min || 0) * 60000;
  const left = dayDiff(nMs, Date.now(), ex.tz_offset_min || 0);
  return html`<span class="prep-nday" data-testid="prep-nday">
    <b>${t2('n_day', `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`)}</b>
    <span class=${'prep-left' + (left <= 7 && left >= 0 ? ' soon' : '')}>${
      left > 0 ? t2('left', left) : left === 0 ? t2('today') : t2('past', -left)}</span></span>`;
}

export function Prep(props) {
  useLang();
  const { x, ex, kind } = props;
  const sub = props.sub || [];
  const views = PREP_VIEWS.filter((v) => v.who.includes(kind));
  const home = kind === 'player' ? 'tasks' : 'readiness';
  const cur = views.find((v) => v.path === sub[0]) || views.find((v) => v.path === home) || views[0];
  const View = cur.view;
  return html`<div class="prep" data-testid="prep" data-view=${cur.path}>
    <div class="prep-head no-print">
      <h1>${t2('title')}</h1>
      <${NDay} ex=${ex} />
      <nav class="subtabs" aria-label=${t2('views')}>
        ${views.map((v) => html`<a key=${v.path} href=${`#/x/${x}/prep/${v.path}`} data-testid=${'prep-tab-' + v.path}
          class=${v === cur ? 'active' : ''} aria-current=${v === cur ? 'page' : null}>${t2(v.path)}</a>`)}
      </nav>
    </div>
    <${View} ...${props} sub=${cur.path === sub[0] ? sub.slice(1) : []} />
  </div>`;
}
