-- 006 integrity (issue 11): ids are never reused, replies being generated
-- are known by their process, health probes are recorded.
--
-- SQLite hands out the highest rowid + 1, so after a delete the next row
-- gets the id of the one just deleted: a chat process still holding that
-- id (or a client) would then write to (or read) a stranger's row.
-- AUTOINCREMENT never reuses an id. A table cannot be changed to it in
-- place: each one whose id a client sees or a running process holds is
-- rebuilt (new table, copy, drop, rename: SQLite's own recipe), with its
-- indexes and triggers recreated as they were. lib/core/db runs every
-- migration with foreign keys off and checks them before it commits, so
-- dropping a table cascades nothing. The full-text indexes are keyed by
-- the same ids and are left as they are.
PRAGMA legacy_alter_table = ON;

CREATE TABLE users_new (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	username TEXT NOT NULL,
	username_key TEXT NOT NULL UNIQUE,          -- lower-case, for case-insensitive uniqueness
	password_hash TEXT NOT NULL,                -- libsodium crypto_pwhash_str (Argon2id)
	role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
	disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	last_login_at TEXT
);
INSERT INTO users_new SELECT * FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE TRIGGER ops_totals_users_ai AFTER INSERT ON users BEGIN
	UPDATE ops_totals SET n = n + 1 WHERE name = 'users';
END;
CREATE TRIGGER ops_totals_users_ad AFTER DELETE ON users BEGIN
	UPDATE ops_totals SET n = n - 1 WHERE name = 'users';
END;

CREATE TABLE sessions_new (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE,            -- BLAKE2b of the token; the token itself is never stored
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	expires_at INTEGER NOT NULL,                -- Unix seconds
	last_seen_at TEXT,                          -- 005: where and when it was used
	user_agent TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT ''
);
INSERT INTO sessions_new SELECT * FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE conversations_new (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	title TEXT NOT NULL DEFAULT '',
	model TEXT,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
INSERT INTO conversations_new SELECT * FROM conversations;
DROP TABLE conversations;
ALTER TABLE conversations_new RENAME TO conversations;
CREATE INDEX conversations_user_updated ON conversations(user_id, updated_at DESC, id DESC);
CREATE TRIGGER ops_totals_conversations_ai AFTER INSERT ON conversations BEGIN
	UPDATE ops_totals SET n = n + 1 WHERE name = 'conversations';
END;
CREATE TRIGGER ops_totals_conversations_ad AFTER DELETE ON conversations BEGIN
	UPDATE ops_totals SET n = n - 1 WHERE name = 'conversations';
END;

CREATE TABLE messages_new (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO messages_new SELECT * FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_conversation ON messages(conversation_id, id);
CREATE INDEX messages_created ON messages(created_at);
CREATE TRIGGER ops_messages_roll AFTER INSERT ON messages BEGIN
	INSERT INTO ops_roll(grain, t, messages)
	SELECT g, CAST(strftime('%s', NEW.created_at) AS INTEGER) / g * g, 1
	FROM (SELECT 3600 AS g UNION ALL SELECT 86400) WHERE 1
	ON CONFLICT (grain, t) DO UPDATE SET messages = messages + 1;
END;
CREATE TRIGGER ops_totals_messages_ai AFTER INSERT ON messages BEGIN
	UPDATE ops_totals SET n = n + 1 WHERE name = 'messages';
END;
CREATE TRIGGER ops_totals_messages_ad AFTER DELETE ON messages BEGIN
	UPDATE ops_totals SET n = n - 1 WHERE name = 'messages';
END;
-- Deleted means gone: what the NLU logged of a message (its text) goes
-- with it, before the foreign key would only unlink it. Rows deleted by
-- a cascade (a conversation deleted) fire this too.
CREATE TRIGGER messages_forget_nlu BEFORE DELETE ON messages BEGIN
	DELETE FROM nlu_log WHERE message_id = OLD.id;
END;

CREATE TABLE audit_log_new (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	actor TEXT NOT NULL,                        -- the name then, kept if the account goes
	action TEXT NOT NULL,                       -- 'setting', 'user.disable', 'user.enable', 'user.role'
	target TEXT NOT NULL,                       -- the setting's key or the account's name
	old_value TEXT,
	new_value TEXT,
	detail TEXT NOT NULL
);
INSERT INTO audit_log_new SELECT * FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_actor ON audit_log(actor_id);

-- A lease id is held by the chat process that took it, which deletes its
-- lease by id when it ends.
CREATE TABLE backend_leases_new (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	url TEXT NOT NULL REFERENCES backends(url) ON DELETE CASCADE,
	pid INTEGER NOT NULL,
	started_ms INTEGER NOT NULL,
	expires_ms INTEGER NOT NULL
);
INSERT INTO backend_leases_new SELECT * FROM backend_leases;
DROP TABLE backend_leases;
ALTER TABLE backend_leases_new RENAME TO backend_leases;
CREATE INDEX backend_leases_url ON backend_leases(url);

CREATE TABLE categories_new (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	synonyms TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(synonyms)),
	parent_id INTEGER REFERENCES categories(id) ON DELETE RESTRICT,
	CHECK (parent_id IS NULL OR parent_id <> id)
);
INSERT INTO categories_new SELECT * FROM categories;
DROP TABLE categories;
ALTER TABLE categories_new RENAME TO categories;
CREATE INDEX categories_parent ON categories(parent_id);
CREATE TRIGGER categories_au AFTER UPDATE OF name, name_en, synonyms ON categories BEGIN
	DELETE FROM products_fts WHERE rowid IN (SELECT id FROM products WHERE category_id = NEW.id);
	INSERT INTO products_fts(rowid, name, brand, category, description, features)
	SELECT p.id, p.name, p.brand, NEW.name || ' ' || NEW.name_en || ' ' || NEW.synonyms,
	       p.description, p.features
	FROM products p WHERE p.category_id = NEW.id;
END;

CREATE TABLE products_new (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	sku TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	category_id INTEGER NOT NULL REFERENCES categories(id) ON DELETE RESTRICT,
	brand TEXT NOT NULL,
	price INTEGER NOT NULL CHECK (price >= 0),           -- Chilean pesos, no decimals
	stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
	active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	description TEXT NOT NULL DEFAULT '',
	features TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(features)), -- lowercase strings
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
INSERT INTO products_new SELECT * FROM products;
DROP TABLE products;
ALTER TABLE products_new RENAME TO products;
CREATE INDEX products_category_price ON products(category_id, active, price);
CREATE INDEX products_brand_price ON products(brand COLLATE NOCASE, active, price);
CREATE INDEX products_active_price ON products(active, price);
CREATE TRIGGER products_ai AFTER INSERT ON products BEGIN
	INSERT INTO products_fts(rowid, name, brand, category, description, features)
	SELECT NEW.id, NEW.name, NEW.brand,
	       c.name || ' ' || c.name_en || ' ' || c.synonyms, NEW.description, NEW.features
	FROM categories c WHERE c.id = NEW.category_id;
	INSERT OR IGNORE INTO product_features(feature, product_id)
	SELECT value, NEW.id FROM json_each(NEW.features) WHERE value <> '';
END;
CREATE TRIGGER products_au AFTER UPDATE ON products BEGIN
	DELETE FROM products_fts WHERE rowid = OLD.id;
	INSERT INTO products_fts(rowid, name, brand, category, description, features)
	SELECT NEW.id, NEW.name, NEW.brand,
	       c.name || ' ' || c.name_en || ' ' || c.synonyms, NEW.description, NEW.features
	FROM categories c WHERE c.id = NEW.category_id;
	DELETE FROM product_features WHERE product_id = OLD.id;
	INSERT OR IGNORE INTO product_features(feature, product_id)
	SELECT value, NEW.id FROM json_each(NEW.features) WHERE value <> '';
END;
CREATE TRIGGER products_ad AFTER DELETE ON products BEGIN
	DELETE FROM products_fts WHERE rowid = OLD.id;
END;

CREATE TABLE offices_new (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	municipio TEXT NOT NULL UNIQUE COLLATE NOCASE,
	localidades TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(localidades)),
	cabecera TEXT NOT NULL DEFAULT '',
	dependencia TEXT NOT NULL DEFAULT '',
	direccion TEXT NOT NULL DEFAULT '',
	telefono TEXT NOT NULL DEFAULT '',
	whatsapp TEXT NOT NULL DEFAULT '',
	horario TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
INSERT INTO offices_new SELECT * FROM offices;
DROP TABLE offices;
ALTER TABLE offices_new RENAME TO offices;
CREATE TRIGGER offices_ai AFTER INSERT ON offices BEGIN
	INSERT INTO offices_fts(rowid, municipio, localidades, cabecera, dependencia, direccion)
	VALUES (NEW.id, NEW.municipio, NEW.localidades, NEW.cabecera, NEW.dependencia, NEW.direccion);
	INSERT OR IGNORE INTO localities(name, office_id)
	SELECT value, NEW.id FROM json_each(NEW.localidades) WHERE value <> '';
END;
CREATE TRIGGER offices_au AFTER UPDATE ON offices BEGIN
	DELETE FROM offices_fts WHERE rowid = OLD.id;
	INSERT INTO offices_fts(rowid, municipio, localidades, cabecera, dependencia, direccion)
	VALUES (NEW.id, NEW.municipio, NEW.localidades, NEW.cabecera, NEW.dependencia, NEW.direccion);
	DELETE FROM localities WHERE office_id = OLD.id;
	INSERT OR IGNORE INTO localities(name, office_id)
	SELECT value, NEW.id FROM json_each(NEW.localidades) WHERE value <> '';
END;
CREATE TRIGGER offices_ad AFTER DELETE ON offices BEGIN
	DELETE FROM offices_fts WHERE rowid = OLD.id;
END;

PRAGMA legacy_alter_table = OFF;

-- Replies being generated, one row each while its chat process runs
-- (lib/chat/streams.c): the process, and a heartbeat it renews. A reply
-- whose process is gone, or whose heartbeat stopped, is settled as
-- 'partial' by whoever reads it next; the rows also count the replies a
-- user has in flight (max_streams_per_user).
CREATE TABLE reply_streams (
	message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	pid INTEGER NOT NULL,
	started_ms INTEGER NOT NULL,                -- Unix ms
	heartbeat_ms INTEGER NOT NULL
);
CREATE INDEX reply_streams_user ON reply_streams(user_id);
-- The few replies being written, found without reading the rest.
CREATE INDEX messages_streaming ON messages(conversation_id) WHERE status = 'streaming';

-- The last health probe of each backend (lib/models/backend.c): health
-- answers from these, probing again at most once per health_probe_ms.
ALTER TABLE backends ADD COLUMN probe_at_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE backends ADD COLUMN probe_ok INTEGER CHECK (probe_ok IN (0, 1));
ALTER TABLE backends ADD COLUMN probe_latency_ms INTEGER;
ALTER TABLE backends ADD COLUMN probe_error TEXT;
