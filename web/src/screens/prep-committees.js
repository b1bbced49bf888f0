// The committees of the exercise (các ban): the standing agency, the
// Steering Committee (BCĐ), the Organising Committee (BTC), its
// sub-committees and the directing staff, each as a card with its head,
// its members, their duties and the roles they play.

import { html, useMemo } from '../lib.js';
import { get } from '../api.js';
import { tr, useLang } from '../i18n.js';
import { ErrorBox, Loading } from '../ui.js';
import { useData } from './prep-common.js';

const T = {
  vi: {
    title: 'Tổ chức diễn tập', standing: 'Cơ quan thường trực', no_standing: 'Kế hoạch chưa xác định cơ quan thường trực.',
    head: 'Trưởng ban', members: 'Thành viên ({0})', no_members: 'Chưa có thành viên.',
    serves: 'Giúp việc cho: {0}', none: 'Kế hoạch chưa có ban nào (mục committees).',
    plays: 'Vai tập: {0}', subs: '{0} tiểu ban',
    k_steering: 'Ban Chỉ đạo', k_organising: 'Ban Tổ chức', 'k_sub-committee': 'Tiểu ban',
    'k_directing-staff': 'Ban Đạo diễn', subs_title: 'Các tiểu ban',
  },
  en: {
    title: 'Organisation of the exercise', standing: 'Standing agency', no_standing: 'The plan names no standing agency.',
    head: 'Head', members: 'Members ({0})', no_members: 'No member yet.',
    serves: 'Serves: {0}', none: 'The plan has no committee (section committees).',
    plays: 'Plays: {0}', subs: '{0} sub-committees',
    k_steering: 'Steering Committee', k_organising: 'Organising Committee', 'k_sub-committee': 'Sub-committee',
    'k_directing-staff': 'Directing staff', subs_title: 'Sub-committees',
  },
};
const t2 = (k, ...a) => tr(T, k, ...a);
const ORDER = ['steering', 'organising', 'sub-committee', 'directing-staff'];

function kindLabel(c) {
  const k = 'k_' + c.kind;
  return T.vi[k] ? t2(k) : c.kind_label || c.kind;
}

function Person({ p }) {
  if (!p) return html`<span class="muted">—</span>`;
  return html`<span class="person"><strong>${p.name}</strong>${p.title ? html` <span class="muted">— ${p.title}</span>` : null}</span>`;
}

function Card({ c, byId, roleName, subs }) {
  return html`<article class=${'cm-card cm-' + c.kind} data-testid="committee" data-committee=${c.id} data-kind=${c.kind}>
    <header>
      <span class="cm-kind">${kindLabel(c)}</span>
      <h3>${c.name}</h3>
      ${c.parent && byId[c.parent] ? html`<div class="muted small">${t2('serves', byId[c.parent].name)}</div>` : null}
    </header>
    <div class="cm-head"><span class="cm-label">${t2('head')}:</span> <${Person} p=${c.head} /></div>
    <div class="cm-members">
      <div class="cm-label">${t2('members', (c.members || []).length)}</div>
      ${(c.members || []).length ? html`<ul>${c.members.map((m) => html`<li key=${m.person && m.person.id}>
        <${Person} p=${m.person} />
        ${m.duty ? html`<div class="cm-duty">${m.duty}</div>` : null}
        ${(m.roles || []).length ? html`<div class="cm-roles muted">${t2('plays', m.roles.map(roleName).join(', '))}</div>` : null}
      </li>`)}</ul>` : html`<p class="muted">${t2('no_members')}</p>`}
    </div>
    ${subs && subs.length ? html`<div class="muted small">${t2('subs', subs.length)}</div>` : null}
  </article>`;
}

export function Committees({ x, ex }) {
  useLang();
  const [data, error] = useData(() => get(`/api/exercises/${x}/committees`), [x]);
  const list = (data && data.committees) || [];
  const byId = useMemo(() => {
    const m = {};
    for (const c of list) m[c.id] = c;
    return m;
  }, [data]);
  const roleName = (id) => {
    const r = (ex.roles || []).find((rr) => rr.id === id);
    return r ? r.name : id;
  };
  const sorted = list.slice().sort((a, b) => {
    const ia = ORDER.indexOf(a.kind), ib = ORDER.indexOf(b.kind);
    return (ia < 0 ? 9 : ia) - (ib < 0 ? 9 : ib);
  });
  const top = sorted.filter((c) => c.kind !== 'sub-committee');
  const subsOf = (id) => sorted.filter((c) => c.kind === 'sub-committee' && c.parent === id);
  const loose = sorted.filter((c) => c.kind === 'sub-committee' && !(c.parent && byId[c.parent] && byId[c.parent].kind !== 'sub-committee'));
  const sa = data && data.standing_agency;
  return html`<div class="prep-committees" data-testid="prep-committees">
    <${ErrorBox} error=${error} />
    ${!data && !error ? html`<${Loading} />` : null}
    ${data ? html`<div class="cm-standing" data-testid="standing-agency">
      <span class="cm-label">${t2('standing')}:</span>${' '}
      ${sa ? html`<strong>${sa.name}</strong>` : html`<span class="muted">${t2('no_standing')}</span>`}
    </div>` : null}
    ${data && !list.length ? html`<p class="muted">${t2('none')}</p>` : null}
    <div class="cm-grid">
      ${top.map((c) => html`<${Card} key=${c.id} c=${c} byId=${byId} roleName=${roleName} subs=${subsOf(c.id)} />`)}
    </div>
    ${sorted.some((c) => c.kind === 'sub-committee') ? html`<h2 class="cm-sub-title">${t2('subs_title')}</h2>
      <div class="cm-grid subs">
        ${[...top.flatMap((c) => subsOf(c.id)), ...loose.filter((c) => !top.some((tp) => tp.id === c.parent))]
          .filter((c, i, a) => a.indexOf(c) === i)
          .map((c) => html`<${Card} key=${c.id} c=${c} byId=${byId} roleName=${roleName} />`)}
      </div>` : null}
  </div>`;
}
