// The kvpt web front: login, my exercises, and per exercise the screens my
// assignment allows (overview, director's console, player's workspace,
// evaluator's console, steering dashboard, preparation, the roll-up of
// a multi-level exercise, the evaluation and after-action review, and the
// replay).  Hash routes, so the server
// serves one page.  The server enforces every right on its own; the UI only
// hides what would be refused.

import { html, render, useEffect, useState } from './lib.js';
import { ApiError, get, post, setCsrf } from './api.js';
import { setLang, t, useLang } from './i18n.js';
import { useLive } from './live.js';
import { Clocks, Conn, ErrorBox, Loading, Pill } from './ui.js';
import { Overview } from './screens/overview.js';
import { Director } from './screens/director.js';
import { Player } from './screens/player.js';
import { Evaluator } from './screens/evaluator.js';
import { Dashboard } from './screens/dashboard.js';
import { Prep } from './screens/prep.js';
import { Rollup } from './screens/rollup.js';
import { Aar } from './screens/aar.js';
import { Replay } from './screens/replay.js';

// Screens of an exercise and who may open them (`when`: only for some
// exercises, e.g. the roll-up only for one with children).
export const SCREENS = [
  { path: '', key: 'overview', view: Overview,
    who: ['director', 'controller', 'player', 'evaluator', 'observer'] },
  { path: 'director', key: 'console', view: Director, who: ['director', 'controller'] },
  { path: 'player', key: 'workspace', view: Player, who: ['player'] },
  { path: 'evaluator', key: 'evaluation', view: Evaluator, who: ['evaluator'] },
  { path: 'dashboard', key: 'dashboard', view: Dashboard,
    who: ['observer', 'director', 'controller', 'evaluator'] },
  { path: 'prep', key: 'prep', view: Prep,
    who: ['director', 'controller', 'evaluator', 'observer', 'player'] },
  { path: 'rollup', key: 'rollup', view: Rollup,
    who: ['director', 'controller', 'evaluator', 'observer'],
    when: (ex) => !!(ex.children && ex.children.length) },
  { path: 'aar', key: 'aar', view: Aar,
    who: ['director', 'controller', 'evaluator', 'observer'] },
  { path: 'replay', key: 'replay', view: Replay,
    who: ['director', 'controller', 'evaluator', 'observer'] },
];

// The screen an assignment lands on.
export function homeOf(kind) {
  return { director: 'director', controller: 'director', player: 'player',
           evaluator: 'evaluator', observer: 'dashboard' }[kind] || '';
}

function parseRoute() {
  const h = location.hash.replace(/^#\/?/, '');
  const parts = h.split('/').filter(Boolean);
  if (parts[0] === 'login') return { name: 'login' };
  if (parts[0] === 'x' && /^\d+$/.test(parts[1] || '')) {
    return { name: 'exercise', x: +parts[1], screen: parts[2] || '', sub: parts.slice(3) };
  }
  return { name: 'list' };
}

function useRoute() {
  const [r, setR] = useState(parseRoute());
  useEffect(() => {
    const f = () => setR(parseRoute());
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);
  return r;
}

function LangSwitch() {
  const lang = useLang();
  return html`<button type="button" class="link" onClick=${() => setLang(lang === 'vi' ? 'en' : 'vi')}
    aria-label="Language / Ngôn ngữ" data-testid="lang">${t('language')}</button>`;
}

function TopBar({ me, onLogout, children }) {
  return html`<header class="topbar">
    <a class="brand" href="#/"><span class="star" aria-hidden="true">★</span> ${t('app')}</a>
    <div class="middle">${children}</div>
    <nav class="user">
      ${me ? html`<span class="who" data-testid="me">${me.user.display}</span>` : null}
      <${LangSwitch} />
      ${me ? html`<button type="button" class="link" onClick=${onLogout}>${t('logout')}</button>` : null}
    </nav>
  </header>`;
}

function Login({ onDone }) {
  useLang();
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await post('/api/login', { user, password });
      setCsrf(r.csrf);
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('login_failed'));
      else if (err instanceof ApiError && err.status === 429) {
        setError(t('throttled', (err.message.match(/\d+/) || ['60'])[0]));
      } else setError(err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<main class="login">
    <form class="panel login-box" onSubmit=${submit} aria-labelledby="login-title">
      <div class="emblem" aria-hidden="true">★</div>
      <h1 id="login-title">${t('app_long')}</h1>
      <label>${t('user')}
        <input name="user" autocomplete="username" required value=${user}
               onInput=${(e) => setUser(e.target.value)} autofocus /></label>
      <label>${t('password')}
        <input name="password" type="password" autocomplete="current-password" required
               value=${password} onInput=${(e) => setPassword(e.target.value)} /></label>
      ${error ? html`<div class="error" role="alert">${error}</div>` : null}
      <button type="submit" class="primary" disabled=${busy}>${t('login')}</button>
      <p class="lang-line"><${LangSwitch} /></p>
    </form>
  </main>`;
}

function ExerciseList({ me }) {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { get('/api/exercises').then(setList, setError); }, []);
  const mine = (list || []).filter((x) => x.assignment);
  return html`<main class="page">
    <h1>${t('my_exercises')}</h1>
    <${ErrorBox} error=${error} />
    ${!list && !error ? html`<${Loading} />` : null}
    ${list && !mine.length ? html`<p class="muted">${t('none_assigned')}</p>` : null}
    <ul class="cards" data-testid="exercise-list">
      ${mine.map((x) => html`<li class="card" key=${x.id}>
        <a href=${'#/x/' + x.id + '/' + homeOf(x.assignment.kind)}>
          <span class="code">${x.code}</span>
          <span class="name">${x.name}</span>
        </a>
        <div class="meta">
          <${Pill} status=${x.status} />
          <span class="assignment" data-testid="assignment">${t(x.assignment.kind)}${
            x.assignment.roles.length ? ': ' + x.assignment.roles.join(', ') : ''}</span>
        </div>
      </li>`)}
    </ul>
  </main>`;
}

// Where this exercise belongs: the parent of a multi-level exercise, or
// the exercise a rehearsal run rehearses.
function Lineage({ ex }) {
  const r = ex.rehearsal;
  const label = r ? (r.kind_label || r.kind || '').replace(/^./, (c) => c.toUpperCase()) : '';
  return html`
    ${r && r.of ? html`<div class="lineage rehearsal-banner" role="note" data-testid="rehearsal-banner">
      <span class="lineage-tag">${t('rehearsal_run')}</span>
      <strong>${label}${r.round ? ' ' + t('round_n', r.round) : ''} — ${r.of.name}</strong>
      <a href=${'#/x/' + r.of.id + '/prep/rehearsals'} data-testid="rehearsal-back">${t('rehearsal_back')}</a>
    </div>` : null}
    ${ex.parent ? html`<div class="lineage parent-line" data-testid="parent-line">
      <span>${t('belongs_to')}:</span>
      <a href=${'#/x/' + ex.parent.id} data-testid="parent-link">${ex.parent.name}</a>
      <span class="muted">(${ex.parent.code}) · ${t('clock_shared')}</span>
    </div>` : null}`;
}

function Forbidden() {
  return html`<main class="page"><div class="forbidden" role="alert" data-testid="forbidden">
    <h1>${t('forbidden')}</h1><p>${t('forbidden_hint')}</p>
    <p><a href="#/">${t('back')}</a></p></div></main>`;
}

// An exercise page: its bar (tabs, clocks, connection) and one screen.
function ExercisePage({ me, route, onLogout }) {
  const live = useLive(route.x);
  const [ex, setEx] = useState(null);
  const [receivedAt, setReceivedAt] = useState(Date.now());
  const [error, setError] = useState(null);
  const load = () => get(`/api/exercises/${route.x}`).then((e) => {
    setEx(e); setReceivedAt(Date.now()); setError(null);
  }, setError);
  useEffect(() => { load(); }, [route.x]);
  const lastType = live.last && live.last.type;
  useEffect(() => {
    if (lastType && /^(exercise|clock)\./.test(lastType)) load();
  }, [live.lastId]);
  if (error) {
    return html`<${TopBar} me=${me} onLogout=${onLogout} />
      ${error.status === 404 ? html`<${Forbidden} />` : html`<main class="page"><${ErrorBox} error=${error} /></main>`}`;
  }
  if (!ex) return html`<${TopBar} me=${me} onLogout=${onLogout} /><main class="page"><${Loading} /></main>`;
  const kind = ex.assignment ? ex.assignment.kind : null;
  const fits = (s) => kind && s.who.includes(kind) && (!s.when || s.when(ex));
  const screen = SCREENS.find((s) => s.path === route.screen);
  const allowed = SCREENS.filter(fits);
  const ctx = { x: route.x, ex, me, kind, roles: ex.assignment ? ex.assignment.roles : [],
                live, reloadExercise: load, receivedAt, sub: route.sub || [] };
  return html`
    <${TopBar} me=${me} onLogout=${onLogout}>
      <div class="ex-title"><span class="code">${ex.code}</span> ${ex.name}</div>
    <//>
    <div class="exbar">
      <nav class="tabs" aria-label="screens">
        ${allowed.map((s) => html`<a href=${'#/x/' + route.x + (s.path ? '/' + s.path : '')}
            class=${s === screen ? 'active' : ''} aria-current=${s === screen ? 'page' : null}>${t(s.key)}</a>`)}
      </nav>
      <${Clocks} clock=${ex.clock} receivedAt=${receivedAt} status=${ex.status} />
      <${Conn} status=${live.status} />
    </div>
    <${Lineage} ex=${ex} />
    ${!screen || !fits(screen)
      ? html`<${Forbidden} />`
      : html`<main class=${'page screen-' + (screen.path || 'overview')}><${screen.view} ...${ctx} /></main>`}`;
}

function App() {
  useLang();
  const route = useRoute();
  const [me, setMe] = useState(undefined);
  const loadMe = () => get('/api/me').then((m) => { setCsrf(m.csrf); setMe(m); },
                                           () => setMe(null));
  useEffect(() => {
    loadMe();
    const f = () => setMe(null);
    window.addEventListener('kvpt:logout', f);
    return () => window.removeEventListener('kvpt:logout', f);
  }, []);
  const logout = async () => {
    try { await post('/api/logout'); } catch (e) { /* already out */ }
    setCsrf('');
    setMe(null);
    location.hash = '#/';
  };
  if (me === undefined) return html`<${Loading} />`;
  if (!me) return html`<${TopBar} /><${Login} onDone=${loadMe} />`;
  if (route.name === 'exercise') return html`<${ExercisePage} me=${me} route=${route} onLogout=${logout} />`;
  return html`<${TopBar} me=${me} onLogout=${logout} /><${ExerciseList} me=${me} />`;
}

document.documentElement.lang = localStorage.getItem('kvpt.lang') === 'en' ? 'en' : 'vi';
render(html`<${App} />`, document.getElementById('app'));
