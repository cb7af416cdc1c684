// The office directory program through real lighttpd on the seeded
// database: every office without q, fuzzy q (typos, missing accents, a
// locality leads to its municipality, best score first), the office's data
// as in the seed CSV, bad input and the login it needs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/stack.mjs';
import { api, register } from '../lib/client.mjs';
import { loadSeed, fold } from '../lib/seed.mjs';

const seed = loadSeed();
let stack, user;
before(async () => {
  stack = await startStack({ seed: true, backends: 0 });
  user = await register(stack);
});
after(async () => { await stack.stop(); });

const search = (q) => api(stack, `/cgi-bin/directory${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}`, { token: user.token });

// The office as the seed CSV has it.
function assertOffice(o, municipio) {
  const row = seed.officeByName.get(municipio);
  assert.ok(row, `${municipio} is in offices.csv`);
  assert.equal(o.municipio, row.municipio);
  assert.deepEqual(o.localidades, row.localidades);
  for (const k of ['cabecera', 'dependencia', 'direccion', 'telefono', 'whatsapp', 'horario', 'email'])
    assert.equal(o[k], row[k], `${municipio}: ${k}`);
  assert.equal(typeof o.id, 'number');
}

test('without q: every office of the seed, by name, each as in the CSV', async () => {
  const r = await search();
  assert.equal(r.status, 200);
  assert.equal(r.json.offices.length, seed.offices.length);
  const got = r.json.offices.map((o) => o.municipio);
  assert.deepEqual([...got].sort(), seed.offices.map((o) => o.municipio).sort());
  for (const o of r.json.offices) assertOffice(o, o.municipio);
  const empty = await search('');
  assert.equal(empty.json.offices.length, seed.offices.length);
  const blank = await search('  ¿? ');
  assert.equal(blank.json.offices.length, seed.offices.length);
});

test('q finds the municipality with typos, missing accents and odd case', async () => {
  const cases = [
    ['Río Cuarto', 'rio cuarto'], ['Río Cuarto', 'RIO CUATRO'], ['Villa Carlos Paz', 'vila carlos paz'],
    ['Villa María', 'villa maria'], ['Santa Rosa de Calamuchita', 'santa rosa de calamuchta'],
    ['Jesús María', 'jesus maria'], ['Córdoba', 'cordoba'], ['Marcos Juárez', 'marcos juares'],
  ];
  for (const [municipio, q] of cases) {
    const r = await search(q);
    assert.equal(r.status, 200, q);
    assert.ok(r.json.offices.length >= 1, `${q} finds something`);
    assert.equal(r.json.offices[0].municipio, municipio, q);
    assertOffice(r.json.offices[0], municipio);
    const score = r.json.offices[0].score;
    assert.ok(score > 0.6 && score <= 1, `${q}: score ${score}`);
  }
  const exact = await search('Bell Ville');
  assert.equal(exact.json.offices[0].score, 1);
});

test('a locality leads to the office of its municipality', async () => {
  const picks = seed.offices.filter((o) => o.localidades.length >= 3).slice(0, 4);
  assert.ok(picks.length >= 3);
  for (const office of picks) {
    const locality = office.localidades[2];
    // Only when the locality's name is not also another municipality's.
    if (seed.offices.some((o) => fold(o.municipio) === fold(locality))) continue;
    const r = await search(fold(locality));
    assert.ok(r.json.offices.some((o) => o.municipio === office.municipio), `${locality} -> ${office.municipio}`);
    assert.equal(r.json.offices[0].municipio, office.municipio, locality);
  }
  const typo = await search('banda nrte');
  assert.equal(typo.json.offices[0].municipio, seed.offices.find((o) => o.localidades.includes('Banda Norte')).municipio);
});

test('several matches come best first, scores in [0, 1] and not rising', async () => {
  for (const q of ['villa', 'rio', 'la', 'san']) {
    const r = await search(q);
    assert.equal(r.status, 200, q);
    assert.ok(r.json.offices.length >= 2, `${q}: ${r.json.offices.length}`);
    const scores = r.json.offices.map((o) => o.score);
    for (const s of scores) assert.ok(s >= 0 && s <= 1, `${q}: ${s}`);
    assert.deepEqual(scores, [...scores].sort((a, b) => b - a), q);
  }
  // Partial names that fit several: every "Río ..." is among them.
  const rio = await search('rio');
  const rios = seed.offices.filter((o) => fold(o.municipio).startsWith('rio ')).map((o) => o.municipio);
  assert.ok(rios.length >= 3);
  for (const m of rios) assert.ok(rio.json.offices.some((o) => o.municipio === m), m);
});

test('a name that is nowhere finds nothing; bad input is 400', async () => {
  const r = await search('xkcdqwz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.offices, []);
  for (const q of ['limit=0', 'limit=501', 'limit=abc']) {
    const bad = await api(stack, `/cgi-bin/directory?${q}`, { token: user.token });
    assert.equal(bad.status, 400, q);
    assert.equal(bad.json.error.code, 'invalid_input');
  }
  const few = await api(stack, '/cgi-bin/directory?limit=3', { token: user.token });
  assert.equal(few.json.offices.length, 3);
});

test('without a login: 401', async () => {
  for (const q of ['', '?q=cordoba']) {
    const r = await api(stack, `/cgi-bin/directory${q}`);
    assert.equal(r.status, 401, q);
    assert.equal(r.json.error.code, 'unauthorized');
  }
});
