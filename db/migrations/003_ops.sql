-- 003 ops: one row per request and per model call, roll-ups per hour and
-- per day kept in step by triggers (so that the stats program reads a few
-- thousand rows whatever the size of the logs), and the audit log of what
-- administrators changed.
--
-- Every roll-up table has a grain (3600: an hour, 86400: a day, UTC) and t,
-- the Unix second its bucket starts. A row's bucket is fixed when it is
-- written, so the roll-ups stay exact; retention deletes whole old days from
-- the logs and the roll-ups alike (lib/core/metrics.c).
--
-- Percentiles: latencies are counted per bin (lib/ops/pctl.c: exact below 128 ms,
-- then 64 bins per doubling). The roll-ups say in which bin the wanted rank
-- falls; the log's (bin, time, value) index then gives the exact value at
-- that rank by reading only that bin's rows.

CREATE TABLE ops_requests (
	id INTEGER PRIMARY KEY,
	at_ms INTEGER NOT NULL,                     -- Unix ms when the request ended
	program TEXT NOT NULL,
	method TEXT NOT NULL,
	status INTEGER NOT NULL,
	error_code TEXT,                            -- the API error answered (or the model's, for a chat)
	duration_ms INTEGER NOT NULL,
	user_id INTEGER                             -- no foreign key: the log outlives accounts
);
CREATE INDEX ops_requests_at ON ops_requests(at_ms);

CREATE TABLE ops_llm_calls (
	id INTEGER PRIMARY KEY,
	request_id INTEGER,                         -- ops_requests.id of the same request
	at_ms INTEGER NOT NULL,
	backend TEXT NOT NULL,
	model TEXT NOT NULL,
	first_token_ms INTEGER CHECK (first_token_ms BETWEEN 0 AND 2147483647), -- NULL: no token came
	total_ms INTEGER NOT NULL CHECK (total_ms BETWEEN 0 AND 2147483647),
	prompt_tokens INTEGER NOT NULL DEFAULT 0,
	reply_tokens INTEGER NOT NULL DEFAULT 0,
	gen_ns INTEGER NOT NULL DEFAULT 0,          -- the model's own generation time; 0 unknown
	outcome TEXT NOT NULL CHECK (outcome IN ('done', 'stopped', 'partial', 'error')),
	error_code TEXT,
	tokens_per_second REAL GENERATED ALWAYS AS
		(CASE WHEN gen_ns > 0 AND reply_tokens > 0 THEN reply_tokens * 1e9 / gen_ns END) VIRTUAL,
	-- pctl_bin() of lib/ops/pctl.c, written in SQL: e is how many doublings
	-- above 127 the value is, the bin e * 64 + (value >> e).
	lat_e INTEGER GENERATED ALWAYS AS (
		(total_ms >= 128) + (total_ms >= 256) + (total_ms >= 512) + (total_ms >= 1024) +
		(total_ms >= 2048) + (total_ms >= 4096) + (total_ms >= 8192) + (total_ms >= 16384) +
		(total_ms >= 32768) + (total_ms >= 65536) + (total_ms >= 131072) + (total_ms >= 262144) +
		(total_ms >= 524288) + (total_ms >= 1048576) + (total_ms >= 2097152) + (total_ms >= 4194304) +
		(total_ms >= 8388608) + (total_ms >= 16777216) + (total_ms >= 33554432) + (total_ms >= 67108864) +
		(total_ms >= 134217728) + (total_ms >= 268435456) + (total_ms >= 536870912) + (total_ms >= 1073741824)) VIRTUAL,
	-- Latency counts complete replies only.
	lat_bin INTEGER GENERATED ALWAYS AS
		(CASE WHEN outcome = 'done' THEN lat_e * 64 + (total_ms >> lat_e) END) VIRTUAL,
	ft_e INTEGER GENERATED ALWAYS AS (
		(first_token_ms >= 128) + (first_token_ms >= 256) + (first_token_ms >= 512) + (first_token_ms >= 1024) +
		(first_token_ms >= 2048) + (first_token_ms >= 4096) + (first_token_ms >= 8192) + (first_token_ms >= 16384) +
		(first_token_ms >= 32768) + (first_token_ms >= 65536) + (first_token_ms >= 131072) + (first_token_ms >= 262144) +
		(first_token_ms >= 524288) + (first_token_ms >= 1048576) + (first_token_ms >= 2097152) + (first_token_ms >= 4194304) +
		(first_token_ms >= 8388608) + (first_token_ms >= 16777216) + (first_token_ms >= 33554432) + (first_token_ms >= 67108864) +
		(first_token_ms >= 134217728) + (first_token_ms >= 268435456) + (first_token_ms >= 536870912) + (first_token_ms >= 1073741824)) VIRTUAL,
	ft_bin INTEGER GENERATED ALWAYS AS
		(CASE WHEN first_token_ms IS NOT NULL THEN ft_e * 64 + (first_token_ms >> ft_e) END) VIRTUAL
);
CREATE INDEX ops_llm_calls_at ON ops_llm_calls(at_ms);
CREATE INDEX ops_llm_calls_lat ON ops_llm_calls(lat_bin, at_ms, total_ms) WHERE lat_bin IS NOT NULL;
CREATE INDEX ops_llm_calls_ft ON ops_llm_calls(ft_bin, at_ms, first_token_ms) WHERE ft_bin IS NOT NULL;

-- Counts per bucket.
CREATE TABLE ops_roll (
	grain INTEGER NOT NULL,
	t INTEGER NOT NULL,
	requests INTEGER NOT NULL DEFAULT 0,
	request_errors INTEGER NOT NULL DEFAULT 0,
	messages INTEGER NOT NULL DEFAULT 0,
	calls INTEGER NOT NULL DEFAULT 0,
	call_failures INTEGER NOT NULL DEFAULT 0,
	tps_tokens INTEGER NOT NULL DEFAULT 0,      -- reply tokens of calls with a known generation time
	tps_ns INTEGER NOT NULL DEFAULT 0,          -- and that time
	PRIMARY KEY (grain, t)
) WITHOUT ROWID;

-- Latency (metric 0) and time to first token (metric 1) samples per bin.
CREATE TABLE ops_roll_bins (
	grain INTEGER NOT NULL,
	metric INTEGER NOT NULL CHECK (metric IN (0, 1)),
	t INTEGER NOT NULL,
	bin INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (grain, metric, t, bin)
) WITHOUT ROWID;

CREATE TABLE ops_roll_models (
	grain INTEGER NOT NULL,
	t INTEGER NOT NULL,
	model TEXT NOT NULL,
	calls INTEGER NOT NULL,
	PRIMARY KEY (grain, t, model)
) WITHOUT ROWID;

CREATE TABLE ops_roll_errors (
	grain INTEGER NOT NULL,
	t INTEGER NOT NULL,
	code TEXT NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (grain, t, code)
) WITHOUT ROWID;

CREATE TABLE ops_roll_backends (
	grain INTEGER NOT NULL,
	t INTEGER NOT NULL,
	backend TEXT NOT NULL,
	calls INTEGER NOT NULL,
	failures INTEGER NOT NULL,
	total_ms INTEGER NOT NULL,
	PRIMARY KEY (grain, t, backend)
) WITHOUT ROWID;

CREATE TABLE ops_roll_intents (
	grain INTEGER NOT NULL,
	t INTEGER NOT NULL,
	intent TEXT NOT NULL,
	n INTEGER NOT NULL,
	confidence_sum REAL NOT NULL,
	PRIMARY KEY (grain, t, intent)
) WITHOUT ROWID;

CREATE TABLE ops_roll_products (
	grain INTEGER NOT NULL,
	t INTEGER NOT NULL,
	product_id INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (grain, t, product_id)
) WITHOUT ROWID;

CREATE TRIGGER ops_requests_roll AFTER INSERT ON ops_requests BEGIN
	INSERT INTO ops_roll(grain, t, requests, request_errors)
	VALUES (3600, NEW.at_ms / 3600000 * 3600, 1, NEW.error_code IS NOT NULL),
	       (86400, NEW.at_ms / 86400000 * 86400, 1, NEW.error_code IS NOT NULL)
	ON CONFLICT (grain, t) DO UPDATE SET requests = requests + 1,
		request_errors = request_errors + excluded.request_errors;
END;
CREATE TRIGGER ops_requests_errors AFTER INSERT ON ops_requests WHEN NEW.error_code IS NOT NULL BEGIN
	INSERT INTO ops_roll_errors(grain, t, code, n)
	VALUES (3600, NEW.at_ms / 3600000 * 3600, NEW.error_code, 1),
	       (86400, NEW.at_ms / 86400000 * 86400, NEW.error_code, 1)
	ON CONFLICT (grain, t, code) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ops_llm_calls_roll AFTER INSERT ON ops_llm_calls BEGIN
	INSERT INTO ops_roll(grain, t, calls, call_failures, tps_tokens, tps_ns)
	SELECT g, NEW.at_ms / (g * 1000) * g, 1, NEW.error_code IS NOT NULL,
	       iif(NEW.tokens_per_second IS NULL, 0, NEW.reply_tokens),
	       iif(NEW.tokens_per_second IS NULL, 0, NEW.gen_ns)
	FROM (SELECT 3600 AS g UNION ALL SELECT 86400) WHERE 1
	ON CONFLICT (grain, t) DO UPDATE SET calls = calls + 1,
		call_failures = call_failures + excluded.call_failures,
		tps_tokens = tps_tokens + excluded.tps_tokens, tps_ns = tps_ns + excluded.tps_ns;
	INSERT INTO ops_roll_models(grain, t, model, calls)
	VALUES (3600, NEW.at_ms / 3600000 * 3600, NEW.model, 1),
	       (86400, NEW.at_ms / 86400000 * 86400, NEW.model, 1)
	ON CONFLICT (grain, t, model) DO UPDATE SET calls = calls + 1;
	INSERT INTO ops_roll_backends(grain, t, backend, calls, failures, total_ms)
	SELECT g, NEW.at_ms / (g * 1000) * g, NEW.backend, 1, NEW.error_code IS NOT NULL, NEW.total_ms
	FROM (SELECT 3600 AS g UNION ALL SELECT 86400) WHERE 1
	ON CONFLICT (grain, t, backend) DO UPDATE SET calls = calls + 1,
		failures = failures + excluded.failures, total_ms = total_ms + excluded.total_ms;
END;
CREATE TRIGGER ops_llm_calls_lat AFTER INSERT ON ops_llm_calls WHEN NEW.lat_bin IS NOT NULL BEGIN
	INSERT INTO ops_roll_bins(grain, metric, t, bin, n)
	VALUES (3600, 0, NEW.at_ms / 3600000 * 3600, NEW.lat_bin, 1),
	       (86400, 0, NEW.at_ms / 86400000 * 86400, NEW.lat_bin, 1)
	ON CONFLICT (grain, metric, t, bin) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ops_llm_calls_ft AFTER INSERT ON ops_llm_calls WHEN NEW.ft_bin IS NOT NULL BEGIN
	INSERT INTO ops_roll_bins(grain, metric, t, bin, n)
	VALUES (3600, 1, NEW.at_ms / 3600000 * 3600, NEW.ft_bin, 1),
	       (86400, 1, NEW.at_ms / 86400000 * 86400, NEW.ft_bin, 1)
	ON CONFLICT (grain, metric, t, bin) DO UPDATE SET n = n + 1;
END;

-- Messages, intents and products come from the tables of 001 and 002.
CREATE TRIGGER ops_messages_roll AFTER INSERT ON messages BEGIN
	INSERT INTO ops_roll(grain, t, messages)
	SELECT g, CAST(strftime('%s', NEW.created_at) AS INTEGER) / g * g, 1
	FROM (SELECT 3600 AS g UNION ALL SELECT 86400) WHERE 1
	ON CONFLICT (grain, t) DO UPDATE SET messages = messages + 1;
END;
CREATE TRIGGER ops_nlu_log_roll AFTER INSERT ON nlu_log BEGIN
	INSERT INTO ops_roll_intents(grain, t, intent, n, confidence_sum)
	SELECT g, CAST(strftime('%s', NEW.created_at) AS INTEGER) / g * g, NEW.intent, 1, NEW.confidence
	FROM (SELECT 3600 AS g UNION ALL SELECT 86400) WHERE 1
	ON CONFLICT (grain, t, intent) DO UPDATE SET n = n + 1,
		confidence_sum = confidence_sum + excluded.confidence_sum;
END;
CREATE TRIGGER ops_nlu_log_products_roll AFTER INSERT ON nlu_log_products BEGIN
	INSERT INTO ops_roll_products(grain, t, product_id, n)
	SELECT g, CAST(strftime('%s', l.created_at) AS INTEGER) / g * g, NEW.product_id, 1
	FROM nlu_log l, (SELECT 3600 AS g UNION ALL SELECT 86400) WHERE l.id = NEW.log_id
	ON CONFLICT (grain, t, product_id) DO UPDATE SET n = n + 1;
END;

-- Running totals of what the tables hold, so that the dashboard does not
-- count a million rows on every refresh (a cascade fires these too).
CREATE TABLE ops_totals (
	name TEXT PRIMARY KEY,
	n INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO ops_totals(name, n) VALUES
	('users', (SELECT count(*) FROM users)),
	('conversations', (SELECT count(*) FROM conversations)),
	('messages', (SELECT count(*) FROM messages));
CREATE TRIGGER ops_totals_users_ai AFTER INSERT ON users BEGIN
	UPDATE ops_totals SET n = n + 1 WHERE name = 'users';
END;
CREATE TRIGGER ops_totals_users_ad AFTER DELETE ON users BEGIN
	UPDATE ops_totals SET n = n - 1 WHERE name = 'users';
END;
CREATE TRIGGER ops_totals_conversations_ai AFTER INSERT ON conversations BEGIN
	UPDATE ops_totals SET n = n + 1 WHERE name = 'conversations';
END;
CREATE TRIGGER ops_totals_conversations_ad AFTER DELETE ON conversations BEGIN
	UPDATE ops_totals SET n = n - 1 WHERE name = 'conversations';
END;
CREATE TRIGGER ops_totals_messages_ai AFTER INSERT ON messages BEGIN
	UPDATE ops_totals SET n = n + 1 WHERE name = 'messages';
END;
CREATE TRIGGER ops_totals_messages_ad AFTER DELETE ON messages BEGIN
	UPDATE ops_totals SET n = n - 1 WHERE name = 'messages';
END;

-- What was already there when this migration runs.
INSERT INTO ops_roll(grain, t, messages)
SELECT g, CAST(strftime('%s', m.created_at) AS INTEGER) / g * g AS b, count(*)
FROM messages m, (SELECT 3600 AS g UNION ALL SELECT 86400) GROUP BY g, b;
INSERT INTO ops_roll_intents(grain, t, intent, n, confidence_sum)
SELECT g, CAST(strftime('%s', l.created_at) AS INTEGER) / g * g AS b, l.intent, count(*), sum(l.confidence)
FROM nlu_log l, (SELECT 3600 AS g UNION ALL SELECT 86400) GROUP BY g, b, l.intent;
INSERT INTO ops_roll_products(grain, t, product_id, n)
SELECT g, CAST(strftime('%s', l.created_at) AS INTEGER) / g * g AS b, p.product_id, count(*)
FROM nlu_log_products p JOIN nlu_log l ON l.id = p.log_id, (SELECT 3600 AS g UNION ALL SELECT 86400)
GROUP BY g, b, p.product_id;

-- Every change an administrator makes (settings, accounts): who and when.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	actor TEXT NOT NULL,                        -- the name then, kept if the account goes
	action TEXT NOT NULL,                       -- 'setting', 'user.disable', 'user.enable', 'user.role'
	target TEXT NOT NULL,                       -- the setting's key or the account's name
	old_value TEXT,
	new_value TEXT,
	detail TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor_id);
