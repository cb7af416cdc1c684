// Small HTTP helpers: read a body, answer JSON or text, sleep cancellably.

const MAX_BODY = 8 * 1024 * 1024;
export const JSON_TYPE = 'application/json; charset=utf-8';

export class BodyTooLarge extends Error {}

export function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    let size = 0;
    req.on('data', (d) => {
      size += d.length;
      if (size > MAX_BODY) {
        // stop keeping it; node discards the rest while the 413 goes out
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge('request body too large'));
        return;
      }
      parts.push(d);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

// Parses a JSON body the way Ollama answers: {value} or {error} (Go-like text).
export function parseJson(buf) {
  const text = buf.toString('utf8');
  if (text.trim() === '') return { error: 'missing request body' };
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    const first = text.trim()[0];
    if (!'{["tfn-0123456789'.includes(first)) {
      return { error: `invalid character '${first}' looking for beginning of value` };
    }
    return { error: `invalid JSON: ${e.message}` };
  }
}

export function sendJson(res, status, obj, headers = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, {
    'Content-Type': JSON_TYPE,
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendText(res, status, text, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/plain',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

// setTimeout as a promise that resolves false at once when `signal` aborts.
export function sleep(ms, signal) {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return new Promise((resolve) => setImmediate(() => resolve(!signal.aborted)));
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); resolve(false); };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', done);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

// Resolves when `signal` aborts (a hung request waiting for its client to go).
export function untilAborted(signal) {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
}

export function nowNs() {
  return process.hrtime.bigint();
}
