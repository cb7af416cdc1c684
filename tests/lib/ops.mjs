// Helpers for the operations tests (stats, config): nearest-rank
// percentiles computed the plain way, writes to the test database through
// the sqlite3 CLI, and the emulator's request log.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { api } from './client.mjs';

// The smallest value with at least p% of the values at or below it.
export function nearestRank(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const k = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(k, sorted.length) - 1];
}

export function percentiles(values) {
  return { p50: nearestRank(values, 50), p95: nearestRank(values, 95), p99: nearestRank(values, 99) };
}

// Rows of a read-only query, like stack.sql, but waiting out the moment a
// program holds the file exclusively (closing its connection checkpoints
// the WAL, which every request now does after recording its figures).
export function sqlRead(stack, query) {
  const out = execFileSync('sqlite3', ['-readonly', '-json', '-cmd', '.timeout 10000', stack.dbPath, query],
    { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

// A write the programs would do themselves (used to stand in for another
// module, such as the NLU log); waits for locks like the programs do.
export function sqlWrite(stack, sql) {
  execFileSync('sqlite3', ['-cmd', '.timeout 10000', stack.dbPath, sql], { encoding: 'utf8' });
}

export async function stats(stack, token, days) {
  const q = days === undefined ? '' : `?days=${days}`;
  return api(stack, `/cgi-bin/stats${q}`, { token });
}

// The chat requests the emulator received, oldest first.
export async function emulatorRequests(emulator) {
  const res = await fetch(`${emulator.url}/__emulator/requests`);
  return (await res.json()).requests;
}

// The records of requests answered without the database, waiting in the
// spool (lib/core/spool) for the next request that writes to fold them in.
export function spooledRequests(stack) {
  try {
    return readFileSync(`${stack.dbPath}-cache/requests.spool`, 'utf8').split('\n').filter(Boolean).length;
  } catch (e) {
    if (e.code === 'ENOENT') return 0;
    throw e;
  }
}

// Every request is recorded when it ends, which in plain CGI may be a moment
// after the client has its answer: wait until n are there (in the table or
// in the spool).
export async function recordedRequests(stack, n, ms = 5000) {
  const until = Date.now() + ms;
  for (;;) {
    const [{ c: stored }] = sqlRead(stack, 'SELECT count(*) AS c FROM ops_requests');
    const c = stored + spooledRequests(stack);
    if (c >= n || Date.now() > until) return c;
    await new Promise((r) => setTimeout(r, 25));
  }
}
