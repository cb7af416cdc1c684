-- 005: the settings rows 001 wrote were copies of the compiled defaults.
-- Since every setting is described once (lib/core/conf.c) and a stored
-- value wins over the configuration file and the environment, those copies
-- would hide DEFAULT_MODEL and the rest: drop the ones nobody changed.
DELETE FROM settings
WHERE updated_by IS NULL AND (key, value) IN (VALUES
	('system_prompt', 'Eres microchat, un asistente útil y preciso. Responde en el idioma del usuario (español de Chile o Argentina, o inglés). Usa Markdown cuando ayude. Cuando recibas datos del catálogo o del directorio de oficinas, respóndelos con esos datos y no inventes productos, precios ni direcciones.'),
	('default_model', ''),
	('temperature', '0.7'),
	('top_p', '0.9'),
	('num_predict', '1024'),
	('open_registration', '1'));

-- Sessions say where and when they were used: the account page lists a
-- user's sessions (device, last use), and a visitor's session records its
-- address and user agent, first and last seen (created_at, last_seen_at).
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
UPDATE sessions SET last_seen_at = created_at;
