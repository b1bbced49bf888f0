// The feed in words, shared by the screens that show it (the director's
// console, the evaluator's recent feed): the vocabulary of the plan and of
// the event log in Vietnamese and English (document types, expectation
// kinds, action kinds, release hows — ids as in src/model/model.c
// kvpt_doc_types / kvpt_expect_kinds and src/engine/evlog.c
// kvpt_action_kinds / kvpt_release_hows), word() to read them in the
// current language, feedContext() to gather the titles a feed entry refers
// to, and describe() to put one feed entry into words.

import { common, fmtEx, getLang, t, tr } from './i18n.js';
import { names, stateName } from './ui.js';

// Document types (kvpt_doc_types).
export const DOC_TYPES = {
  vi: { directive: 'chỉ thị', decision: 'quyết định', resolution: 'nghị quyết',
        intent: 'ý định', plan: 'kế hoạch', script: 'kịch bản',
        'inject-schedule': 'lịch phát tình huống', 'control-plan': 'kế hoạch điều hành',
        rules: 'quy tắc', report: 'báo cáo', 'combat-decision': 'quyết tâm tác chiến',
        'support-plan': 'kế hoạch bảo đảm', 'a2-plan': 'phương án A2',
        'transition-order': 'mệnh lệnh chuyển trạng thái', 'march-order': 'mệnh lệnh hành quân',
        'combat-order': 'mệnh lệnh chiến đấu', order: 'mệnh lệnh',
        'summary-report': 'báo cáo tổng kết', lessons: 'rút kinh nghiệm',
        notice: 'thông báo', other: 'văn kiện khác' },
  en: { directive: 'directive', decision: 'decision', resolution: 'resolution',
        intent: 'intent', plan: 'plan', script: 'script', 'inject-schedule': 'inject schedule',
        'control-plan': 'control plan', rules: 'rules', report: 'report',
        'combat-decision': 'defensive-combat decision', 'support-plan': 'support plan',
        'a2-plan': 'A2 plan', 'transition-order': 'transition order',
        'march-order': 'march order', 'combat-order': 'combat order', order: 'order',
        'summary-report': 'summary report', lessons: 'lessons learned', notice: 'notice',
        other: 'other document' },
};

// Kinds of expectation (kvpt_expect_kinds).
export const EXPECT_KINDS = {
  vi: { acknowledge: 'tiếp nhận', report: 'báo cáo', order: 'mệnh lệnh',
        decision: 'quyết định xử trí', document: 'văn kiện', conference: 'hội nghị',
        state: 'chuyển trạng thái' },
  en: { acknowledge: 'acknowledge', report: 'report', order: 'order', decision: 'decision',
        document: 'document', conference: 'conference', state: 'state change' },
};

// Kinds of player action (kvpt_action_kinds).
export const ACTION_KINDS = {
  vi: { acknowledge: 'tiếp nhận', report: 'báo cáo', order: 'mệnh lệnh',
        decision: 'quyết định xử trí', document: 'văn kiện', conference: 'hội nghị',
        transition: 'chuyển trạng thái' },
  en: { acknowledge: 'acknowledge', report: 'report', order: 'order', decision: 'decision',
        document: 'document', conference: 'conference', transition: 'state transition' },
};

// How an inject was released (kvpt_release_hows).
export const RELEASE_HOWS = {
  vi: { scheduled: 'theo kế hoạch', manual: 'phát bằng tay', condition: 'theo điều kiện' },
  en: { scheduled: 'as scheduled', manual: 'by hand', condition: 'on condition' },
};

// The words of the feed.
const D = {
  vi: {
    ev_started: 'Bắt đầu diễn tập (tốc độ ×{0})', ev_ended: 'Kết thúc diễn tập',
    ev_paused: 'Tạm dừng đồng hồ', ev_resumed: 'Đồng hồ chạy tiếp',
    ev_speed: 'Đổi tốc độ: ×{0}', ev_jumped: 'Nhảy thời gian từ {0} đến {1}',
    ev_released: 'Phát tình huống {0}: {1}', ev_held: 'Giữ lại tình huống {0}: {1}',
    ev_cancelled: 'Hủy tình huống {0}: {1}',
    ev_met: 'Đạt yêu cầu: {0}', ev_missed: 'Quá hạn yêu cầu: {0} (hạn {1})',
    ev_late: 'Hoàn thành trễ hạn: {0} (hạn {1})', ev_met_state: 'Đạt yêu cầu khi phát: {0}',
    ev_ack: 'Vai tập {0} xác nhận đã nhận tình huống {1}',
    ev_report: 'Vai tập {0} báo cáo{1}: {2}', ev_order: 'Vai tập {0} ra mệnh lệnh{1}: {2}',
    ev_decision: 'Vai tập {0} quyết định xử trí{1}: {2}',
    ev_document: 'Vai tập {0} ban hành văn kiện: {1}',
    ev_conference: 'Vai tập {0} tổ chức hội nghị: {1}', conf_unplanned: 'ngoài kế hoạch',
    ev_transition: 'Vai tập {0} đề nghị chuyển {1} sang «{2}»',
    ev_issued: 'Ban hành văn kiện: {0} — {1}',
    ev_state: 'Chuyển trạng thái: {0} → {1}', ev_state_from: 'trước đó: «{0}»',
    ev_refused: 'Từ chối chuyển trạng thái: {0} → {1}. Lý do: {2}',
    ev_act_started: 'Bắt đầu hoạt động: {0}', ev_act_ended: 'Kết thúc hoạt động: {0}',
    ev_observation: 'Nhận xét đánh giá ({0}): {1}',
    tag_refused: 'Từ chối',
  },
  en: {
    ev_started: 'Exercise started (speed ×{0})', ev_ended: 'Exercise ended',
    ev_paused: 'Clock paused', ev_resumed: 'Clock resumed',
    ev_speed: 'Speed changed: ×{0}', ev_jumped: 'Time jumped from {0} to {1}',
    ev_released: 'Inject {0} released: {1}', ev_held: 'Inject {0} held: {1}',
    ev_cancelled: 'Inject {0} cancelled: {1}',
    ev_met: 'Expectation met: {0}', ev_missed: 'Expectation missed: {0} (deadline {1})',
    ev_late: 'Met late: {0} (deadline {1})', ev_met_state: 'Met on release: {0}',
    ev_ack: 'Player {0} acknowledged inject {1}',
    ev_report: 'Player {0} reported{1}: {2}', ev_order: 'Player {0} gave an order{1}: {2}',
    ev_decision: 'Player {0} decided{1}: {2}',
    ev_document: 'Player {0} issued a document: {1}',
    ev_conference: 'Player {0} held a conference: {1}', conf_unplanned: 'not in the plan',
    ev_transition: 'Player {0} asked to move {1} to "{2}"',
    ev_issued: 'Document issued: {0} — {1}',
    ev_state: 'State changed: {0} → {1}', ev_state_from: 'before: "{0}"',
    ev_refused: 'Transition refused: {0} → {1}. Reason: {2}',
    ev_act_started: 'Activity started: {0}', ev_act_ended: 'Activity ended: {0}',
    ev_observation: 'Evaluator\'s note ({0}): {1}',
    tag_refused: 'Refused',
  },
};

// A word of a { vi, en } table in the current language (the id if none).
export function word(table, id) {
  const l = getLang();
  return (table[l] && table[l][id]) || (table.vi && table.vi[id]) || id;
}

// A clock speed as people write it: 2,5 in Vietnamese, 2.5 in English.
export const fmtSpeed = (s) => String(+(+s).toFixed(3)).replace('.', getLang() === 'vi' ? ',' : '.');

// The name of machine mid: the shared words for the usual ones, else the plan's.
export function machineName(ex, mid) {
  if (common.vi[mid]) return t(mid);
  const m = (ex.machines || []).find((mm) => mm.id === mid);
  return m ? m.name : mid;
}

// The Vietnamese or English half of the engine's "vi (en)" reasons.
function reasonText(s) {
  if (!s) return '';
  const m = String(s).match(/^([\s\S]*\S)\s+\(([^()]*)\)\s*$/);
  if (!m) return s;
  return getLang() === 'en' ? m[2] : m[1];
}

const clip = (s, k = 300) => (s && s.length > k ? s.slice(0, k) + '…' : s || '');

// What describe() needs to name things: the plan's names and, by id, the
// titles of injects, activities and documents and the expectations
// themselves.  Each of the lists may be missing (still loading) or a map by
// id instead of a list.
export function feedContext(ex, { injects, expectations, activities, documents } = {}) {
  const list = (l) => (Array.isArray(l) ? l : Object.values(l || {}));
  const titles = (l) => {
    const m = {};
    for (const x of list(l)) if (x && x.id) m[x.id] = x.title;
    return m;
  };
  const exp = {};
  for (const e of list(expectations)) if (e && e.id) exp[e.id] = e;
  return { ex, n: names(ex), inj: titles(injects), exp, acts: titles(activities), docs: titles(documents) };
}

// One feed entry (an event or an observation) in words, in the current
// language: { t (exercise time), text, quote (words of the players or the
// evaluator, clipped), extra (a line of detail), tone (info | act | ok |
// warn | bad | state | obs, or none), tag (a short word for outcomes:
// met, late, missed, refused) }.
export function describe(entry, ctx) {
  const e = entry.event || entry.observation || {};
  const d = describeText(entry.type, e, ctx);
  return { t: e.t, text: d.text, quote: d.quote || '', extra: d.extra || '', tone: d.tone || '',
           tag: TAGS[entry.type] ? TAGS[entry.type]() : '' };
}

const TAGS = {
  'expectation.met': () => t('met'),
  'expectation.late': () => t('late'),
  'expectation.missed': () => t('missed'),
  'transition.refused': () => tr(D, 'tag_refused'),
};

function describeText(type, e, ctx) {
  const { ex, n, inj, exp, acts, docs } = ctx;
  const who = (r) => n[r] || r || '';
  const injName = (id) => (inj[id] ? `${id} «${inj[id]}»` : id);
  const expName = (id) => {
    const x = exp[id];
    return x ? `${word(EXPECT_KINDS, x.kind)} — ${who(x.by)} (${x.inject})` : id;
  };
  const docName = (ev) => {
    if (ev.document && docs[ev.document]) return docs[ev.document];
    return ev.doc_type ? word(DOC_TYPES, ev.doc_type) : ev.document || '';
  };
  const st = (m, s) => stateName(ex, m, s);
  const ijs = (id) => (id ? ` (${id})` : '');
  switch (type) {
    case 'exercise.started': return { text: tr(D, 'ev_started', fmtSpeed((e.speed || 1000) / 1000)) };
    case 'exercise.ended': return { text: tr(D, 'ev_ended'), tone: 'bad' };
    case 'clock.paused': return { text: tr(D, 'ev_paused'), tone: 'warn' };
    case 'clock.resumed': return { text: tr(D, 'ev_resumed') };
    case 'clock.speed': return { text: tr(D, 'ev_speed', fmtSpeed((e.speed || 1000) / 1000)) };
    case 'clock.jumped': return { text: tr(D, 'ev_jumped', fmtEx(e.from_t), fmtEx(e.t)) };
    case 'inject.released': return {
      text: tr(D, 'ev_released', e.inject, inj[e.inject] || ''),
      extra: [word(RELEASE_HOWS, e.how), e.by ? who(e.by) : ''].filter(Boolean).join(' · '),
      tone: 'info' };
    case 'inject.held': return { text: tr(D, 'ev_held', e.inject, inj[e.inject] || ''), tone: 'warn' };
    case 'inject.cancelled': return { text: tr(D, 'ev_cancelled', e.inject, inj[e.inject] || ''), tone: 'bad' };
    case 'expectation.met': return {
      text: tr(D, e.by || e.action ? 'ev_met' : 'ev_met_state', expName(e.expectation)), tone: 'ok' };
    case 'expectation.missed': return {
      text: tr(D, 'ev_missed', expName(e.expectation), fmtEx(e.deadline)), tone: 'bad' };
    case 'expectation.late': return {
      text: tr(D, 'ev_late', expName(e.expectation), fmtEx(e.deadline)), tone: 'warn' };
    case 'action': {
      const r = who(e.role);
      switch (e.kind) {
        case 'acknowledge': return { text: tr(D, 'ev_ack', r, injName(e.inject)), tone: 'act' };
        case 'report': case 'order': case 'decision':
          return { text: tr(D, 'ev_' + e.kind, r, ijs(e.inject), ''), quote: clip(e.text), tone: 'act' };
        case 'document': return { text: tr(D, 'ev_document', r, docName(e)), quote: clip(e.text), tone: 'act' };
        case 'conference': return {
          text: tr(D, 'ev_conference', r, e.conference ? acts[e.conference] || e.conference : tr(D, 'conf_unplanned')),
          quote: clip(e.text), tone: 'act' };
        case 'transition': return {
          text: tr(D, 'ev_transition', r, who(e.body), st(e.machine, e.state)),
          extra: machineName(ex, e.machine), tone: 'act' };
        default: return { text: `${r}: ${e.kind}`, quote: clip(e.text), tone: 'act' };
      }
    }
    case 'document.issued': return {
      text: tr(D, 'ev_issued', docName(e), who(e.body)), extra: e.by ? who(e.by) : '' };
    case 'state.changed': return {
      text: tr(D, 'ev_state', who(e.body), st(e.machine, e.to)),
      extra: [machineName(ex, e.machine), tr(D, 'ev_state_from', st(e.machine, e.from)),
              e.by ? who(e.by) : ''].filter(Boolean).join(' · '),
      tone: 'state' };
    case 'transition.refused': return {
      text: tr(D, 'ev_refused', who(e.body), st(e.machine, e.to), reasonText(e.reason)),
      extra: [machineName(ex, e.machine), e.by ? who(e.by) : '', e.rule ? `[${e.rule}]` : '']
        .filter(Boolean).join(' · '),
      tone: 'bad' };
    case 'activity.started': return { text: tr(D, 'ev_act_started', acts[e.activity] || e.activity) };
    case 'activity.ended': return { text: tr(D, 'ev_act_ended', acts[e.activity] || e.activity) };
    case 'observation': {
      const parts = [n[e.criterion] || e.criterion, e.score, n[e.activity], n[e.body]].filter(Boolean);
      return { text: tr(D, 'ev_observation', e.display || e.evaluator || '', parts.join(' — ')),
               quote: clip([e.text, e.strengths, e.weaknesses].filter(Boolean).join(' · ')), tone: 'obs' };
    }
    default: return { text: type };
  }
}
