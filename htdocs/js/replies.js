// replies.js — what the buttons of a message do: regenerate a reply, edit a question,
// continue a cut-off reply, retry a failed one (each streamed like a chat by chat.js),
// switch between versions, and rate a reply. ctx is chat.js's view of the conversation.

import { getJSON, postForm } from './api.js';
import { describeError } from './errors.js';
import { t } from './i18n.js';
import { toast } from './toast.js';

const HISTORY = 'cgi-bin/history';

export function replyHandlers(ctx) {
  const ready = () => !ctx.busy() && ctx.conversation();

  // The reply is replaced in the view by its new version, streamed in.
  function newReply(bubble, action) {
    if (!ready() || !bubble.id()) return;
    const at = ctx.bubbles().indexOf(bubble);
    const user = ctx.bubbles()[at - 1] || null;
    ctx.removeFrom(bubble);
    const model = ctx.model();
    const reply = ctx.addBubble({ role: 'assistant', status: 'streaming', model });
    ctx.stream({ fields: { action, message_id: bubble.id(), model: model || undefined }, user, bubble: reply,
      text: user?.text || '' });
  }

  async function reload(convId) {
    if (!convId || convId !== ctx.conversation()) return;
    try {
      const data = await getJSON(HISTORY, { id: convId });
      if (convId === ctx.conversation()) ctx.show(data);
    } catch {
      /* the view keeps what it shows */
    }
  }

  return {
    busy: ctx.busy,
    reload,
    regenerate: (bubble) => newReply(bubble, 'regenerate'),
    retry: (bubble) => newReply(bubble, 'regenerate'),
    continue: (bubble) => newReply(bubble, 'continue'),

    // The question is replaced by its new version and a new reply to it.
    edit(bubble, text) {
      if (!ready() || !bubble.id() || !text.trim()) return;
      ctx.removeFrom(bubble);
      const model = ctx.model();
      const user = ctx.addBubble({ role: 'user', content: text, status: 'done' });
      const reply = ctx.addBubble({ role: 'assistant', status: 'streaming', model });
      ctx.stream({ fields: { action: 'edit', message_id: bubble.id(), message: text, model: model || undefined },
        user, bubble: reply, text });
    },

    async switchTo(bubble, messageId) {
      const convId = ctx.conversation();
      if (!ready()) return;
      try {
        ctx.show(await postForm(HISTORY, { action: 'switch', id: convId, message_id: messageId }));
      } catch (err) {
        if (err.status !== 401) toast(describeError(err), 'error');
      }
    },

    // rating: 'up', 'down' or 'none'. Answers the feedback stored (null when none).
    async rate(bubble, rating, comment = '') {
      try {
        const data = await postForm('cgi-bin/feedback', { message_id: bubble.id(), rating, comment });
        if (rating !== 'none') toast(t('feedback.thanks'));
        return data.feedback;
      } catch (err) {
        if (err.status !== 401) toast(describeError(err), 'error');
        throw err;
      }
    },
  };
}
