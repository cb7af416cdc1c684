// Run-time state of one emulator: its configuration, counters and request log.

export const FAULTS = [null, 'down500', 'hang', 'drop'];
const REQUEST_LOG_SIZE = 200;
const CONFIG_KEYS = new Set(['fault', 'delay_ms', 'first_ms', 'drop_after', 'models']);

export function createState({ name, apiKey, models, delayMs }) {
  const initial = {
    fault: null, delay_ms: delayMs, first_ms: 0, drop_after: 0, models: [...models],
  };
  return {
    name,
    apiKey: apiKey || null,
    initial,
    config: structuredClone(initial),
    stats: emptyStats(0),
    requests: [],
    loaded: new Map(),
    seq: 0,
  };
}

function emptyStats(inFlight) {
  return {
    chat_requests: 0,
    in_flight: inFlight,
    max_in_flight: inFlight,
    completed: 0,
    cancelled: 0,
    dropped: 0,
    failed: 0,
    chunks_sent: 0,
    paths: {},
  };
}

export function statsBody(state) {
  return { name: state.name, ...state.stats, paths: { ...state.stats.paths } };
}

export function resetState(state, all) {
  state.stats = emptyStats(state.stats.in_flight);
  state.requests.length = 0;
  if (all) {
    state.config = structuredClone(state.initial);
    state.loaded.clear();
  }
}

export function countPath(state, path) {
  state.stats.paths[path] = (state.stats.paths[path] ?? 0) + 1;
}

export function logRequest(state, req, path, body, raw) {
  const entry = {
    seq: ++state.seq,
    received_at: new Date().toISOString(),
    method: req.method,
    path,
    authorization: typeof req.headers.authorization === 'string',
    body,
  };
  if (body === null) entry.raw = raw;
  state.requests.push(entry);
  if (state.requests.length > REQUEST_LOG_SIZE) state.requests.shift();
}

// Validates and applies a partial configuration; returns an error string or null.
export function applyConfig(state, patch) {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return 'config must be a JSON object';
  for (const key of Object.keys(patch)) {
    if (!CONFIG_KEYS.has(key)) return `unknown config key "${key}"`;
  }
  const err = checkConfig(patch);
  if (err) return err;
  for (const key of Object.keys(patch)) {
    state.config[key] = key === 'models' ? [...patch.models] : patch[key];
  }
  return null;
}

function checkConfig(p) {
  if ('fault' in p && !FAULTS.includes(p.fault)) return `fault must be one of ${JSON.stringify(FAULTS)}`;
  for (const key of ['delay_ms', 'first_ms', 'drop_after']) {
    if (key in p && !(Number.isSafeInteger(p[key]) && p[key] >= 0 && p[key] <= 600000)) {
      return `${key} must be an integer between 0 and 600000`;
    }
  }
  if ('models' in p) {
    const ok = Array.isArray(p.models) && p.models.every((m) => typeof m === 'string' && m.trim() !== '');
    if (!ok) return 'models must be an array of non-empty strings';
  }
  return null;
}

// Marks the start of one chat generation; returns the function that ends it.
export function beginChat(state) {
  const s = state.stats;
  s.in_flight++;
  if (s.in_flight > s.max_in_flight) s.max_in_flight = s.in_flight;
  let ended = false;
  return (outcome) => {
    if (ended) return;
    ended = true;
    state.stats.in_flight--;
    if (outcome) state.stats[outcome]++;
  };
}
