// The command line: flags, port file, stdout line, clean exit, loopback only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir, networkInterfaces } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { parseArgs } from './ollama-emulator.mjs';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'ollama-emulator.mjs');

function run(args) {
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => { out.stdout += d; });
  child.stderr.on('data', (d) => { out.stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, out, exited };
}

async function waitFor(fn, ms = 5000) {
  const until = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('parseArgs reads every flag, both "--f v" and "--f=v"', () => {
  assert.deepEqual(parseArgs(['--port', '0', '--port-file=/tmp/p', '--models', 'a:1b, b:7b', '--name', 'x',
    '--api-key', 'k', '--delay-ms', '3']),
  { port: 0, portFile: '/tmp/p', models: ['a:1b', 'b:7b'], name: 'x', apiKey: 'k', delayMs: 3 });
  assert.throws(() => parseArgs(['--port', 'abc']));
  assert.throws(() => parseArgs(['--port', '70000']));
  assert.throws(() => parseArgs(['--bogus']));
  assert.throws(() => parseArgs(['--name']));
});

test('starts, writes the port file, serves the models, exits on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'emu-'));
  const portFile = join(dir, 'port');
  const { child, out, exited } = run(['--port', '0', '--port-file', portFile,
    '--models', 'a:1b,b:7b', '--name', 'backend-a']);
  try {
    await waitFor(() => out.stdout.includes('\n'));
    const m = out.stdout.match(/^listening 127\.0\.0\.1:(\d+)\n$/);
    assert.ok(m, out.stdout);
    const port = Number(m[1]);
    assert.ok(port > 0);
    assert.equal(readFileSync(portFile, 'utf8').trim(), String(port));
    const res = await fetch(`http://127.0.0.1:${port}/api/tags`);
    assert.equal(res.headers.get('x-emulator-name'), 'backend-a');
    assert.deepEqual((await res.json()).models.map((x) => x.name), ['a:1b', 'b:7b']);
    child.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null });
    assert.equal(existsSync(portFile), false, 'the port file is removed on exit');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGINT also exits cleanly, even with a request hanging', async () => {
  const { child, out, exited } = run([]);
  await waitFor(() => out.stdout.includes('\n'));
  const port = Number(out.stdout.match(/:(\d+)/)[1]);
  const hanging = fetch(`http://127.0.0.1:${port}/api/chat`, {
    method: 'POST', body: JSON.stringify({ model: 'llama3.2:1b', messages: [{ role: 'user', content: '[[hang]]' }] }),
  }).then((r) => r.text()).catch((e) => e);
  await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  assert.deepEqual(await exited, { code: 0, signal: null });
  assert.ok((await hanging) instanceof Error);
});

test('a bad flag exits 2 with the usage', async () => {
  const { out, exited } = run(['--what']);
  assert.equal((await exited).code, 2);
  assert.match(out.stderr, /usage:/);
});

test('it is not reachable on other addresses than 127.0.0.1', async (t) => {
  const other = Object.values(networkInterfaces()).flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!other) {
    t.skip('no non-loopback IPv4 address on this machine');
    return;
  }
  const { child, out, exited } = run([]);
  await waitFor(() => out.stdout.includes('\n'));
  const port = Number(out.stdout.match(/:(\d+)/)[1]);
  const err = await new Promise((resolve) => {
    const s = net.connect(port, other.address);
    s.on('connect', () => { s.destroy(); resolve(null); });
    s.on('error', resolve);
  });
  child.kill('SIGTERM');
  await exited;
  assert.ok(err, `connected through ${other.address}`);
  assert.equal(err.code, 'ECONNREFUSED');
});
