// Helpers for the backend-pool tests: a configuration file with extra
// settings (breaker, model-list TTL... reach the programs through the file
// named by MICROCHAT_CONF), emulator control, and database look-ups.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, freePort } from './stack.mjs';
import { register, chatStream } from './client.mjs';

// conf/microchat.conf with the given keys appended (a later line wins).
export function confWith(settings) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'microchat-conf-'));
  const file = path.join(dir, 'microchat.conf');
  const extra = Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n');
  writeFileSync(file, `${readFileSync(path.join(ROOT, 'conf/microchat.conf'), 'utf8')}\n${extra}\n`);
  return file;
}

// A URL on which nothing listens: connections are refused at once.
export async function deadUrl() {
  return `http://127.0.0.1:${await freePort()}`;
}

export async function emuConfig(emu, body) {
  const r = await fetch(`${emu.url}/__emulator/config`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  if (r.status !== 200) throw new Error(`emulator config: ${r.status} ${await r.text()}`);
  return r.json();
}

export async function emuReset(emu) {
  await fetch(`${emu.url}/__emulator/reset`, { method: 'POST' });
}

export const stats = (emu) => emu.state.stats;

// Register n users, a few at a time (each registration hashes a password).
export async function users(stack, n, batch = 8) {
  const out = [];
  for (let i = 0; i < n; i += batch) {
    const part = await Promise.all(Array.from({ length: Math.min(batch, n - i) }, () => register(stack)));
    out.push(...part);
  }
  return out;
}

// The stored reply of a streamed chat (by the message id of its meta event).
export function storedReply(stack, events) {
  const id = events.find((e) => e.event === 'meta')?.data.message_id;
  if (!id) throw new Error(`no meta event in ${JSON.stringify(events).slice(0, 300)}`);
  const rows = stack.sql(`SELECT id, content, status, error_code FROM messages WHERE id = ${Number(id)}`);
  return rows[0];
}

export function backendRow(stack, url) {
  const safe = url.replace(/'/g, "''");
  return stack.sql(`SELECT * FROM backends WHERE url = '${safe}'`)[0];
}

// n chats at once; resolves to [{s, ms}] in order.
export async function chatsAtOnce(stack, token, n, fields) {
  return Promise.all(Array.from({ length: n }, async (_, i) => {
    const t0 = performance.now();
    const f = typeof fields === 'function' ? fields(i) : fields;
    const s = await chatStream(stack, token, f);
    return { s, ms: performance.now() - t0 };
  }));
}

export const kinds = (events) => events.map((e) => e.event);
