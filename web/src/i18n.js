// Language and time.  Vietnamese by default, English by a switch (kept in
// localStorage).  Shared words are here; each screen keeps its own words
// in a { vi: {...}, en: {...} } table and reads them with tr(table, key).
// Exercise time is ms since 00:00 of day N and is written N+1 07:30.

import { useEffect, useState } from './lib.js';

let lang = localStorage.getItem('kvpt.lang') === 'en' ? 'en' : 'vi';
const listeners = new Set();

export function getLang() { return lang; }

export function setLang(l) {
  lang = l === 'en' ? 'en' : 'vi';
  localStorage.setItem('kvpt.lang', lang);
  document.documentElement.lang = lang;
  listeners.forEach((f) => f(lang));
}

// Re-render a component when the language changes.
export function useLang() {
  const [l, set] = useState(lang);
  useEffect(() => {
    listeners.add(set);
    return () => listeners.delete(set);
  }, []);
  return l;
}

// tr(table, key, ...args): {0}, {1}… are replaced by args.
export function tr(table, key, ...args) {
  const s = (table[lang] && table[lang][key]) ?? (table.vi && table.vi[key]) ?? key;
  return args.length ? s.replace(/\{(\d+)\}/g, (m, i) => args[i] ?? '') : s;
}

export const common = {
  vi: {
    app: 'Diễn tập KVPT',
    app_long: 'Hệ thống diễn tập khu vực phòng thủ',
    login: 'Đăng nhập', logout: 'Đăng xuất', user: 'Tên đăng nhập',
    password: 'Mật khẩu', login_failed: 'Sai tên đăng nhập hoặc mật khẩu',
    throttled: 'Đăng nhập sai quá nhiều lần; thử lại sau {0} giây',
    my_exercises: 'Các cuộc diễn tập của tôi', none_assigned:
      'Bạn chưa được phân công trong cuộc diễn tập nào.',
    open: 'Mở', back: 'Quay lại', loading: 'Đang tải…', retry: 'Thử lại',
    error: 'Lỗi', forbidden: 'Bạn không có quyền xem trang này',
    forbidden_hint: 'Nhiệm vụ được phân công của bạn không cho phép mở màn hình này.',
    not_found: 'Không tìm thấy',
    exercise_time: 'Giờ diễn tập', real_time: 'Giờ thực', speed: 'Tốc độ',
    live: 'Trực tuyến', reconnecting: 'Đang kết nối lại…', offline: 'Mất kết nối',
    language: 'English',
    // assignments
    director: 'Đạo diễn', controller: 'Điều hành', player: 'Vai tập',
    evaluator: 'Đánh giá', observer: 'Quan sát (BCĐ)', admin: 'Quản trị',
    // screens
    overview: 'Tổng quan', console: 'Bàn đạo diễn', workspace: 'Bàn làm việc vai tập',
    evaluation: 'Bàn đánh giá', dashboard: 'Bảng theo dõi BCĐ',
    prep: 'Chuẩn bị', rollup: 'Tổng hợp', aar: 'Đánh giá', replay: 'Xem lại',
    // multi-level exercises and rehearsal runs
    belongs_to: 'Thuộc', clock_shared: 'đồng hồ do cuộc diễn tập cấp trên điều khiển',
    rehearsal_run: 'Luyện tập', round_n: 'lần {0}', rehearsal_back: 'Về cuộc diễn tập chính',
    // statuses
    ready: 'Sẵn sàng', running: 'Đang diễn tập', paused: 'Tạm dừng', ended: 'Đã kết thúc',
    pending: 'Chờ', held: 'Giữ lại', released: 'Đã phát', cancelled: 'Đã hủy',
    started: 'Đang diễn ra', waiting: 'Chưa mở', open_exp: 'Đang chờ',
    met: 'Đạt', missed: 'Quá hạn', late: 'Trễ hạn',
    draft: 'Dự thảo', appraised: 'Đã thẩm định', approved: 'Đã thông qua', issued: 'Đã ban hành',
    none: 'Thường', mat: 'Mật', 'toi-mat': 'Tối mật', 'tuyet-mat': 'Tuyệt mật',
    readiness: 'Trạng thái sẵn sàng chiến đấu', defense: 'Trạng thái quốc phòng',
  },
  en: {
    app: 'KVPT exercises',
    app_long: 'Defense-zone exercise system',
    login: 'Log in', logout: 'Log out', user: 'User name', password: 'Password',
    login_failed: 'Wrong user name or password',
    throttled: 'Too many failed logins; try again in {0} s',
    my_exercises: 'My exercises', none_assigned: 'You have no assignment in any exercise.',
    open: 'Open', back: 'Back', loading: 'Loading…', retry: 'Retry',
    error: 'Error', forbidden: 'You may not see this page',
    forbidden_hint: 'Your assignment does not allow this screen.',
    not_found: 'Not found',
    exercise_time: 'Exercise time', real_time: 'Real time', speed: 'Speed',
    live: 'Live', reconnecting: 'Reconnecting…', offline: 'Offline',
    language: 'Tiếng Việt',
    director: 'Director', controller: 'Controller', player: 'Player',
    evaluator: 'Evaluator', observer: 'Observer (steering)', admin: 'Administrator',
    overview: 'Overview', console: "Director's console", workspace: "Player's workspace",
    evaluation: "Evaluator's console", dashboard: 'Steering dashboard',
    prep: 'Preparation', rollup: 'Roll-up', aar: 'After-action review', replay: 'Replay',
    belongs_to: 'Part of', clock_shared: 'the clock is run by the higher-level exercise',
    rehearsal_run: 'Rehearsal', round_n: 'round {0}', rehearsal_back: 'Back to the exercise',
    ready: 'Ready', running: 'Running', paused: 'Paused', ended: 'Ended',
    pending: 'Pending', held: 'Held', released: 'Released', cancelled: 'Cancelled',
    started: 'Under way', waiting: 'Not open', open_exp: 'Open',
    met: 'Met', missed: 'Missed', late: 'Late',
    draft: 'Draft', appraised: 'Appraised', approved: 'Approved', issued: 'Issued',
    none: 'Unclassified', mat: 'Confidential (Mật)', 'toi-mat': 'Secret (Tối mật)',
    'tuyet-mat': 'Top secret (Tuyệt mật)',
    readiness: 'Combat readiness', defense: 'Defense state',
  },
};

export const t = (key, ...args) => tr(common, key, ...args);

const pad = (n) => String(n).padStart(2, '0');
const DAY = 86400000;

// 25200000 → "N 07:00"; -28800000 → "N-1 16:00".
export function fmtEx(ms) {
  if (ms === null || ms === undefined) return '—';
  const day = Math.floor(ms / DAY);
  let rest = ms - day * DAY;
  const h = Math.floor(rest / 3600000); rest -= h * 3600000;
  const m = Math.floor(rest / 60000); rest -= m * 60000;
  const s = Math.floor(rest / 1000);
  const d = day === 0 ? 'N' : day > 0 ? `N+${day}` : `N${day}`;
  return `${d} ${pad(h)}:${pad(m)}${s ? ':' + pad(s) : ''}`;
}

// Real time the Vietnamese way: 07:30:15 23/11/2026.
export function fmtReal(ms, withDate = true) {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withDate ? `${time} ${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}` : time;
}

// A duration in minutes, e.g. "45 phút" / "1 h 05".
export function fmtDur(ms) {
  if (ms === null || ms === undefined) return '—';
  const neg = ms < 0; ms = Math.abs(ms);
  const m = Math.round(ms / 60000);
  const s = m < 60 ? `${m} ${lang === 'vi' ? 'phút' : 'min'}` : `${Math.floor(m / 60)} h ${pad(m % 60)}`;
  return neg ? '−' + s : s;
}
