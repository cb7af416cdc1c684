// A small HTTP client for the tests: form, JSON and multipart bodies,
// Bearer tokens or cookies, and a Server-Sent Events reader that records
// when each event arrived.
import { execFile } from 'node:child_process';

export async function api(stack, path, o = {}) {
  const headers = { ...(o.headers || {}) };
  if (o.token) headers.Authorization = `Bearer ${o.token}`;
  if (o.cookie) headers.Cookie = o.cookie;
  let body;
  if (o.form) {
    body = new URLSearchParams(o.form).toString();
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (o.json !== undefined) {
    body = typeof o.json === 'string' ? o.json : JSON.stringify(o.json);
    headers['Content-Type'] = 'application/json';
  } else if (o.multipart) {
    body = new FormData();
    for (const [k, v] of Object.entries(o.multipart)) body.append(k, v);
  } else if (o.raw !== undefined) {
    body = o.raw;
  }
  const method = o.method || (body !== undefined ? 'POST' : 'GET');
  const res = await fetch(stack.url + path, { method, headers, body, redirect: 'manual', signal: o.signal });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

let userSeq = 0;
export function uniqueName(prefix = 'user') {
  userSeq += 1;
  return `${prefix}${process.pid % 10000}_${userSeq}`;
}

export async function register(stack, username = uniqueName(), password = 'correct horse 1') {
  const r = await api(stack, '/cgi-bin/register', { form: { username, password } });
  if (r.status !== 201) throw new Error(`register ${username}: ${r.status} ${r.text}`);
  return { username, password, token: r.json.token, user: r.json.user, cookie: r.headers.get('set-cookie') };
}

// Parses an SSE body as it arrives: [{event, data, t}] with t in ms since the request.
export async function chatStream(stack, token, fields, o = {}) {
  const t0 = performance.now();
  const res = await fetch(`${stack.url}/cgi-bin/chat`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream',
      'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    signal: o.signal,
  });
  const events = [];
  if (!(res.headers.get('content-type') || '').startsWith('text/event-stream')) {
    return { status: res.status, headers: res.headers, events, json: await res.json().catch(() => null) };
  }
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let pending = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += dec.decode(value, { stream: true });
      let sep;
      while ((sep = pending.indexOf('\n\n')) !== -1) {
        const block = pending.slice(0, sep);
        pending = pending.slice(sep + 2);
        let event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (!data.length) continue; // a comment (ping)
        const ev = { event, data: JSON.parse(data.join('\n')), t: performance.now() - t0 };
        events.push(ev);
        if (o.onEvent && o.onEvent(ev, reader) === 'stop') { await reader.cancel(); return { status: res.status, headers: res.headers, events }; }
      }
    }
  } catch (e) {
    if (!o.signal?.aborted) throw e;
  }
  return { status: res.status, headers: res.headers, events };
}

export function tokensOf(events) {
  return events.filter((e) => e.event === 'token').map((e) => e.data.content).join('');
}

export function curl(args) {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-S', '-w', '\n%{http_code}', ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      const nl = stdout.lastIndexOf('\n');
      const text = stdout.slice(0, nl);
      let json = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      resolve({ status: Number(stdout.slice(nl + 1)), text, json });
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function eventually(fn, ms = 5000, step = 50) {
  const until = Date.now() + ms;
  for (;;) {
    try { return await fn(); } catch (e) {
      if (Date.now() > until) throw e;
      await sleep(step);
    }
  }
}
