// Unit tests of the emulator's pure parts: directives, chunking, splitting, names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDirectives, chunkText, replyText, countWords, lastUserText } from './lib/reply.mjs';
import { awkwardPieces } from './lib/generate.mjs';
import { normalizeName, findModel, keepAliveMs, describeModel } from './lib/models.mjs';

test('parseDirectives reads values and flags, and rejects bad ones', () => {
  const r = parseDirectives('a [[delay=50]] b [[HANG]] [[split]] [[tokens=3]] c');
  assert.deepEqual(r.dirs, { delay: 50, hang: true, split: true, tokens: 3 });
  assert.equal(r.text, 'a b c');
  assert.deepEqual(parseDirectives('[[status=200]] [[delay=-1]] [[hang=1]] [[x]]').dirs, {});
  assert.equal(parseDirectives('[[first=99999999]]').dirs.first, 600000);
  assert.equal(parseDirectives('[[drop=0]]').dirs.drop, 0);
});

test('chunkText keeps every byte and gives word-sized chunks', () => {
  const text = 'uno  dos\n\ntres ñ 🚀 ';
  const chunks = chunkText(text);
  assert.deepEqual(chunks, ['uno  ', 'dos\n\n', 'tres ', 'ñ ', '🚀 ']);
  assert.equal(chunks.join(''), text);
  assert.deepEqual(chunkText(''), []);
  assert.deepEqual(chunkText('  a'), ['  a']);
});

test('replyText depends on the input and the model', () => {
  assert.notEqual(replyText('a', 'm:1b', {}), replyText('b', 'm:1b', {}));
  assert.notEqual(replyText('a', 'm:1b', {}), replyText('a', 'n:1b', {}));
  assert.equal(replyText('a', 'm', { tokens: 3 }), 'tok1 tok2 tok3');
  assert.match(replyText('a', 'm', { split: true }), /ñandú.*🚀/);
  assert.match(replyText('MARKDOWN', 'm', {}), /^## /);
  assert.doesNotMatch(replyText('markdowns', 'm', {}), /^## /);
});

test('prompt words and the last user message', () => {
  const msgs = [{ role: 'system', content: 'a b' }, { role: 'user', content: 'c' }, { role: 'assistant', content: 'd e f' }];
  assert.equal(countWords(msgs), 6);
  assert.equal(lastUserText(msgs), 'c');
  assert.equal(lastUserText([]), '');
});

test('awkwardPieces cuts inside multi-byte characters and keeps the bytes', () => {
  const buf = Buffer.from('{"c":"ñandú 🚀"}\n');
  const pieces = awkwardPieces(buf);
  assert.deepEqual(Buffer.concat(pieces), buf);
  assert.ok(pieces.every((p) => p.length > 0));
  const starts = pieces.slice(1).map((p) => p[0]);
  assert.equal(starts.filter((b) => (b & 0xc0) === 0x80).length, 5, 'every continuation byte (ñ, ú: 1 each; 🚀: 3) starts a piece');
  assert.deepEqual(pieces.at(-1), Buffer.from('\n'));
});

test('model names follow Ollama (":latest" when no tag)', () => {
  assert.equal(normalizeName('llama3.2'), 'llama3.2:latest');
  assert.equal(normalizeName('host:5000/ns/m'), 'host:5000/ns/m:latest');
  assert.equal(findModel(['a:latest', 'b:1b'], 'a'), 'a:latest');
  assert.equal(findModel(['b:1b'], 'b'), null);
  assert.equal(keepAliveMs('10m'), 600000);
  assert.equal(keepAliveMs(30), 30000);
  assert.equal(keepAliveMs('0'), 0);
  assert.equal(describeModel('x:8x7b').details.parameter_size, '56.0B');
});
