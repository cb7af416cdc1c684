// /__emulator/*: the test-only control and observation endpoints.
import { readBody, parseJson, sendJson, BodyTooLarge } from './http-util.mjs';
import { applyConfig, resetState, statsBody } from './state.mjs';

function configBody(state) {
  return { name: state.name, ...structuredClone(state.config) };
}

export function getConfig(req, res, state) {
  sendJson(res, 200, configBody(state));
}

export async function postConfig(req, res, state) {
  const body = await readJson(req, res);
  if (body === undefined) return;
  const err = applyConfig(state, body);
  if (err) return sendJson(res, 400, { error: err });
  sendJson(res, 200, configBody(state));
}

export function getRequests(req, res, state) {
  sendJson(res, 200, { requests: state.requests });
}

export function getStats(req, res, state) {
  sendJson(res, 200, statsBody(state));
}

// ?all=1 also restores the configuration the emulator started with.
export function postReset(req, res, state, url) {
  const all = url.searchParams.get('all') === '1';
  req.resume();
  resetState(state, all);
  sendJson(res, 200, { ok: true, config_restored: all });
}

async function readJson(req, res) {
  let buf;
  try {
    buf = await readBody(req);
  } catch (e) {
    if (e instanceof BodyTooLarge) sendJson(res, 413, { error: e.message });
    return undefined;
  }
  const parsed = parseJson(buf);
  if (parsed.error) {
    sendJson(res, 400, { error: parsed.error });
    return undefined;
  }
  return parsed.value;
}
