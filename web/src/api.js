// JSON over HTTP to kvpt serve (docs/api.md).  The session is an HttpOnly
// cookie; state-changing requests carry the CSRF token the server gave at
// login (kept in sessionStorage, never in a cookie).

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

let csrf = sessionStorage.getItem('kvpt.csrf') || '';

export function setCsrf(token) {
  csrf = token || '';
  if (csrf) sessionStorage.setItem('kvpt.csrf', csrf);
  else sessionStorage.removeItem('kvpt.csrf');
}

// Any non-2xx answer throws an ApiError; 401 also tells the app to log in.
export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  if (body instanceof Blob || body instanceof ArrayBuffer) {
    payload = body;
    Object.assign(headers, opts.headers || {});
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload,
                              credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network', String(e.message || e));
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = text; }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    if (res.status === 401) window.dispatchEvent(new Event('kvpt:logout'));
    throw new ApiError(res.status, err.code || 'error',
                       err.message || res.statusText, data);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
