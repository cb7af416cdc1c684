// Starts the real thing for a test: Ollama emulators on loopback, a fresh
// SQLite file migrated by microchat-admin, and lighttpd with the generated
// configuration (plain CGI or FastCGI, normal or sanitizer build).
// Environment: MC_BUILD (build | build-asan), MC_MODE (cgi | fastcgi),
// MC_SERVER (lighttpd, or apache: the shared-hosting tarball under Apache,
// tests/lib/apache.mjs, with the same options and the same stack object).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../emulator/ollama-emulator.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUILD = process.env.MC_BUILD || 'build';
export const MODE = process.env.MC_MODE || 'cgi';
export const SERVER = process.env.MC_SERVER || 'lighttpd';
const ADMIN = path.join(ROOT, BUILD, 'bin/microchat-admin');

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port, ms = 10000) {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// lighttpd's FastCGI workers (its children started from a "bin-path" of the
// configuration), and a wait for them to end.
function workerPids(pid, conf) {
  const bins = new Set([...readFileSync(conf, 'utf8').matchAll(/"bin-path"\s*=>\s*"([^"]+)"/g)].map((m) => m[1]));
  if (!bins.size) return [];
  const argv0 = (p) => { try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0]; } catch { return ''; } };
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)
      .filter((p) => p && bins.has(argv0(p)));
  } catch {
    return [];
  }
}

async function processesGone(pids, ms) {
  const until = Date.now() + ms;
  while (pids.some((p) => existsSync(`/proc/${p}`)) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 50));
}

// Sanitizer reports land in files named asan.<pid> in the run folder.
function sanitizerReports(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /^(asan|ubsan)\./.test(f))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

/**
 * @param {object} o
 * @param {number} [o.backends=1] emulators to start
 * @param {string[]} [o.backendUrls] extra OLLAMA_URL members (e.g. a dead port)
 * @param {boolean} [o.seed=false] load db/seed into the database
 * @param {boolean} [o.migrate=true] false: leave the database to the first request
 * @param {object} [o.env] more settings for the programs (LLM_TIMEOUT, ...)
 * @param {object} [o.emulator] options for every emulator
 */
export async function startStack(o = {}) {
  if (SERVER === 'apache') {
    const { startApacheStack } = await import('./apache.mjs');
    return startApacheStack(o);
  }
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'microchat-test-'));
  const dbPath = path.join(runDir, 'microchat.db');
  const emulators = [];
  for (let i = 0; i < (o.backends ?? 1); i++)
    emulators.push(await startEmulator({ name: `backend-${i}`, ...(o.emulator || {}) }));
  const urls = [...emulators.map((e) => e.url), ...(o.backendUrls || [])];
  const port = await freePort();
  const env = {
    ...process.env,
    ROOT, BUILD, MODE, RUN_DIR: runDir, PORT: String(port), BIND: '127.0.0.1',
    DB_PATH: dbPath, OLLAMA_URL: urls.join(',') || 'http://127.0.0.1:9',
    MICROCHAT_CONF: path.join(ROOT, 'conf/microchat.conf'),
    LLM_TIMEOUT: '20', LLM_FIRST_TOKEN_TIMEOUT: '10',
    // What a database created by a request (migrate: false) is given.
    FIRST_RUN_SEED: o.seed ? '1' : '0',
    // Every test runs many chats for one user, and registers its users
    // from one address: the limits on both are tested on their own
    // (streams.test.mjs, cheap-refusals.test.mjs), with their defaults.
    MAX_STREAMS_PER_USER: '1000', REGISTER_MAX_PER_IP: '1000000',
    ASAN_OPTIONS: `log_path=${runDir}/asan:detect_leaks=1:abort_on_error=0`,
    UBSAN_OPTIONS: `log_path=${runDir}/ubsan:print_stacktrace=1:halt_on_error=1`,
    ...(o.env || {}),
  };
  if (o.migrate !== false) execFileSync(ADMIN, ['migrate'], { env, stdio: 'pipe' });
  if (o.seed && o.migrate !== false) execFileSync(ADMIN, ['seed', path.join(ROOT, 'db/seed')], { env, stdio: 'pipe' });
  const conf = execFileSync('sh', [path.join(ROOT, 'conf/lighttpd.sh')], { env, encoding: 'utf8' }).trim();
  const server = spawn('lighttpd', ['-D', '-f', conf], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let serverErr = '';
  server.stderr.on('data', (d) => { serverErr += d; });
  try {
    await waitForPort(port);
  } catch (e) {
    server.kill('SIGKILL');
    throw new Error(`${e.message}\n${serverErr}`);
  }
  const stack = {
    server: 'lighttpd', url: `http://127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`,
    port, runDir, dbPath, env, emulators,
    pid: server.pid, // lighttpd's; its children are the CGI processes or FastCGI workers
    errorLog: () => (existsSync(path.join(runDir, 'error.log')) ? readFileSync(path.join(runDir, 'error.log'), 'utf8') : ''),
    sanitizerReports: () => sanitizerReports(runDir),
    // What lighttpd and the programs wrote to stderr (with -D it is not the error log).
    stderr: () => serverErr,
    admin: (...args) => execFileSync(ADMIN, args, { env, encoding: 'utf8' }),
    // Rows of a read-only query on the test's database (sqlite3 CLI, JSON mode;
    // it waits, like the programs, when a closing process holds the file).
    sql: (query) => {
      const out = execFileSync('sqlite3', ['-readonly', '-json', '-cmd', '.timeout 5000', dbPath, query], { encoding: 'utf8' });
      return out.trim() ? JSON.parse(out) : [];
    },
    // A write to the test's database, as an older version or an operator
    // would leave it; it waits like sql() for a process still finishing.
    write: (statement) => {
      execFileSync('sqlite3', ['-cmd', '.timeout 5000', dbPath, statement]);
    },
    async stop() {
      const workers = workerPids(server.pid, conf);
      await new Promise((resolve) => {
        if (server.exitCode !== null || server.signalCode !== null) return resolve();
        const hard = setTimeout(() => server.kill('SIGKILL'), 5000);
        server.once('exit', () => { clearTimeout(hard); resolve(); });
        server.kill('SIGTERM');
      });
      // Give CGI processes that lighttpd signalled a moment to write reports.
      await new Promise((r) => setTimeout(r, 200));
      // FastCGI workers finish their request and exit (sanitizers then check for leaks).
      await processesGone(workers, 10000);
      await Promise.all(emulators.map((e) => e.close()));
      const reports = sanitizerReports(runDir);
      if (!process.env.MC_KEEP) rmSync(runDir, { recursive: true, force: true });
      if (reports.length) throw new Error(`sanitizer reports:\n${reports.join('\n')}`);
    },
  };
  return stack;
}
