-- 008: what people expect of a chat app: versions of messages (regenerate,
-- edit, continue), feedback on replies, pinned and archived conversations,
-- read-only share links, per-user quotas and the administrator's password
-- reset. Columns are added to the tables of 001, never rebuilt (006
-- rebuilds them and keeps their ids).

-- Messages form a tree. parent_id is the message before this one on its
-- path (NULL for a conversation's first); a message's versions are its
-- siblings (same conversation, parent and role), oldest first; selected
-- marks the version each parent goes on with, so the current path runs
-- from the selected first message through selected children, and only that
-- path is ever given to the model. No foreign key: a message and its
-- children always go together (a conversation is cleared or deleted whole),
-- and a cascade along a long chain would recurse once per message.
ALTER TABLE messages ADD COLUMN parent_id INTEGER;
ALTER TABLE messages ADD COLUMN selected INTEGER NOT NULL DEFAULT 1 CHECK (selected IN (0, 1));
-- Brought in by /cgi-bin/import rather than sent here: quotas leave it out.
ALTER TABLE messages ADD COLUMN imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
-- What was there: each message follows the one before it.
UPDATE messages SET parent_id = (SELECT max(p.id) FROM messages p
	WHERE p.conversation_id = messages.conversation_id AND p.id < messages.id);
CREATE INDEX messages_parent ON messages(conversation_id, parent_id, role, id);

-- An imported message is history from elsewhere, not activity here: the
-- dashboard's messages per hour and day (003) leave it out.
DROP TRIGGER IF EXISTS ops_messages_roll;
CREATE TRIGGER ops_messages_roll AFTER INSERT ON messages WHEN NEW.imported = 0 BEGIN
	INSERT INTO ops_roll(grain, t, messages)
	SELECT g, CAST(strftime('%s', NEW.created_at) AS INTEGER) / g * g, 1
	FROM (SELECT 3600 AS g UNION ALL SELECT 86400) WHERE 1
	ON CONFLICT (grain, t) DO UPDATE SET messages = messages + 1;
END;

-- Pinned ones first in the list; archived ones out of it (archived=1 lists them).
ALTER TABLE conversations ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1));
ALTER TABLE conversations ADD COLUMN archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1));
CREATE INDEX conversations_user_list ON conversations(user_id, archived, pinned DESC, updated_at DESC, id DESC);

-- A password an administrator reset must be changed at the next login; a
-- quota of the user's own (NULL: the setting for everyone, 0: no limit).
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
	CHECK (must_change_password IN (0, 1));
ALTER TABLE users ADD COLUMN quota_messages_per_day INTEGER CHECK (quota_messages_per_day >= 0);
ALTER TABLE users ADD COLUMN quota_tokens_per_day INTEGER CHECK (quota_tokens_per_day >= 0);

-- Thumbs up or down on a reply, with an optional comment; one per reply.
CREATE TABLE feedback (
	message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
	comment TEXT NOT NULL DEFAULT '' CHECK (length(CAST(comment AS BLOB)) <= 2000),
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX feedback_updated ON feedback(updated_at);

-- A read-only link to a conversation: the path up to upto_message_id (the
-- last message when it was shared; later ones stay private). The token is
-- kept for its owner to copy again, and looked up by its hash. Revoked by
-- deleting the row; gone with the conversation.
CREATE TABLE shares (
	conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
	token TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	upto_message_id INTEGER NOT NULL,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
