// api.js — fetch wrapper for the microchat CGI API: session cookie, form-encoded POST,
// and the {"error": {code, message}} envelope turned into a thrown ApiError.

const unauthorizedHandlers = new Set();
// A session token sent as Authorization: Bearer (the widget's frame keeps a
// visitor's token in its own storage: a third-party cookie may be blocked).
let bearer = null;

export function setToken(token) {
  bearer = token || null;
}

export class ApiError extends Error {
  constructor(message, { code = 'internal', status = 0, retryAfter = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

// Called with the error whenever a request answers 401 (unless the caller expects it).
export function onUnauthorized(handler) {
  unauthorizedHandlers.add(handler);
}

export function formBody(fields = {}) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    body.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  return body;
}

// Retry-After is either delta-seconds or an HTTP date; answers whole seconds or null.
export function parseRetryAfter(value) {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

export async function errorFromResponse(res) {
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch {
    /* not JSON: keep the status line */
  }
  const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
  return new ApiError(message, { code, status: res.status, retryAfter });
}

function withQuery(path, params) {
  const query = params ? formBody(params).toString() : '';
  if (!query) return path;
  return path + (path.includes('?') ? '&' : '?') + query;
}

// Sends a request and answers the Response when it is 2xx; throws ApiError otherwise.
// Options: method, params (query), fields (form body), headers, signal, allow401.
export async function request(path, options = {}) {
  const { method = 'GET', params, fields, headers = {}, signal, allow401 = false } = options;
  const init = {
    method,
    credentials: 'same-origin',
    cache: 'no-store',
    headers: { Accept: 'application/json', ...headers },
    signal,
  };
  if (bearer) init.headers.Authorization = `Bearer ${bearer}`;
  if (fields) {
    init.body = formBody(fields).toString();
    init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  let res;
  try {
    res = await fetch(withQuery(path, params), init);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError(err.message || 'network error', { code: 'network' });
  }
  if (res.ok) return res;
  const error = await errorFromResponse(res);
  if (error.status === 401 && !allow401) unauthorizedHandlers.forEach((handler) => handler(error));
  throw error;
}

export async function getJSON(path, params, options = {}) {
  const res = await request(path, { ...options, params });
  return readJSON(res);
}

export async function postForm(path, fields, options = {}) {
  const res = await request(path, { ...options, method: 'POST', fields });
  return readJSON(res);
}

async function readJSON(res) {
  try {
    return await res.json();
  } catch {
    throw new ApiError('the server answered something that is not JSON', { code: 'bad_response', status: res.status });
  }
}
