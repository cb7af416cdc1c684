// errors.js — turns an ApiError (or any failure) into a sentence for the user.

import { t, has } from './i18n.js';
import { dateTime } from './format.js';

// Codes with a friendlier translated sentence; for the rest the server's message is shown.
const FRIENDLY = new Set([
  'network', 'rate_limited', 'llm_unavailable', 'llm_timeout', 'unauthorized', 'forbidden',
  'payload_too_large', 'internal', 'not_found', 'bad_response', 'stream_interrupted',
  'too_many_streams', 'misdirected_request',
]);

// Codes whose server message says nothing the translation does not already say.
const PLAIN = new Set(['network', 'rate_limited', 'unauthorized']);

// detail=true adds the server's own words in brackets when a translation replaced them.
export function describeError(err, { detail = false } = {}) {
  const code = err?.code || 'internal';
  // A used-up quota says when it comes back, in the reader's time.
  if (code === 'quota_exceeded') {
    const reset = err.body?.reset_at || err.body?.error?.reset_at;
    return reset ? t('error.quota_exceeded_until', { when: dateTime(reset) }) : t('error.quota_exceeded');
  }
  const friendly = FRIENDLY.has(code) && has(`error.${code}`);
  let text = friendly ? t(`error.${code}`) : (err?.message || t('error.internal'));
  if (friendly && detail && err?.message && !PLAIN.has(code)) text += ` (${err.message})`;
  if (err?.retryAfter !== null && err?.retryAfter !== undefined && err.status === 429) {
    text += ` ${t('error.retry_in', { s: err.retryAfter })}`;
  }
  return text;
}
