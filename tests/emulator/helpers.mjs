// Shared helpers for the emulator's own tests.
import http from 'node:http';
import { startEmulator } from './ollama-emulator.mjs';

export { startEmulator };

export const EXPECTED_DEFAULT = (echo, model) =>
  `Recibido: "${echo}". Esta es una respuesta simulada (modelo ${model}).`;

export function postJson(base, path, body, headers = {}, signal) {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });
}

export function chatBody(content, extra = {}) {
  return { model: 'llama3.2:1b', messages: [{ role: 'user', content }], ...extra };
}

export async function getJson(base, path) {
  const res = await fetch(base + path);
  return { status: res.status, body: await res.json() };
}

// Yields every "\n"-terminated line of a streamed body with its arrival time.
export async function* linesOf(res) {
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += dec.decode(value, { stream: true });
    let nl;
    while ((nl = pending.indexOf('\n')) !== -1) {
      yield { line: pending.slice(0, nl), t: performance.now() };
      pending = pending.slice(nl + 1);
    }
  }
  pending += dec.decode();
  if (pending) yield { line: pending, t: performance.now() };
}

// Reads a whole NDJSON stream; `error` is set if the connection broke.
export async function readNdjson(res) {
  const lines = [];
  let error = null;
  try {
    for await (const { line, t } of linesOf(res)) lines.push({ line, t });
  } catch (e) {
    error = e;
  }
  return { lines, error };
}

export function parseLines(lines) {
  return lines.map(({ line }) => JSON.parse(line));
}

// SSE "data:" payloads of a whole response body.
export function sseData(text) {
  return text.split('\n\n').filter((b) => b.startsWith('data: ')).map((b) => b.slice(6));
}

// Raw request through node:http, keeping each 'data' event's bytes apart.
export function rawPieces(base, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      const pieces = [];
      res.on('data', (d) => pieces.push(Buffer.from(d)));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, pieces }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `fn` until it returns a truthy value, or fails after `ms`.
export async function eventually(fn, ms = 2000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error('condition not reached in time');
    await sleep(10);
  }
}

export async function stats(base) {
  return (await getJson(base, '/__emulator/stats')).body;
}
