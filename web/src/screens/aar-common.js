// What the after-action screens share (screens/aar*.js, screens/replay.js):
// their words in Vietnamese and English, durations and shares as people
// read them, the scale words as coloured badges, and a message line.
// The measures themselves are the server's (GET …/evaluation, the object
// of src/report/measures.h); nothing here recounts them.

import { html } from '../lib.js';
import { ApiError } from '../api.js';
import { getLang, tr } from '../i18n.js';

export const A = {
  vi: {
    title: 'Đánh giá, rút kinh nghiệm', views: 'Các mục đánh giá',
    v_measures: 'Kết quả', v_charts: 'Biểu đồ', v_verdicts: 'Kết luận, xếp loại',
    v_lessons: 'Bài học kinh nghiệm', v_actions: 'Khắc phục', v_observations: 'Nhận xét',
    pdf: 'Báo cáo (PDF)', xlsx: 'Bảng tính (XLSX)',
    pdf_hint: 'Báo cáo đánh giá, rút kinh nghiệm theo thể thức văn bản hành chính',
    xlsx_hint: 'Số liệu đánh giá: tổng hợp, từng cơ quan, thời gian phản ứng, trạng thái, nhận xét, bài học, khắc phục',
    provisional: 'Số liệu tạm tính: cuộc diễn tập chưa kết thúc.',
    not_started: 'Cuộc diễn tập chưa bắt đầu: chưa có số liệu để đánh giá.',
    as_of: 'Tính đến {0} · {1} sự kiện',
    replay_link: 'Xem lại diễn biến',
    // counters
    c_expectations: 'Thực hiện yêu cầu', c_due: 'Phải đáp ứng', c_total: 'tổng {0} yêu cầu',
    c_met: 'Đúng hạn', c_late: 'Trễ hạn', c_missed: 'Không đáp ứng', c_open: 'Đang chờ',
    c_share: 'Tỷ lệ đúng hạn', c_share_of: '{0}/{1} yêu cầu', c_nothing_due: 'chưa có yêu cầu đến hạn',
    c_response: 'Thời gian phản ứng', c_median: 'Trung vị', c_p90: '90% trong vòng', c_max: 'dài nhất {0}',
    c_answered: '{0} lần đáp ứng',
    c_transitions: 'Chuyển trạng thái', c_refusals: 'Bị từ chối', c_violations: 'Sai quy trình',
    c_mechanism: 'Sai trình tự cơ chế',
    c_states: 'Trạng thái', c_on_time: 'Đúng giờ', c_states_late: 'Trễ',
    c_not_reached: 'Chưa đạt', c_planned_n: '{0} theo kế hoạch', c_unplanned: '{0} ngoài kế hoạch',
    c_activities: 'Hoạt động', c_done: 'Đã thực hiện', c_not_done: 'Không thực hiện', c_ended: '{0} đã kết thúc',
    // per body
    bodies: 'Kết quả của từng cơ quan, đơn vị', col_body: 'Cơ quan, đơn vị', col_due: 'Phải đáp ứng',
    col_share: 'Tỷ lệ đúng hạn', col_resp: 'Phản ứng: trung vị / P90',
    col_refused: 'Từ chối / sai cơ chế', col_states: 'Trạng thái: đúng giờ / trễ / chưa đạt',
    col_verdict: 'Đề xuất xếp loại',
    overall: 'Toàn cuộc diễn tập', show_detail: 'Xem chi tiết', hide_detail: 'Thu gọn',
    no_bodies: 'Chưa có cơ quan nào phải đáp ứng yêu cầu.',
    d_expectations: 'Các yêu cầu', d_refused: 'Chuyển trạng thái bị từ chối', d_states: 'Trạng thái',
    d_inject: 'Tình huống', d_kind: 'Yêu cầu', d_owner: 'Vai tập', d_released: 'Phát lúc',
    d_deadline: 'Hạn', d_answered: 'Đáp ứng lúc', d_response: 'Phản ứng / cho phép', d_status: 'Kết quả',
    d_time: 'Lúc', d_transition: 'Chuyển', d_by: 'Người đề nghị', d_reason: 'Lý do',
    d_state: 'Trạng thái', d_planned: 'Kế hoạch', d_reached: 'Đạt lúc', d_delay: 'Chênh lệch',
    mech_tag: 'sai trình tự cơ chế',
    st_early: 'Sớm', st_on_time: 'Đúng giờ', st_late: 'Trễ', st_not_reached: 'Chưa đạt',
    st_upcoming: 'Chưa đến giờ', st_unplanned: 'Ngoài kế hoạch',
    ex_met: 'Đúng hạn', ex_late: 'Trễ hạn', ex_missed: 'Không đáp ứng', ex_open: 'Đang chờ',
    ex_cancelled: 'Đã hủy', ex_waiting: 'Chưa phát',
    // verdicts
    verdicts: 'Kết luận, xếp loại', proposed: 'Đề xuất', confirmed: 'Đã xác nhận',
    not_confirmed: 'Chưa xác nhận', no_proposal: 'Chưa đủ căn cứ để đề xuất',
    confirm: 'Xác nhận «{0}»', change: 'Chọn mức khác…', label: 'Mức xếp loại',
    reason: 'Lý do', reason_hint: 'Bắt buộc khi chọn mức khác mức đề xuất',
    save: 'Lưu kết luận', cancel: 'Hủy bỏ', saving: 'Đang lưu…',
    confirmed_by: '{0} xác nhận lúc {1}', changed: 'đã đổi so với đề xuất',
    history: 'Lịch sử xác nhận ({0})', done_confirm: 'Đã xác nhận «{0}».',
    score: 'Nhận xét: {0} ({1} nhận xét có xếp loại)', score_none: 'Chưa có nhận xét chấm điểm',
    measured: 'Theo số liệu: {0}', read_only: 'Tổ đánh giá và Đạo diễn xác nhận kết luận.',
    need_reason: 'Chọn mức khác mức đề xuất thì phải ghi lý do.',
    // lessons
    lessons: 'Bài học kinh nghiệm ({0})', lesson_new: 'Thêm bài học kinh nghiệm',
    lesson_text: 'Nội dung bài học', lesson_body: 'Cơ quan, đơn vị', lesson_criterion: 'Tiêu chí',
    any: '— Không —', add: 'Thêm bài học', added: 'Đã thêm bài học số {0}.',
    up: 'Lên', down: 'Xuống', edit: 'Sửa', save_text: 'Lưu', moved: 'Đã chuyển thành bài học số {0}.',
    edited: 'Đã sửa bài học số {0}.', no_lessons: 'Chưa có bài học nào.',
    by_at: '{0} · {1}', make_action: 'Giao biện pháp khắc phục', actions_of: 'Khắc phục: {0}',
    move_up: 'Chuyển bài học {0} lên', move_down: 'Chuyển bài học {0} xuống',
    // corrective actions
    actions: 'Biện pháp khắc phục', actions_here: 'Của cuộc diễn tập này ({0})',
    actions_carried: 'Từ các cuộc diễn tập trước, chưa hoàn thành ({0})',
    carried: 'Từ cuộc diễn tập trước', new_action: '+ Biện pháp khắc phục',
    a_title: 'Biện pháp khắc phục', a_desc: 'Nội dung, yêu cầu', a_lesson: 'Khắc phục bài học',
    a_no_lesson: '— Không gắn với bài học —', a_assignee: 'Giao cho', a_due: 'Hạn hoàn thành',
    a_due_hint: 'Viết N+30, N+15 17:00 hoặc ngày 2027-01-15', due_pick: 'hoặc chọn ngày',
    a_create: 'Giao biện pháp', a_created: 'Đã giao biện pháp khắc phục «{0}».',
    choose: '— Chọn —', people: 'Cá nhân', bodies_g: 'Cơ quan, đơn vị', required: 'bắt buộc',
    need_assignee: 'Cần chọn cơ quan hoặc cá nhân được giao.',
    bad_due: 'Hạn viết dạng N+30, N+15 17:00, 2027-01-15 hoặc 2027-01-15 17:00.',
    col_n: 'TT', col_action: 'Biện pháp', col_lesson: 'Bài học', col_assignee: 'Giao cho',
    col_due_a: 'Hạn', col_status: 'Trạng thái', no_actions: 'Chưa có biện pháp khắc phục nào.',
    lesson_n: 'Bài học {0}', open_task: 'Mở nhiệm vụ', status_set: 'Đã chuyển sang «{0}».',
    carried_hint: 'Theo dõi và cập nhật trong cuộc diễn tập đã giao.',
    default_title: 'Khắc phục: {0}',
    // observations
    observations: 'Nhận xét của Tổ đánh giá ({0})', no_obs: 'Chưa có nhận xét nào.',
    obs_general: 'Nhận xét chung (không gắn với cơ quan)', obs_mean: 'Trung bình: {0}',
    o_time: 'Lúc', o_evaluator: 'Người nhận xét', o_criterion: 'Tiêu chí', o_score: 'Xếp loại',
    o_content: 'Nội dung', strengths: 'Ưu điểm', weaknesses: 'Hạn chế', text: 'Nhận xét',
    before_start: 'Trước khi bắt đầu', internal: 'Chỉ dành cho Ban Đạo diễn và Tổ đánh giá.',
    // charts
    timeline: 'Kế hoạch và thực tế', tl_help: 'Kéo để di chuyển; Ctrl + cuộn chuột để phóng to, thu nhỏ.',
    g_injects: 'Tình huống', g_activities: 'Hoạt động', g_states: 'Trạng thái',
    lg_plan: 'Kế hoạch', lg_ok: 'Thực tế (đúng giờ)', lg_late: 'Thực tế (trễ)',
    lg_bad: 'Không thực hiện / không đạt', lg_other: 'Ngoài kế hoạch, đã hủy',
    whole: 'Toàn bộ', no_rows: 'Không có gì để vẽ.',
    tt_plan: 'Kế hoạch: {0}', tt_actual: 'Thực tế: {0}', tt_delay: 'Chênh lệch: {0}',
    not_released: 'chưa phát', cancelled: 'đã hủy', not_started_a: 'chưa diễn ra',
    response: 'Thời gian phản ứng so với thời gian cho phép', all_bodies: 'Tất cả cơ quan',
    r_allowed: 'Thời gian cho phép', r_met: 'Đáp ứng đúng hạn', r_late: 'Đáp ứng trễ',
    r_missed: 'Không đáp ứng (hết hạn)', r_open: 'Đang chờ', no_responses: 'Chưa có yêu cầu nào được phát.',
    r_no_deadline: 'không hạn', r_of: '{0} / {1}', r_missed_short: 'không đáp ứng',
    minutes_axis: 'phút',
    // generic
    refused: 'Máy chủ từ chối: {0}', close: 'Đóng', none: '—',
  },
  en: {
    title: 'Evaluation and after-action review', views: 'Evaluation views',
    v_measures: 'Results', v_charts: 'Charts', v_verdicts: 'Verdicts',
    v_lessons: 'Lessons', v_actions: 'Corrective actions', v_observations: 'Observations',
    pdf: 'Report (PDF)', xlsx: 'Workbook (XLSX)',
    pdf_hint: 'The after-action report in the administrative style',
    xlsx_hint: 'The evaluation data: summary, bodies, response times, states, observations, lessons, actions',
    provisional: 'Provisional figures: the exercise has not ended.',
    not_started: 'The exercise has not started: nothing to evaluate yet.',
    as_of: 'As of {0} · {1} events',
    replay_link: 'Replay the exercise',
    c_expectations: 'Expectations', c_due: 'Due', c_total: '{0} in all',
    c_met: 'In time', c_late: 'Late', c_missed: 'Missed', c_open: 'Open',
    c_share: 'In-time share', c_share_of: '{0} of {1}', c_nothing_due: 'nothing due yet',
    c_response: 'Response time', c_median: 'Median', c_p90: '90% within', c_max: 'longest {0}',
    c_answered: '{0} answers',
    c_transitions: 'State transitions', c_refusals: 'Refused', c_violations: 'Procedure breaches',
    c_mechanism: 'Mechanism order',
    c_states: 'States', c_on_time: 'On time', c_states_late: 'Late',
    c_not_reached: 'Not reached', c_planned_n: '{0} planned', c_unplanned: '{0} unplanned',
    c_activities: 'Activities', c_done: 'Done', c_not_done: 'Not done', c_ended: '{0} ended',
    bodies: 'Results per body', col_body: 'Body', col_due: 'Due',
    col_share: 'In-time share', col_resp: 'Response: median / P90',
    col_refused: 'Refused / mechanism order', col_states: 'States: on time / late / not reached',
    col_verdict: 'Proposed verdict',
    overall: 'Whole exercise', show_detail: 'Details', hide_detail: 'Collapse',
    no_bodies: 'No body owes an expectation yet.',
    d_expectations: 'Expectations', d_refused: 'Refused transitions', d_states: 'States',
    d_inject: 'Inject', d_kind: 'Expected', d_owner: 'Role', d_released: 'Released',
    d_deadline: 'Deadline', d_answered: 'Answered', d_response: 'Response / allowed', d_status: 'Outcome',
    d_time: 'At', d_transition: 'Transition', d_by: 'Asked by', d_reason: 'Reason',
    d_state: 'State', d_planned: 'Planned', d_reached: 'Reached', d_delay: 'Difference',
    mech_tag: 'mechanism order',
    st_early: 'Early', st_on_time: 'On time', st_late: 'Late', st_not_reached: 'Not reached',
    st_upcoming: 'Not due yet', st_unplanned: 'Unplanned',
    ex_met: 'In time', ex_late: 'Late', ex_missed: 'Missed', ex_open: 'Open',
    ex_cancelled: 'Cancelled', ex_waiting: 'Not released',
    verdicts: 'Verdicts', proposed: 'Proposed', confirmed: 'Confirmed',
    not_confirmed: 'Not confirmed', no_proposal: 'Not enough to propose a verdict',
    confirm: 'Confirm "{0}"', change: 'Choose another…', label: 'Verdict',
    reason: 'Reason', reason_hint: 'Required when choosing another word than the proposed one',
    save: 'Save the verdict', cancel: 'Cancel', saving: 'Saving…',
    confirmed_by: 'confirmed by {0} at {1}', changed: 'changed from the proposal',
    history: 'History ({0})', done_confirm: '"{0}" confirmed.',
    score: 'Observations: {0} ({1} with a verdict)', score_none: 'No scored observation',
    measured: 'From the measures: {0}', read_only: 'Evaluators and the director confirm verdicts.',
    need_reason: 'Another word than the proposed one needs a reason.',
    lessons: 'Lessons learnt ({0})', lesson_new: 'Add a lesson',
    lesson_text: 'Lesson', lesson_body: 'Body', lesson_criterion: 'Criterion',
    any: '— None —', add: 'Add the lesson', added: 'Lesson {0} added.',
    up: 'Up', down: 'Down', edit: 'Edit', save_text: 'Save', moved: 'Now lesson {0}.',
    edited: 'Lesson {0} saved.', no_lessons: 'No lesson yet.',
    by_at: '{0} · {1}', make_action: 'Assign a corrective action', actions_of: 'Corrective actions: {0}',
    move_up: 'Move lesson {0} up', move_down: 'Move lesson {0} down',
    actions: 'Corrective actions', actions_here: 'Of this exercise ({0})',
    actions_carried: 'Still open from earlier exercises ({0})',
    carried: 'From an earlier exercise', new_action: '+ Corrective action',
    a_title: 'Corrective action', a_desc: 'Description, requirements', a_lesson: 'Answers lesson',
    a_no_lesson: '— No lesson —', a_assignee: 'Assigned to', a_due: 'Due',
    a_due_hint: 'Write N+30, N+15 17:00 or a date 2027-01-15', due_pick: 'or pick a date',
    a_create: 'Assign', a_created: 'Corrective action "{0}" assigned.',
    choose: '— Choose —', people: 'People', bodies_g: 'Bodies, units', required: 'required',
    need_assignee: 'Choose the body or person the action goes to.',
    bad_due: 'Write the deadline as N+30, N+15 17:00, 2027-01-15 or 2027-01-15 17:00.',
    col_n: 'No.', col_action: 'Action', col_lesson: 'Lesson', col_assignee: 'Assigned to',
    col_due_a: 'Due', col_status: 'Status', no_actions: 'No corrective action yet.',
    lesson_n: 'Lesson {0}', open_task: 'Open the task', status_set: 'Now "{0}".',
    carried_hint: 'Followed up and updated in the exercise that assigned it.',
    default_title: 'Correct: {0}',
    observations: 'Evaluators\u2019 observations ({0})', no_obs: 'No observation yet.',
    obs_general: 'General (no body)', obs_mean: 'Mean: {0}',
    o_time: 'At', o_evaluator: 'Evaluator', o_criterion: 'Criterion', o_score: 'Verdict',
    o_content: 'Content', strengths: 'Strengths', weaknesses: 'Weaknesses', text: 'Comment',
    before_start: 'Before the start', internal: 'For the directing staff and evaluators only.',
    timeline: 'Planned and actual', tl_help: 'Drag to pan; Ctrl + mouse wheel to zoom.',
    g_injects: 'Injects', g_activities: 'Activities', g_states: 'States',
    lg_plan: 'Planned', lg_ok: 'Actual (on time)', lg_late: 'Actual (late)',
    lg_bad: 'Not done / not reached', lg_other: 'Unplanned, cancelled',
    whole: 'Whole', no_rows: 'Nothing to draw.',
    tt_plan: 'Planned: {0}', tt_actual: 'Actual: {0}', tt_delay: 'Difference: {0}',
    not_released: 'not released', cancelled: 'cancelled', not_started_a: 'not held',
    response: 'Response times against the time allowed', all_bodies: 'All bodies',
    r_allowed: 'Time allowed', r_met: 'Answered in time', r_late: 'Answered late',
    r_missed: 'Missed (deadline passed)', r_open: 'Open', no_responses: 'No expectation released yet.',
    r_no_deadline: 'no deadline', r_of: '{0} / {1}', r_missed_short: 'missed',
    minutes_axis: 'min',
    refused: 'Refused by the server: {0}', close: 'Close', none: '—',
  },
};

export const a = (key, ...args) => tr(A, key, ...args);

export const CONFIRMERS = ['evaluator', 'director'];
export const LESSON_WRITERS = ['director', 'controller', 'evaluator'];
export const TASK_WRITERS = ['director', 'controller'];
export const STAFF = ['director', 'controller', 'evaluator'];

const vi = () => getLang() === 'vi';

// A duration in words: "45 giây", "12 phút", "1 giờ 05 phút" / "45 s",
// "12 min", "1 h 05 min".
export function fmtMs(ms) {
  if (ms === null || ms === undefined) return '—';
  const neg = ms < 0;
  let s = Math.round(Math.abs(ms) / 1000);
  let out;
  if (s < 60) out = vi() ? `${s} giây` : `${s} s`;
  else if (s < 3600) {
    const m = Math.floor(s / 60);
    s %= 60;
    out = vi() ? `${m} phút${m < 10 && s ? ' ' + s + ' giây' : ''}` : `${m} min${m < 10 && s ? ' ' + s + ' s' : ''}`;
  } else {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    out = vi() ? `${h} giờ ${String(m).padStart(2, '0')} phút` : `${h} h ${String(m).padStart(2, '0')} min`;
  }
  return neg ? '−' + out : out;
}

// A share (0…1) as a percentage; null when there is none.
export function fmtShare(v) {
  if (v === null || v === undefined) return '—';
  const p = Math.round(v * 1000) / 10;
  return `${String(p).replace('.', vi() ? ',' : '.')}%`;
}

// A number with the decimal comma in Vietnamese.
export const fmtNum = (v, digits = 1) => (v === null || v === undefined ? '—'
  : String(+(+v).toFixed(digits)).replace('.', vi() ? ',' : '.'));

// The tone of a scale word: v0 (best) … v3 (worst), spread over the scale.
export function tone(index, n) {
  if (index === null || index === undefined || index < 0) return 'vn';
  if (n <= 1) return 'v0';
  return 'v' + Math.round((index * 3) / (n - 1));
}

export function Verdict({ label, index, n, testid }) {
  if (!label) return html`<span class="aar-word vn" data-testid=${testid}>—</span>`;
  return html`<span class=${'aar-word ' + tone(index, n)} data-testid=${testid}>${label}</span>`;
}

// The failure of a request as an officer should read it.
export function failure(err) {
  if (err instanceof ApiError && err.status >= 400 && err.status < 500 && err.status !== 401) {
    return a('refused', err.message);
  }
  return (err && err.message) || String(err);
}

export function Msg({ msg, onClose, testid }) {
  if (!msg) return null;
  return html`<div class=${'aar-msg ' + (msg.ok ? 'ok' : 'error')} role=${msg.ok ? 'status' : 'alert'}
      data-testid=${testid || 'aar-message'}>
    <span>${msg.text}</span>
    ${onClose ? html`<button type="button" class="link" aria-label=${a('close')} onClick=${onClose}>×</button>` : null}
  </div>`;
}

// Bodies, roles, criteria by id.
export function byId(list) {
  const m = {};
  for (const x of list || []) if (x && x.id !== undefined) m[x.id] = x;
  return m;
}
