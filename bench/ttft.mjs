// Time to first token, asked of the model backend directly and through
// /cgi-bin/chat (Server-Sent Events), alternately, for bench/run.sh.
// Prints one JSON line: {"rounds", "direct": {"p50","p90"}, "chat": {...}} in ms.
// usage: node bench/ttft.mjs EMULATOR_URL SERVER_URL TOKEN MODEL [ROUNDS]
const [emulator, server, token, model, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg || 20);

// Milliseconds from sending until the body holds `marker`.
async function firstMatch(url, init, marker) {
  const t0 = performance.now();
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let seen = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`${url}: ended before a token: ${seen.slice(0, 300)}`);
    seen += dec.decode(value, { stream: true });
    if (marker.test(seen)) {
      const ms = performance.now() - t0;
      await reader.cancel();
      return ms;
    }
  }
}

const direct = (i) => firstMatch(`${emulator}/api/chat`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: `pregunta número ${i}` }] }),
}, /"content":"[^"]/);

const viaChat = (i) => firstMatch(`${server}/cgi-bin/chat`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream',
    'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ message: `pregunta número ${i}`, model }).toString(),
}, /event: token\n/);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(2));
};

const d = [];
const c = [];
await direct(0); // warm both paths once
await viaChat(0);
for (let i = 1; i <= rounds; i++) {
  d.push(await direct(i));
  c.push(await viaChat(i));
}
console.log(JSON.stringify({
  rounds,
  direct: { p50: pct(d, 50), p90: pct(d, 90) },
  chat: { p50: pct(c, 50), p90: pct(c, 90) },
}));
