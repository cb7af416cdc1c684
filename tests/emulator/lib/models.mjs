// The emulated model catalogue: names, Ollama's model descriptions, /api/ps.
import { createHash } from 'node:crypto';

export const DEFAULT_MODELS = ['llama3.2:1b', 'qwen2.5:0.5b'];
const MODIFIED_AT = '2025-01-15T10:20:30.123456789-03:00';
const CREATED_UNIX = 1736947230;
const DEFAULT_KEEP_ALIVE_MS = 5 * 60 * 1000;
const FOREVER = '2318-08-07T05:01:11.000Z';

const FAMILIES = [
  [/^llama/, 'llama'], [/^qwen3/, 'qwen3'], [/^qwen/, 'qwen2'],
  [/^gemma3/, 'gemma3'], [/^gemma/, 'gemma2'], [/^phi/, 'phi3'],
  [/^(mistral|mixtral)/, 'llama'], [/^deepseek/, 'qwen2'],
];

// Ollama's own name rule: a name without a tag means ":latest".
export function normalizeName(name) {
  const s = String(name ?? '').trim();
  if (!s) return '';
  const slash = s.lastIndexOf('/');
  return s.indexOf(':', slash + 1) === -1 ? `${s}:latest` : s;
}

export function findModel(models, requested) {
  const want = normalizeName(requested);
  return models.find((m) => normalizeName(m) === want) ?? null;
}

function familyOf(name) {
  const base = name.split(':')[0].split('/').pop().toLowerCase();
  for (const [re, family] of FAMILIES) if (re.test(base)) return family;
  return base.match(/^[a-z]+/)?.[0] ?? 'llama';
}

// Parameter count from a tag such as "1b", "0.5b", "8x7b", "270m".
function paramsOf(name) {
  const tag = (name.split(':')[1] ?? '').toLowerCase();
  const m = tag.match(/(?:(\d+)x)?(\d+(?:\.\d+)?)([bm])/);
  if (!m) return 7e9;
  const experts = m[1] ? Number(m[1]) : 1;
  return experts * Number(m[2]) * (m[3] === 'b' ? 1e9 : 1e6);
}

function parameterSize(params) {
  if (params >= 1e9) return `${(params / 1e9).toFixed(1)}B`;
  return `${(params / 1e6).toFixed(2)}M`;
}

export function describeModel(name) {
  const params = paramsOf(name);
  const family = familyOf(name);
  return {
    name,
    model: name,
    modified_at: MODIFIED_AT,
    size: Math.round(params * 0.6 + 30e6),
    digest: createHash('sha256').update(name).digest('hex'),
    details: {
      parent_model: '',
      format: 'gguf',
      family,
      families: [family],
      parameter_size: parameterSize(params),
      quantization_level: 'Q4_K_M',
    },
  };
}

export function tagsBody(models) {
  return { models: models.map(describeModel) };
}

export function openaiModelsBody(models) {
  return {
    object: 'list',
    data: models.map((id) => ({ id, object: 'model', created: CREATED_UNIX, owned_by: 'library' })),
  };
}

// keep_alive as Ollama takes it: seconds (number) or a Go duration string;
// negative keeps the model forever, zero unloads it.
export function keepAliveMs(value) {
  if (value === undefined || value === null || value === '') return DEFAULT_KEEP_ALIVE_MS;
  if (typeof value === 'number') return value * 1000;
  const m = String(value).trim().match(/^(-?\d+(?:\.\d+)?)(ms|s|m|h)?$/);
  if (!m) return DEFAULT_KEEP_ALIVE_MS;
  const scale = { ms: 1, s: 1000, m: 60000, h: 3600000 }[m[2] ?? 's'];
  return Number(m[1]) * scale;
}

// Records that `name` was used; `loaded` maps a name to its expiry (ms or Infinity).
export function touchModel(loaded, name, keepAlive) {
  const ms = keepAliveMs(keepAlive);
  if (ms === 0) loaded.delete(name);
  else loaded.set(name, ms < 0 ? Infinity : Date.now() + ms);
}

export function psBody(loaded) {
  const now = Date.now();
  const models = [];
  for (const [name, expires] of loaded) {
    if (expires <= now) { loaded.delete(name); continue; }
    const d = describeModel(name);
    models.push({
      name: d.name, model: d.model, size: d.size, digest: d.digest, details: d.details,
      expires_at: expires === Infinity ? FOREVER : new Date(expires).toISOString(),
      size_vram: d.size,
    });
  }
  return { models };
}
