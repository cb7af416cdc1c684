// Ollama's native dialect: /api/chat as NDJSON, its error shape, /api/* reads.
import { sendJson } from './http-util.mjs';
import { tagsBody, psBody } from './models.mjs';

export const VERSION = '0.5.7-emulator';

export const ollamaDialect = {
  streamDefault: true,
  error: (status, message) => ({ error: message }),
  check(body) {
    const o = body.options;
    if (o !== undefined && (o === null || typeof o !== 'object' || Array.isArray(o))) {
      return 'options must be a JSON object';
    }
    return null;
  },
  limitOf(body) {
    const n = body.options?.num_predict;
    return Number.isSafeInteger(n) ? n : null;
  },
  // Ollama answers an empty message list by (re)loading the model.
  special(ctx, body, model) {
    if ((body.messages ?? []).length > 0) return false;
    sendJson(ctx.res, 200, {
      model: body.model,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content: '' },
      done_reason: 'load',
      done: true,
    });
    return true;
  },
  proto: ndjson,
};

function ndjson(model) {
  const head = () => ({ model, created_at: new Date().toISOString() });
  const message = (content) => ({ role: 'assistant', content });
  const line = (obj) => JSON.stringify(obj) + '\n';
  return {
    streamHeaders: { 'Content-Type': 'application/x-ndjson' },
    chunk: (content) => line({ ...head(), message: message(content), done: false }),
    final: (reason, counters) => line({ ...head(), message: message(''), done_reason: reason, done: true, ...counters }),
    errorLine: (msg) => line({ error: msg }),
    malformed: (text) => text + '\n',
    whole: (content, reason, counters) => ({ ...head(), message: message(content), done_reason: reason, done: true, ...counters }),
    error: (status, msg) => ({ error: msg }),
  };
}

export function handleVersion(req, res) {
  sendJson(res, 200, { version: VERSION });
}

export function handleTags(req, res, state) {
  sendJson(res, 200, tagsBody(state.config.models));
}

export function handlePs(req, res, state) {
  sendJson(res, 200, psBody(state.loaded));
}
