// The OpenAI-compatible dialect (llama.cpp server, vLLM, LM Studio, Ollama's /v1).
import { sendJson } from './http-util.mjs';
import { openaiModelsBody } from './models.mjs';

let completionSeq = 0;

export function openaiError(status, message) {
  const type = status === 401 || status === 400 || status === 413 ? 'invalid_request_error'
    : status === 404 ? 'not_found_error' : 'api_error';
  return { error: { message, type, param: null, code: null } };
}

export const openaiDialect = {
  streamDefault: false,
  error: openaiError,
  check(body) {
    if (!Array.isArray(body.messages) || body.messages.length === 0) return "[] is too short - 'messages'";
    return null;
  },
  limitOf(body) {
    const n = body.max_completion_tokens ?? body.max_tokens;
    return Number.isSafeInteger(n) ? n : null;
  },
  proto: sse,
  authorize: checkApiKey,
};

function usageOf(counters) {
  return {
    prompt_tokens: counters.prompt_eval_count,
    completion_tokens: counters.eval_count,
    total_tokens: counters.prompt_eval_count + counters.eval_count,
  };
}

function sse(model) {
  const id = `chatcmpl-${++completionSeq}`;
  const created = Math.floor(Date.now() / 1000);
  const head = (object) => ({ id, object, created, model, system_fingerprint: 'fp_ollama' });
  const event = (obj) => `data: ${JSON.stringify(obj)}\n\n`;
  const chunk = (delta, finish) => ({
    ...head('chat.completion.chunk'),
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  return {
    streamHeaders: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' },
    chunk: (content) => event(chunk({ role: 'assistant', content }, null)),
    final: (reason, counters) =>
      event({ ...chunk({ role: 'assistant', content: '' }, reason), usage: usageOf(counters) }) + 'data: [DONE]\n\n',
    errorLine: (msg) => event(openaiError(500, msg)),
    malformed: (text) => `data: ${text}\n\n`,
    whole: (content, reason, counters) => ({
      ...head('chat.completion'),
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: reason }],
      usage: usageOf(counters),
    }),
    error: openaiError,
  };
}

export function handleModels(req, res, state) {
  sendJson(res, 200, openaiModelsBody(state.config.models));
}

// True when the request may go on; otherwise the 401 has been sent.
export function checkApiKey(req, res, state) {
  if (!state.apiKey) return true;
  if (req.headers.authorization === `Bearer ${state.apiKey}`) return true;
  sendJson(res, 401, {
    error: {
      message: 'Incorrect API key provided. Send it as "Authorization: Bearer KEY".',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    },
  });
  return false;
}
