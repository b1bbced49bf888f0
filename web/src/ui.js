// Shared pieces of the screens: the clocks, the connection indicator,
// classification marks, status pills, panels and error boxes, and the
// names of plan entities (full and shortened).

import { html, useEffect, useState } from './lib.js';
import { fmtEx, fmtReal, t } from './i18n.js';

// The exercise clock keeps moving between events: t + elapsed × speed.
export function exerciseNow(clock, receivedAt) {
  if (!clock) return null;
  if (!clock.running) return clock.t;
  return clock.t + Math.floor((Date.now() - receivedAt) * clock.speed);
}

export function useNow(periodMs = 1000) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(id);
  }, [periodMs]);
  return now;
}

export function Clocks({ clock, receivedAt, status, big }) {
  const now = useNow(big ? 1000 : 1000);
  const ex = exerciseNow(clock, receivedAt);
  const speed = clock ? clock.speed : 1;
  return html`
    <div class=${'clocks' + (big ? ' big' : '')} role="group" aria-label=${t('exercise_time')}>
      <div class="clock ex">
        <span class="label">${t('exercise_time')}</span>
        <span class="value" data-testid="exercise-time">${fmtEx(ex)}</span>
      </div>
      <div class="clock real">
        <span class="label">${t('real_time')}</span>
        <span class="value">${fmtReal(now, !big)}</span>
      </div>
      <div class="clock speed">
        <span class="label">${t('speed')}</span>
        <span class="value">${speed === 1 ? '×1' : '×' + (+speed.toFixed(3))}</span>
      </div>
      ${status ? html`<${Pill} status=${status} />` : null}
    </div>`;
}

export function Conn({ status }) {
  const key = status === 'live' ? 'live' : status === 'offline' ? 'offline' : 'reconnecting';
  return html`<span class=${'conn conn-' + key} role="status" aria-live="polite"
      data-testid="connection" data-status=${key} title=${t(key)}>
    <span class="dot" aria-hidden="true"></span>${t(key)}</span>`;
}

export function Mark({ c }) {
  if (!c || c === 'none') return null;
  return html`<span class=${'mark mark-' + c}>${t(c)}</span>`;
}

export function Pill({ status }) {
  const k = status === 'open' ? 'open_exp' : status;
  return html`<span class=${'pill pill-' + status}>${t(k)}</span>`;
}

export function Panel({ title, actions, children, id, class: cls }) {
  return html`<section class=${'panel ' + (cls || '')} id=${id} aria-label=${title}>
    ${title || actions ? html`<header><h2>${title}</h2><div class="actions">${actions}</div></header>` : null}
    <div class="body">${children}</div>
  </section>`;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert">${error.message || String(error)}</div>`;
}

export function Loading() {
  return html`<p class="muted" aria-busy="true">${t('loading')}</p>`;
}

// Names of plan entities by id, for showing ids as people read them.
export function names(ex) {
  const m = {};
  if (!ex) return m;
  for (const b of ex.bodies || []) m[b.id] = b.name;
  for (const r of ex.roles || []) m[r.id] = r.name;
  for (const p of ex.places || []) m[p.id] = p.name;
  for (const c of ex.criteria || []) m[c.id] = c.name;
  for (const ph of ex.phases || []) {
    m[ph.id] = ph.title;
    for (const pr of ph.problems) {
      m[pr.id] = pr.title;
      for (const c of pr.contents) m[c.id] = c.title;
    }
  }
  return m;
}

// The name of state id on machine mid.
export function stateName(ex, mid, sid) {
  const m = (ex.machines || []).find((mm) => mm.id === mid);
  const s = m && m.states.find((ss) => ss.id === sid);
  return s ? s.name : sid;
}

// Shorter names for chips and labels; the full name stays in the title.
const ABBR = [
  [/\s*\([^)]*\)/g, ''],
  [/Bộ Chỉ huy quân sự/gi, 'Bộ CHQS'], [/Ban Chỉ huy quân sự/gi, 'Ban CHQS'],
  [/BCH Quân sự/g, 'BCHQS'], [/Ban Chỉ huy Phòng thủ khu vực/gi, 'Ban CHPTKV'],
  [/Hội đồng nhân dân/gi, 'HĐND'], [/Ủy ban nhân dân/gi, 'UBND'],
  [/Ủy ban Mặt trận Tổ quốc Việt Nam/gi, 'UBMTTQ'], [/Ủy ban MTTQ Việt Nam/gi, 'UBMTTQ'],
  [/Mặt trận Tổ quốc Việt Nam/gi, 'MTTQ'], [/súng máy phòng không/gi, 'SMPK'],
  [/dân quân cơ động/gi, 'DQCĐ'], [/dân quân tại chỗ/gi, 'DQTC'], [/dự bị động viên/gi, 'DBĐV'],
  [/cảnh sát cơ động/gi, 'CSCĐ'], [/Trung tâm Y tế/g, 'TTYT'], [/Tài chính – Kế hoạch/g, 'TC–KH'],
  [/Hội Liên hiệp Phụ nữ/g, 'Hội LHPN'], [/\s+[–-]\s+/g, '–'],
  [/\s+/g, ' '],
];
export function shortName(name, max = 40) {
  let s = name || '';
  for (const [re, to] of ABBR) s = s.replace(re, to);
  s = s.trim();
  if (s.length > max && s.indexOf(', ') > 8) s = s.slice(0, s.indexOf(', '));
  if (s.length > max) {
    // Keep the head and the tail (the distinguishing name is usually last).
    const head = s.slice(0, Math.floor(max * 0.45)).replace(/\s+\S*$/, '');
    const tail = s.slice(s.length - (max - head.length - 1)).replace(/^\S*\s+/, '');
    s = head + '…' + tail;
  }
  return s;
}
