// The HTTP server: routing, method checks, global faults, start and stop.
import http from 'node:http';
import { sendJson, sendText } from './http-util.mjs';
import { createState, countPath } from './state.mjs';
import { DEFAULT_MODELS } from './models.mjs';
import { handleChat } from './chat.mjs';
import { ollamaDialect, handleVersion, handleTags, handlePs } from './ollama.mjs';
import { openaiDialect, openaiError, handleModels, checkApiKey } from './openai.mjs';
import * as control from './control.mjs';

const HOST = '127.0.0.1';

const root = (req, res) => sendText(res, 200, 'Ollama is running', { 'Content-Type': 'text/plain; charset=utf-8' });
const ollamaChat = (req, res, state, url) => handleChat(req, res, state, url.pathname, ollamaDialect);
const openaiChat = (req, res, state, url) => handleChat(req, res, state, url.pathname, openaiDialect);

// kind: "ollama" and "openai" paths suffer global faults; "control" never does.
const ROUTES = {
  '/': { kind: 'ollama', GET: root, HEAD: root },
  '/api/version': { kind: 'ollama', GET: handleVersion, HEAD: handleVersion },
  '/api/tags': { kind: 'ollama', GET: handleTags, HEAD: handleTags },
  '/api/ps': { kind: 'ollama', GET: handlePs },
  '/api/chat': { kind: 'ollama', chat: true, POST: ollamaChat },
  '/v1/models': { kind: 'openai', GET: handleModels },
  '/v1/chat/completions': { kind: 'openai', chat: true, POST: openaiChat },
  '/__emulator/config': { kind: 'control', GET: control.getConfig, POST: control.postConfig },
  '/__emulator/requests': { kind: 'control', GET: control.getRequests },
  '/__emulator/stats': { kind: 'control', GET: control.getStats },
  '/__emulator/reset': { kind: 'control', POST: control.postReset },
};

function route(req, res, state) {
  const url = new URL(req.url, `http://${HOST}`);
  res.setHeader('X-Emulator-Name', state.name);
  const entry = ROUTES[url.pathname];
  if (!entry) return sendText(res, 404, '404 page not found');
  const handler = entry[req.method];
  if (!handler) {
    const allow = Object.keys(entry).filter((k) => /^[A-Z]+$/.test(k)).join(', ');
    return sendText(res, 405, '405 method not allowed', { Allow: allow });
  }
  if (entry.kind !== 'control') countPath(state, url.pathname);
  if (entry.kind === 'openai' && !entry.chat && !checkApiKey(req, res, state)) return undefined;
  if (entry.kind !== 'control' && !entry.chat && globalFault(req, res, state, entry.kind)) return undefined;
  return handler(req, res, state, url);
}

// Chat paths apply the global fault themselves (they count and log first).
function globalFault(req, res, state, kind) {
  const fault = state.config.fault;
  if (fault === 'down500') {
    const msg = 'emulated backend failure (down500)';
    sendJson(res, 500, kind === 'openai' ? openaiError(500, msg) : { error: msg });
    return true;
  }
  if (fault === 'hang') return true;
  if (fault === 'drop') {
    req.socket.destroy();
    return true;
  }
  return false;
}

export async function startEmulator(opts = {}) {
  const state = createState({
    name: opts.name ?? 'emulator',
    apiKey: opts.apiKey ?? null,
    models: opts.models?.length ? opts.models : DEFAULT_MODELS,
    delayMs: opts.delayMs ?? 5,
  });
  const server = http.createServer((req, res) => {
    Promise.resolve(route(req, res, state)).catch((err) => internalError(res, err));
  });
  server.keepAliveTimeout = 30000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, HOST, resolve);
  });
  const port = server.address().port;
  return { port, url: `http://${HOST}:${port}`, state, close: () => closeServer(server) };
}

function internalError(res, err) {
  process.stderr.write(`emulator: ${err?.stack ?? err}\n`);
  if (!res.headersSent) sendJson(res, 500, { error: 'emulator internal error' });
  else res.destroy();
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
