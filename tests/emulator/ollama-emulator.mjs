#!/usr/bin/env node
// Ollama emulator for the test suites: command line, and startEmulator() for
// tests that want it in-process. See README.md in this directory.
import { writeFileSync, renameSync, rmSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startEmulator } from './lib/server.mjs';

export { startEmulator };

const USAGE = 'usage: ollama-emulator.mjs [--port N] [--port-file PATH] [--models a:1b,b:7b]'
  + ' [--name NAME] [--api-key KEY] [--delay-ms N]';

export function parseArgs(argv) {
  const opts = {};
  const takes = {
    '--port': (v) => { opts.port = intArg('--port', v, 65535); },
    '--port-file': (v) => { opts.portFile = v; },
    '--models': (v) => { opts.models = v.split(',').map((s) => s.trim()).filter(Boolean); },
    '--name': (v) => { opts.name = v; },
    '--api-key': (v) => { opts.apiKey = v; },
    '--delay-ms': (v) => { opts.delayMs = intArg('--delay-ms', v, 600000); },
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const set = takes[flag];
    if (!set) throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    set(value);
  }
  return opts;
}

function intArg(flag, v, max) {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > max) throw new Error(`${flag} must be an integer from 0 to ${max}`);
  return n;
}

function writePortFile(path, port) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${port}\n`);
  renameSync(tmp, path);
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  const emu = await startEmulator(opts);
  if (opts.portFile) writePortFile(opts.portFile, emu.port);
  process.stdout.write(`listening 127.0.0.1:${emu.port}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await emu.close();
    if (opts.portFile) rmSync(opts.portFile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function isMain() {
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  main().catch((e) => {
    process.stderr.write(`emulator: ${e.message}\n`);
    process.exit(1);
  });
}
