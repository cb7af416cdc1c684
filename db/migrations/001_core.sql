-- 001 core: accounts, sessions, login throttling, conversations, messages, settings.
CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL,
	username_key TEXT NOT NULL UNIQUE,          -- lower-case, for case-insensitive uniqueness
	password_hash TEXT NOT NULL,                -- libsodium crypto_pwhash_str (Argon2id)
	role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	last_login_at TEXT
);

CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE,            -- BLAKE2b of the token; the token itself is never stored
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	expires_at INTEGER NOT NULL                 -- Unix seconds
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
	id INTEGER PRIMARY KEY,
	key TEXT NOT NULL,                          -- 'user:<name>' or 'addr:<ip>'
	at INTEGER NOT NULL                         -- Unix seconds
);
CREATE INDEX login_failures_key_at ON login_failures(key, at);

CREATE TABLE conversations (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	title TEXT NOT NULL DEFAULT '',
	model TEXT,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX conversations_user_updated ON conversations(user_id, updated_at DESC, id DESC);

CREATE TABLE messages (
	id INTEGER PRIMARY KEY,
	conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
	content TEXT NOT NULL DEFAULT '',
	model TEXT,
	status TEXT NOT NULL DEFAULT 'done'
		CHECK (status IN ('done', 'streaming', 'stopped', 'partial', 'error', 'fallback')),
	error_code TEXT,
	cancel_requested INTEGER NOT NULL DEFAULT 0,
	eval_count INTEGER,
	prompt_eval_count INTEGER,
	duration_ms INTEGER,
	first_token_ms INTEGER,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX messages_conversation ON messages(conversation_id, id);
CREATE INDEX messages_created ON messages(created_at);

-- Admin-editable settings (system prompt, defaults, open registration).
CREATE TABLE settings (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL,
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL
);
INSERT INTO settings(key, value) VALUES
	('system_prompt', 'Eres microchat, un asistente útil y preciso. Responde en el idioma del usuario (español de Chile o Argentina, o inglés). Usa Markdown cuando ayude. Cuando recibas datos del catálogo o del directorio de oficinas, respóndelos con esos datos y no inventes productos, precios ni direcciones.'),
	('default_model', ''),
	('temperature', '0.7'),
	('top_p', '0.9'),
	('num_predict', '1024'),
	('open_registration', '1');
