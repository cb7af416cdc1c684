-- 004 backends: the state of each model backend of the pool, shared by every
-- CGI process (lib/models/backend.c). Times are Unix milliseconds. A backend is
-- known by its URL as configured, without any user:password part.
CREATE TABLE backends (
	url TEXT PRIMARY KEY,
	-- Circuit breaker: closed (in use), open (kept away until the cool-down
	-- has passed), half_open (one probe request is finding out).
	breaker TEXT NOT NULL DEFAULT 'closed' CHECK (breaker IN ('closed', 'open', 'half_open')),
	consecutive_failures INTEGER NOT NULL DEFAULT 0,
	opened_at_ms INTEGER NOT NULL DEFAULT 0,
	-- Round-robin among backends with as few requests in flight: the one
	-- picked longest ago (a pool-wide sequence number) goes first.
	last_pick INTEGER NOT NULL DEFAULT 0,
	requests INTEGER NOT NULL DEFAULT 0,        -- chat attempts sent here
	failures INTEGER NOT NULL DEFAULT 0,        -- of which failed by the backend's fault
	latency_ms REAL,                            -- smoothed time to the first token
	last_ok_at_ms INTEGER,
	last_error TEXT,
	last_error_at_ms INTEGER,
	-- The model list: when it was last fetched or tried (or claimed by a
	-- process about to fetch it), and whether one was ever received.
	models_checked_ms INTEGER NOT NULL DEFAULT 0,
	models_known INTEGER NOT NULL DEFAULT 0 CHECK (models_known IN (0, 1)),
	models_latency_ms INTEGER,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- The cached model list of each backend (from /api/tags or /v1/models).
CREATE TABLE backend_models (
	url TEXT NOT NULL REFERENCES backends(url) ON DELETE CASCADE,
	name TEXT NOT NULL,
	info TEXT NOT NULL,                         -- the API.md model object, JSON
	position INTEGER NOT NULL,                  -- order in the backend's list
	PRIMARY KEY (url, name)
) WITHOUT ROWID;
CREATE INDEX backend_models_name ON backend_models(name);

-- Requests in flight: one row per chat attempt while it runs. A row whose
-- process is gone (or that outlived the time limit) no longer counts.
CREATE TABLE backend_leases (
	id INTEGER PRIMARY KEY,
	url TEXT NOT NULL REFERENCES backends(url) ON DELETE CASCADE,
	pid INTEGER NOT NULL,
	started_ms INTEGER NOT NULL,
	expires_ms INTEGER NOT NULL
);
CREATE INDEX backend_leases_url ON backend_leases(url);

-- Recent failures (the last hour), for health and the dashboard.
CREATE TABLE backend_failures (
	id INTEGER PRIMARY KEY,
	url TEXT NOT NULL REFERENCES backends(url) ON DELETE CASCADE,
	at_ms INTEGER NOT NULL,
	what TEXT NOT NULL CHECK (what IN ('chat', 'models')),
	code TEXT,
	message TEXT
);
CREATE INDEX backend_failures_url_at ON backend_failures(url, at_ms);
