// One chat request, whatever its dialect: read, log, count, validate, generate.
import { readBody, parseJson, sendJson, nowNs, BodyTooLarge } from './http-util.mjs';
import { logRequest, beginChat } from './state.mjs';
import { findModel, touchModel } from './models.mjs';
import { parseDirectives, replyText, chunkText, countWords, lastUserText } from './reply.mjs';
import { runChat } from './generate.mjs';

// dialect: {error(status, msg) -> body, check(body) -> msg|null,
//           limitOf(body) -> n|null, proto(model) -> wire format,
//           streamDefault, special?(ctx, body, model) -> handled,
//           authorize?(req, res, state) -> may go on}
export async function handleChat(req, res, state, path, dialect) {
  const t0 = nowNs();
  state.stats.chat_requests++;
  const finish = beginChat(state);
  const ctx = track(req, res, state, finish);
  let buf;
  try {
    buf = await readBody(req);
  } catch (e) {
    if (e instanceof BodyTooLarge) sendJson(res, 413, dialect.error(413, e.message));
    return finish('failed');
  }
  const parsed = parseJson(buf);
  logRequest(state, req, path, parsed.error ? null : parsed.value, parsed.error ? buf.toString('utf8') : undefined);
  if (dialect.authorize && !dialect.authorize(req, res, state)) return finish('failed');
  if (globalFault(ctx, dialect)) return undefined;
  if (parsed.error) return fail(ctx, dialect, 400, parsed.error);
  const body = parsed.value;
  const bad = checkBody(body) ?? dialect.check(body);
  if (bad) return fail(ctx, dialect, 400, bad);
  const model = findModel(state.config.models, body.model);
  if (!model) return fail(ctx, dialect, 404, `model "${body.model}" not found, try pulling it first`);
  if (dialect.special && dialect.special(ctx, body, model)) return finish('completed');
  touchModel(state.loaded, model, body.keep_alive);
  Object.assign(ctx, plan(body, model, dialect), { t0, proto: dialect.proto(body.model) });
  return runChat(ctx);
}

function checkBody(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'request body must be a JSON object';
  if (typeof body.model !== 'string' || body.model.trim() === '') return 'model is required';
  if (body.messages !== undefined && !Array.isArray(body.messages)) return 'messages must be an array';
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return 'stream must be a boolean';
  return null;
}

// A backend that is down, hung or cutting connections does so before it
// even looks at the request; drop with drop_after > 0 is played by runChat.
function globalFault(ctx, dialect) {
  const { fault, drop_after: dropAfter } = ctx.state.config;
  if (fault === 'down500') fail(ctx, dialect, 500, 'emulated backend failure (down500)');
  else if (fault === 'drop' && dropAfter === 0) ctx.destroy();
  else if (fault !== 'hang') return false;
  return true;
}

function fail(ctx, dialect, status, message) {
  sendJson(ctx.res, status, dialect.error(status, message));
  ctx.finish('failed');
}

// Counts the request as cancelled when the client hangs up before the end,
// and aborts everything the generation is waiting on.
function track(req, res, state, finish) {
  const abort = new AbortController();
  const ctx = { req, res, state, finish, signal: abort.signal, selfDestroyed: false };
  ctx.destroy = () => {
    ctx.selfDestroyed = true;
    abort.abort();
    finish('dropped');
    res.socket?.destroy();
  };
  res.on('close', () => {
    abort.abort();
    if (!res.writableFinished && !ctx.selfDestroyed) finish('cancelled');
  });
  return ctx;
}

function plan(body, model, dialect) {
  const messages = body.messages ?? [];
  const { dirs, text } = parseDirectives(lastUserText(messages));
  const chunks = chunkText(replyText(text, model, dirs));
  const max = dialect.limitOf(body);
  return {
    dirs,
    chunks,
    limit: max !== null && max > 0 ? Math.min(max, chunks.length) : chunks.length,
    promptCount: countWords(messages),
    stream: typeof body.stream === 'boolean' ? body.stream : dialect.streamDefault,
  };
}
