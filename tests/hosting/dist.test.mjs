// The shared-hosting tarball of `make dist`, read as a file: the layout
// API.md promises (microchat/public_html/microchat/ and
// microchat/microchat-data/), every program and page in it, no file the
// user edits, modes a suEXEC host accepts, the .htaccess files, and pages
// and scripts that use relative URLs only (so any prefix works).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT, BUILD } from '../lib/stack.mjs';
import { distTarball } from '../lib/apache.mjs';

const APP = 'microchat/public_html/microchat/';
const DATA = 'microchat/microchat-data/';

// [{mode, name}] of every member (GNU tar's verbose listing).
function members() {
  return execFileSync('tar', ['-tvzf', distTarball()], { encoding: 'utf8' }).trim().split('\n').map((line) => {
    const f = line.split(/\s+/);
    return { mode: f[0], owner: f[1], name: f.slice(5).join(' ') };
  });
}

const programs = () => {
  const env = readFileSync(path.join(ROOT, BUILD, 'programs.env'), 'utf8');
  const list = (k) => (env.match(new RegExp(`^${k}="([^"]*)"`, 'm'))[1] || '').split(/\s+/).filter(Boolean);
  return { all: list('PROGRAMS'), twins: list('TWIN_PROGRAMS') };
};

test('one top folder, microchat/, holding public_html/microchat/ and microchat-data/', () => {
  const names = members().map((m) => m.name);
  assert.ok(names.every((n) => n.startsWith('microchat/')), names.filter((n) => !n.startsWith('microchat/')).join());
  const top = new Set(names.map((n) => n.split('/').slice(0, 2).join('/')).filter((n) => n !== 'microchat/'));
  assert.deepEqual([...top].sort(), ['microchat/microchat-data', 'microchat/public_html']);
  assert.deepEqual(names.filter((n) => n.startsWith('microchat/public_html/') && n.split('/').length === 4 && n.endsWith('/')),
    ['microchat/public_html/microchat/']);
});

test('every program, twin, page and vendored library is there; nothing else of the build', () => {
  const names = new Set(members().map((m) => m.name));
  const { all, twins } = programs();
  for (const p of all) assert.ok(names.has(`${APP}cgi-bin/${p}`), p);
  for (const p of twins) assert.ok(names.has(`${APP}libexec/${p}`), `libexec/${p}`);
  const inCgi = [...names].filter((n) => n.startsWith(`${APP}cgi-bin/`) && !n.endsWith('/'));
  assert.deepEqual(inCgi.map((n) => n.slice(APP.length + 8)).sort(), [...all, '.htaccess'].sort());
  for (const page of readdirSync(path.join(ROOT, 'htdocs')).filter((f) => f.endsWith('.html')))
    assert.ok(names.has(`${APP}${page}`), page);
  for (const js of readdirSync(path.join(ROOT, 'htdocs/js')).filter((f) => f.endsWith('.js')))
    assert.ok(names.has(`${APP}js/${js}`), js);
  assert.ok([...names].some((n) => n.startsWith(`${APP}vendor/`) && n.endsWith('.js')), 'vendor/');
  assert.ok(![...names].some((n) => /\.(o|a|ld|c|h)$|microchat-admin|\/\.stamp$/.test(n)), 'no build leftovers');
});

test('never a file the user edits: no microchat.conf, no database, an empty db/ folder', () => {
  const names = members().map((m) => m.name);
  assert.deepEqual(names.filter((n) => n.startsWith(DATA)).sort(),
    [DATA, `${DATA}.htaccess`, `${DATA}db/`, `${DATA}microchat.conf.example`]);
  assert.ok(!names.some((n) => /microchat\.conf$|\.db$|-cache\//.test(n)));
});

test('modes a suEXEC host accepts: nothing group- or world-writable, programs executable, owned by root', () => {
  const { all, twins } = programs();
  const exec = new Set([...all.map((p) => `${APP}cgi-bin/${p}`), ...twins.map((p) => `${APP}libexec/${p}`)]);
  for (const m of members()) {
    assert.doesNotMatch(m.mode, /^.....w|^........w/, `${m.name} ${m.mode}`);
    if (m.mode.startsWith('d')) assert.equal(m.mode, 'drwxr-xr-x', m.name);
    else assert.equal(m.mode, exec.has(m.name) ? '-rwxr-xr-x' : '-rw-r--r--', m.name);
    assert.equal(m.owner, '0/0', m.name);
  }
});

test('the .htaccess files: CGI and CGIPassAuth for cgi-bin/, the stream uncompressed, the data and helpers denied', () => {
  const read = (name) => execFileSync('tar', ['-xzOf', distTarball(), name], { encoding: 'utf8' });
  const cgi = read(`${APP}cgi-bin/.htaccess`);
  assert.match(cgi, /^Options \+ExecCGI/m);
  assert.match(cgi, /^SetHandler cgi-script/m);
  assert.match(cgi, /CGIPassAuth On/);
  assert.match(cgi, /no-gzip/);
  for (const f of [`${DATA}.htaccess`, `${APP}libexec/.htaccess`]) assert.match(read(f), /Require all denied/, f);
  const app = read(`${APP}.htaccess`);
  assert.match(app, /Content-Security-Policy/);
  // Every module-specific directive sits inside <IfModule>: a host without it still serves.
  for (const text of [app, cgi]) {
    let depth = 0;
    for (const line of text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
      if (/^<IfModule/.test(line)) depth++;
      else if (/^<\/IfModule>/.test(line)) depth--;
      else if (/^(Header|AddType|AddCharset|SetEnv|SetEnvIf|CGIPassAuth|Rewrite|DirectoryIndex)\b/.test(line))
        assert.ok(depth > 0, `outside <IfModule>: ${line}`);
    }
  }
});

// Every same-origin URL the pages and scripts name is relative: "/cgi-bin/",
// "/js/", "/" would leave /microchat/ (or /~user/chat/) for the host's root.
test('pages, scripts and styles name relative URLs only', () => {
  const files = [
    ...readdirSync(path.join(ROOT, 'htdocs')).filter((f) => f.endsWith('.html')).map((f) => `htdocs/${f}`),
    ...readdirSync(path.join(ROOT, 'htdocs/js'), { recursive: true }).filter((f) => f.endsWith('.js')).map((f) => `htdocs/js/${f}`),
    ...readdirSync(path.join(ROOT, 'htdocs/css')).filter((f) => f.endsWith('.css')).map((f) => `htdocs/css/${f}`),
  ];
  const absolute = [
    /\b(?:href|src|action)\s*=\s*["']\/(?!\/)/g,                 // <a href="/...">
    /["'`]\/(?:cgi-bin|js|css|img|vendor)\//g,                  // '/cgi-bin/...'
    /\b(?:from|import)\s*\(?\s*["']\/(?!\/)/g,                  // import ... from '/...'
    /location\.(?:replace|assign)\(\s*["']\//g,
    /\burl\(\s*["']?\/(?!\/)/g,                                 // CSS url(/...)
  ];
  const found = [];
  for (const f of files) {
    const text = readFileSync(path.join(ROOT, f), 'utf8');
    for (const re of absolute) for (const m of text.matchAll(re)) found.push(`${f}: ${m[0]}`);
  }
  assert.deepEqual(found, []);
});
