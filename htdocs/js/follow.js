// follow.js — follows a reply that is still being written by another request (after a
// reload, or when our stream broke): reads the conversation once a second and updates
// the bubble until the message is no longer "streaming".

import { getJSON } from './api.js';
import { sleep } from './dom.js';
import { t } from './i18n.js';
import { describeError } from './errors.js';

const HISTORY = 'cgi-bin/history';
const POLL_MS = 1000;
const POLL_IDLE_LIMIT = 180; // polls without any change before we stop following

// The message with that id, else the conversation's last assistant message.
export function findMessage(messages, id) {
  const list = Array.isArray(messages) ? messages : [];
  if (id !== null && id !== undefined) {
    const byId = list.find((m) => String(m.id) === String(id));
    if (byId) return byId;
  }
  return [...list].reverse().find((m) => m.role === 'assistant') || null;
}

// poll: { convId, messageId, bubble, abort (AbortController), stopRequested }.
// Returns when the reply ended, the poll was aborted, or following became pointless.
export async function pollReply(poll) {
  const { signal } = poll.abort;
  let failures = 0;
  let idle = 0;
  let lastText = null;
  while (!signal.aborted) {
    await sleep(POLL_MS, signal);
    if (signal.aborted) return;
    let data;
    try {
      data = await getJSON(HISTORY, { id: poll.convId }, { signal });
      failures = 0;
    } catch (err) {
      if (err.name === 'AbortError' || err.status === 401 || err.status === 404) return;
      failures += 1;
      if (failures >= 5) return poll.bubble.finish('partial', () => describeError(err), 'warn');
      continue;
    }
    const message = findMessage(data.messages, poll.messageId);
    if (!message) return poll.bubble.finish('partial');
    idle = message.content === lastText ? idle + 1 : 0;
    lastText = message.content;
    poll.bubble.update(message);
    if (message.status !== 'streaming') return poll.bubble.finish(message.status);
    if (idle >= POLL_IDLE_LIMIT || (poll.stopRequested && idle >= 5)) {
      return poll.bubble.finish(poll.stopRequested ? 'stopped' : 'partial', () => t('chat.gave_up'), 'warn');
    }
  }
}
