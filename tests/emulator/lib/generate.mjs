// Plays one emulated generation to the client, with its injected faults.
// The wire format (Ollama NDJSON or OpenAI SSE) comes from `ctx.proto`.
import { sleep, untilAborted, nowNs, sendJson, JSON_TYPE } from './http-util.mjs';

const MALFORMED = 'this line is not JSON {"oops": ';
const MID_STREAM_ERROR = 'something went wrong';
const SPLIT_STEPS = [3, 17, 1, 29, 7, 2, 11];

// ctx: {res, state, proto, stream, chunks, limit, promptCount, dirs, t0,
//       signal, finish(outcome), destroy()}
export async function runChat(ctx) {
  const { dirs, state } = ctx;
  if (dirs.status) return failWith(ctx, dirs.status, `emulated failure (status ${dirs.status})`);
  if (dirs.hang) return hang(ctx);
  const plan = planOf(ctx, state.config.fault);
  return ctx.stream ? streamReply(ctx, plan) : wholeReply(ctx, plan);
}

function failWith(ctx, status, message) {
  sendJson(ctx.res, status, ctx.proto.error(status, message));
  ctx.finish('failed');
}

// A hung generation: headers, then nothing until the client gives up.
async function hang(ctx) {
  ctx.res.writeHead(200, ctx.stream ? ctx.proto.streamHeaders : { 'Content-Type': JSON_TYPE });
  ctx.res.flushHeaders();
  await untilAborted(ctx.signal);
}

function planOf(ctx, fault) {
  const { dirs, state } = ctx;
  const drop = fault === 'drop' ? state.config.drop_after : dirs.drop;
  return {
    first: dirs.first ?? state.config.first_ms,
    delay: dirs.delay ?? state.config.delay_ms,
    drop,
    malformed: dirs.malformed,
    errorline: dirs.errorline,
  };
}

// Waits before chunk i; returns false if the client went away meanwhile.
function pause(ctx, plan, i) {
  return sleep(i === 0 ? plan.first : plan.delay, ctx.signal);
}

async function streamReply(ctx, plan) {
  const { res, proto } = ctx;
  res.writeHead(200, proto.streamHeaders);
  res.flushHeaders();
  const t = { gen: nowNs(), first: null };
  let sent = 0;
  for (let i = 0; i <= ctx.limit; i++) {
    if (i < ctx.limit && !(await pause(ctx, plan, i))) return;
    if (i === plan.drop) return ctx.destroy();
    if (i === plan.errorline) {
      if (await emit(ctx, proto.errorLine(MID_STREAM_ERROR))) { res.end(); ctx.finish('failed'); }
      return;
    }
    if (i === plan.malformed && !(await emit(ctx, proto.malformed(MALFORMED)))) return;
    if (i === ctx.limit) break;
    t.first ??= nowNs();
    if (!(await emit(ctx, proto.chunk(ctx.chunks[i])))) return;
    sent++;
    ctx.state.stats.chunks_sent++;
  }
  const counters = countersOf(ctx, t, sent);
  if (await emit(ctx, proto.final(reasonOf(ctx), counters))) {
    res.end();
    ctx.finish('completed');
  }
}

async function wholeReply(ctx, plan) {
  const { proto } = ctx;
  const t = { gen: nowNs(), first: null };
  let content = '';
  for (let i = 0; i <= ctx.limit; i++) {
    if (i < ctx.limit && !(await pause(ctx, plan, i))) return;
    if (i === plan.drop) return ctx.destroy();
    if (i === plan.errorline) return failWith(ctx, 500, MID_STREAM_ERROR);
    if (i === ctx.limit) break;
    t.first ??= nowNs();
    content += ctx.chunks[i];
    ctx.state.stats.chunks_sent++;
  }
  const body = JSON.stringify(proto.whole(content, reasonOf(ctx), countersOf(ctx, t, ctx.limit)));
  const garbage = plan.malformed !== undefined ? MALFORMED + '\n' : '';
  ctx.res.writeHead(200, { 'Content-Type': JSON_TYPE });
  if (await emit(ctx, garbage + body)) {
    ctx.res.end();
    ctx.finish('completed');
  }
}

function reasonOf(ctx) {
  return ctx.limit < ctx.chunks.length ? 'length' : 'stop';
}

// Ollama's counters; every duration is in nanoseconds and at least 1.
function countersOf(ctx, t, evalCount) {
  const end = nowNs();
  const first = t.first ?? end;
  const ns = (a, b) => Math.max(1, Number(b - a));
  return {
    total_duration: ns(ctx.t0, end),
    load_duration: ns(ctx.t0, t.gen),
    prompt_eval_count: ctx.promptCount,
    prompt_eval_duration: ns(t.gen, first),
    eval_count: evalCount,
    eval_duration: ns(first, end),
  };
}

// Writes `text`; with [[split]], in tiny pieces cut at awkward byte offsets
// (inside multi-byte UTF-8 characters, before the newline). False if the
// client has gone.
async function emit(ctx, text) {
  if (ctx.signal.aborted) return false;
  if (!ctx.dirs.split) {
    ctx.res.write(text);
    return true;
  }
  for (const piece of awkwardPieces(Buffer.from(text, 'utf8'))) {
    if (ctx.signal.aborted) return false;
    ctx.res.write(piece);
    if (!(await sleep(1, ctx.signal))) return false;
  }
  return true;
}

export function awkwardPieces(buf) {
  const cuts = new Set();
  for (let i = 1, step = 0; i < buf.length; i += SPLIT_STEPS[step++ % SPLIT_STEPS.length]) cuts.add(i);
  for (let i = 1; i < buf.length; i++) if ((buf[i] & 0xc0) === 0x80) cuts.add(i);
  if (buf.length > 1 && buf[buf.length - 1] === 0x0a) cuts.add(buf.length - 1);
  const sorted = [...cuts].sort((a, b) => a - b);
  const pieces = [];
  let from = 0;
  for (const c of sorted) { pieces.push(buf.subarray(from, c)); from = c; }
  pieces.push(buf.subarray(from));
  return pieces;
}
