-- Thirty days of a busy microchat for bench/stats-bench.sh, in a freshly
-- migrated and seeded database: 2 000 users, 100 000 conversations,
-- 1 000 000 messages (half asked, half answered), 500 000 NLU log rows,
-- 1 000 000 requests of which 500 000 are chats with their model calls.
-- Every row goes in through the real schema, so the triggers of migration
-- 003 build the roll-ups exactly as the programs would.
-- Latencies are log-normal: first token around 400 ms, whole replies
-- around 6 s with a long tail; 1 % of calls fail, 1 % break off, 1 % are
-- stopped.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;

-- The bench's administrator registered first (through the register
-- program); the generated rows go after whatever is already there.
CREATE TEMP TABLE bench_now AS
SELECT CAST(strftime('%s', 'now') AS INTEGER) * 1000 AS ms, 30 * 86400000 AS span,
       (SELECT coalesce(max(id), 0) FROM ops_requests) AS req0,
       (SELECT coalesce(max(id), 0) FROM nlu_log) AS nlu0;

BEGIN;
INSERT INTO users(username, username_key, password_hash, created_at)
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000)
SELECT 'bench' || x, 'bench' || x, '$argon2id$v=19$m=19456,t=2,p=1$bench$bench',
       strftime('%Y-%m-%dT%H:%M:%SZ', (SELECT ms - span FROM bench_now) / 1000, 'unixepoch')
FROM n;

INSERT INTO conversations(user_id, title, model, created_at, updated_at)
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000)
SELECT (SELECT min(id) FROM users) + abs(random()) % 2000, 'conversation ' || x, 'llama3.2:3b',
       strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM n;
COMMIT;

-- The chats: one time stamp each, then the rows that share it. z1 and z2
-- are standard normal values (twelve uniforms, Irwin-Hall).
CREATE TEMP TABLE bench_chat AS
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 500000)
SELECT x,
       (SELECT ms FROM bench_now) - abs(random()) % (SELECT span FROM bench_now) AS at_ms,
       (SELECT min(id) FROM conversations) + abs(random()) % 100000 AS conversation_id,
       abs(random()) % 100 AS fate,
       ((abs(random()) % 1000) + (abs(random()) % 1000) + (abs(random()) % 1000) + (abs(random()) % 1000) +
        (abs(random()) % 1000) + (abs(random()) % 1000) + (abs(random()) % 1000) + (abs(random()) % 1000) +
        (abs(random()) % 1000) + (abs(random()) % 1000) + (abs(random()) % 1000) + (abs(random()) % 1000)
        - 6000) / 1000.0 AS z1,
       ((abs(random()) % 1000) + (abs(random()) % 1000) + (abs(random()) % 1000) + (abs(random()) % 1000) +
        (abs(random()) % 1000) + (abs(random()) % 1000) + (abs(random()) % 1000) + (abs(random()) % 1000) +
        (abs(random()) % 1000) + (abs(random()) % 1000) + (abs(random()) % 1000) + (abs(random()) % 1000)
        - 6000) / 1000.0 AS z2,
       50 + abs(random()) % 550 AS tokens,
       abs(random()) % 10 AS model_pick
FROM n;

BEGIN;
INSERT INTO messages(conversation_id, role, content, model, status, created_at, updated_at)
SELECT conversation_id, 'user', 'pregunta ' || x, NULL, 'done',
       strftime('%Y-%m-%dT%H:%M:%SZ', at_ms / 1000, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%SZ', at_ms / 1000, 'unixepoch')
FROM bench_chat;
INSERT INTO messages(conversation_id, role, content, model, status, created_at, updated_at)
SELECT conversation_id, 'assistant', 'respuesta ' || x,
       CASE WHEN model_pick < 6 THEN 'llama3.2:3b' WHEN model_pick < 9 THEN 'qwen2.5:7b' ELSE 'mistral:7b' END,
       CASE WHEN fate = 0 THEN 'error' WHEN fate = 1 THEN 'partial' WHEN fate = 2 THEN 'stopped' ELSE 'done' END,
       strftime('%Y-%m-%dT%H:%M:%SZ', at_ms / 1000, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%SZ', at_ms / 1000, 'unixepoch')
FROM bench_chat;
COMMIT;

-- What the NLU understood of each question; a third named products.
BEGIN;
INSERT INTO nlu_log(id, user_id, intent, confidence, message, found, created_at)
SELECT (SELECT nlu0 FROM bench_now) + x, NULL,
       CASE abs(random()) % 8 WHEN 0 THEN 'saludo' WHEN 1 THEN 'ayuda' WHEN 2 THEN 'buscar_producto'
            WHEN 3 THEN 'recomendar_categoria' WHEN 4 THEN 'comparar_precios' WHEN 5 THEN 'info_producto'
            WHEN 6 THEN 'consultar_oficina' ELSE 'general' END,
       (50 + abs(random()) % 51) / 100.0, 'pregunta ' || x, 1,
       strftime('%Y-%m-%dT%H:%M:%SZ', at_ms / 1000, 'unixepoch')
FROM bench_chat;
-- Skewed towards the first products; x makes the look-up run per row.
INSERT OR IGNORE INTO nlu_log_products(log_id, product_id)
SELECT (SELECT nlu0 FROM bench_now) + x,
       (SELECT id FROM products WHERE id >= (SELECT min(id) FROM products) +
        (x - x + (abs(random()) % 60) * (abs(random()) % 60) / 60) % (SELECT count(*) FROM products)
        ORDER BY id LIMIT 1)
FROM bench_chat WHERE x % 3 = 0;
COMMIT;

-- The chat requests and their model calls.
BEGIN;
INSERT INTO ops_requests(id, at_ms, program, method, status, error_code, duration_ms, user_id)
SELECT (SELECT req0 FROM bench_now) + x, at_ms, 'chat', 'POST', CASE WHEN fate = 0 THEN 502 ELSE 200 END,
       CASE WHEN fate = 0 THEN 'llm_unavailable' WHEN fate = 1 THEN 'llm_timeout' END,
       CAST(exp(8.7 + 0.6 * z1) AS INTEGER), 1 + x % 2000
FROM bench_chat;
INSERT INTO ops_llm_calls(request_id, at_ms, backend, model, first_token_ms, total_ms, prompt_tokens,
                          reply_tokens, gen_ns, outcome, error_code)
SELECT (SELECT req0 FROM bench_now) + x, at_ms, CASE WHEN x % 2 THEN 'http://gpu-a:11434' ELSE 'http://gpu-b:11434' END,
       CASE WHEN model_pick < 6 THEN 'llama3.2:3b' WHEN model_pick < 9 THEN 'qwen2.5:7b' ELSE 'mistral:7b' END,
       CASE WHEN fate = 0 THEN NULL ELSE CAST(exp(6.0 + 0.5 * z2) AS INTEGER) END,
       CASE WHEN fate = 0 THEN 3 + abs(random()) % 40
            ELSE CAST(exp(6.0 + 0.5 * z2) AS INTEGER) + tokens * (18 + abs(random()) % 25) END,
       200 + abs(random()) % 2000,
       CASE WHEN fate < 3 THEN 0 ELSE tokens END,
       CASE WHEN fate < 3 THEN 0 ELSE tokens * (18 + abs(random()) % 25) * 1000000 END,
       CASE WHEN fate = 0 THEN 'error' WHEN fate = 1 THEN 'partial' WHEN fate = 2 THEN 'stopped' ELSE 'done' END,
       CASE WHEN fate = 0 THEN 'llm_unavailable' WHEN fate = 1 THEN 'llm_timeout' END
FROM bench_chat;
COMMIT;

-- The other half of the traffic: pages, history, logins, models.
BEGIN;
INSERT INTO ops_requests(at_ms, program, method, status, error_code, duration_ms, user_id)
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 500000),
r AS (SELECT x, abs(random()) % 100 AS p, abs(random()) % 100 AS e FROM n)
SELECT (SELECT ms FROM bench_now) - abs(random()) % (SELECT span FROM bench_now),
       CASE WHEN p < 50 THEN 'history' WHEN p < 70 THEN 'models' WHEN p < 85 THEN 'login'
            WHEN p < 95 THEN 'catalog' ELSE 'stats' END,
       CASE WHEN p < 70 OR p >= 85 THEN 'GET' ELSE 'POST' END,
       CASE WHEN e < 2 THEN 401 WHEN e < 3 THEN 400 ELSE 200 END,
       CASE WHEN e < 2 THEN 'unauthorized' WHEN e < 3 THEN 'invalid_input' END,
       2 + abs(random()) % 40, 1 + x % 2000
FROM r;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
