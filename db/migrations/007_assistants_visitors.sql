-- 007 assistants and visitors: what a conversation talks to (a prompt, a
-- model and sampling, the data it answers from, who may use it, the sites
-- that may embed it), the four built-ins, visitors (guest rows of users,
-- never accounts), the events their limits count, and the roll-ups that
-- break the dashboard's figures down per assistant and per audience.

CREATE TABLE assistants (
	id INTEGER PRIMARY KEY AUTOINCREMENT,       -- ids never reused
	slug TEXT NOT NULL UNIQUE
		CHECK (length(slug) BETWEEN 1 AND 40 AND slug NOT GLOB '*[^a-z0-9-]*'),
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',           -- '' = the name above, in English too
	description TEXT NOT NULL DEFAULT '',
	description_en TEXT NOT NULL DEFAULT '',
	icon TEXT NOT NULL DEFAULT 'chat',          -- a name of the front end's icon set
	system_prompt TEXT NOT NULL DEFAULT '',     -- '' = the system_prompt setting
	system_prompt_en TEXT NOT NULL DEFAULT '',  -- for English messages; '' = the one above
	model TEXT NOT NULL DEFAULT '',             -- '' = the member's choice, else default_model
	temperature REAL,                           -- NULL = the setting
	top_p REAL,
	num_predict INTEGER,
	sources TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sources)),  -- ["catalog", "directory"]
	instant_answers INTEGER NOT NULL DEFAULT 0 CHECK (instant_answers IN (0, 1)),
	greeting TEXT NOT NULL DEFAULT '',
	greeting_en TEXT NOT NULL DEFAULT '',
	quick_actions TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(quick_actions)),     -- [{"label","text"}]
	quick_actions_en TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(quick_actions_en)),
	public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),  -- visitors too
	enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
	builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),  -- may be disabled, never deleted
	embed_origins TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(embed_origins)),  -- sites that may frame it
	position INTEGER NOT NULL DEFAULT 100,      -- order in the lists
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

INSERT INTO assistants(slug, name, name_en, description, description_en, icon, system_prompt,
	system_prompt_en, sources, instant_answers, greeting, greeting_en, quick_actions,
	quick_actions_en, public, enabled, builtin, position) VALUES
('general', 'Chat general', 'General chat',
 'Conversa con el modelo que elijas, sobre cualquier tema.',
 'Talk to the model of your choice about anything.',
 'chat',
 'Eres microchat, un asistente útil, claro y preciso. Responde en el idioma de la persona (español de Chile o Argentina, o inglés). Usa Markdown cuando ayude: listas, tablas y bloques de código con su lenguaje. Si no sabes algo o no estás seguro, dilo en vez de inventarlo. Sé breve cuando la pregunta es simple y detallado cuando te lo piden.',
 'You are microchat, a helpful, clear and accurate assistant. Answer in the person''s language (English, or Spanish from Chile or Argentina). Use Markdown where it helps: lists, tables and code blocks with their language. If you do not know something or are unsure, say so rather than make it up. Be brief when the question is simple and thorough when asked to be.',
 '[]', 0, 'Pregunta lo que quieras: explicaciones, textos para escribir o resumir, ideas o código.',
 'Ask anything: explanations, texts to write or summarise, ideas or code.',
 '[{"label":"Escribir un correo","text":"Ayúdame a escribir un correo amable para pedir una reunión la próxima semana."},{"label":"Resumir un texto","text":"Resume en cinco puntos el siguiente texto:\n\n"},{"label":"Explicar código","text":"Explícame paso a paso qué hace este código:\n\n"}]',
 '[{"label":"Write an e-mail","text":"Help me write a friendly e-mail asking for a meeting next week."},{"label":"Summarise a text","text":"Summarise the following text in five points:\n\n"},{"label":"Explain code","text":"Explain step by step what this code does:\n\n"}]',
 0, 1, 1, 10),
('tienda', 'Asistente de la tienda', 'Shop assistant',
 'Busca productos del catálogo, recomienda y compara precios.',
 'Searches the catalog, recommends products and compares prices.',
 'bag',
 'Eres el asistente de compras de la tienda. Ayudas a encontrar productos del catálogo, a comparar precios y a elegir según lo que la persona necesita. Responde en su idioma, con amabilidad y en pocas líneas. Cuando recibas datos del catálogo, responde solo con esos datos: nombres, precios y stock tal como vienen; nunca inventes productos, precios, stock, descuentos ni plazos de entrega. Si no hay datos para lo que piden, dilo y sugiere otra búsqueda (otra categoría, marca o rango de precio). No pidas datos personales ni de pago: para comprar, hacer un reclamo o consultar un despacho, indica los canales de la tienda.',
 'You are the shop''s shopping assistant. You help people find products in the catalog, compare prices and choose what fits their needs. Answer in their language, kindly and in a few lines. When you receive catalog data, answer from that data only: names, prices and stock exactly as given; never invent products, prices, stock, discounts or delivery times. If there is no data for what they ask, say so and suggest another search (another category, brand or price range). Do not ask for personal or payment details: for purchases, complaints or deliveries, point them to the shop''s own channels.',
 '["catalog"]', 1,
 '¡Hola! Soy el asistente de la tienda. Te ayudo a encontrar productos, te recomiendo opciones y comparo precios. ¿Qué estás buscando?',
 'Hi! I''m the shop assistant. I can find products, recommend options and compare prices. What are you looking for?',
 '[{"label":"Buscar productos","text":"Busco un celular Samsung bajo 300 mil"},{"label":"Recomendaciones","text":"¿Qué notebook me recomiendas para estudiar?"},{"label":"Comparar precios","text":"Compara el iPhone 15 con el Galaxy S24"},{"label":"Ayuda","text":"¿Qué puedes hacer?"}]',
 '[{"label":"Search products","text":"Samsung phones under 300k"},{"label":"Recommendations","text":"Which laptop would you recommend for college?"},{"label":"Compare prices","text":"Compare the iPhone 15 and the Galaxy S24"},{"label":"Help","text":"What can you do?"}]',
 1, 1, 1, 20),
('oficinas', 'Oficinas de atención', 'Citizen-service offices',
 'Dirección, teléfono, WhatsApp y horario de la oficina de tu municipio.',
 'Address, phone, WhatsApp and hours of your municipality''s office.',
 'building',
 'Eres el asistente de atención ciudadana. Ayudas a encontrar la oficina que corresponde a cada municipio o localidad: dirección, teléfono, WhatsApp, horario y correo. Responde en el idioma de la persona, con claridad y en pocas líneas. Usa solo los datos del directorio que recibas; nunca inventes direcciones, teléfonos ni horarios. Si no encuentras el lugar, pide el nombre del municipio o de la localidad. No des asesoría legal: para un trámite, indica la oficina donde pueden consultarlo.',
 'You are the citizen-service assistant. You help people find the office of each municipality or locality: address, phone, WhatsApp, opening hours and e-mail. Answer in the person''s language, clearly and in a few lines. Use only the directory data you receive; never invent addresses, phone numbers or hours. If you cannot find the place, ask for the name of the municipality or locality. Do not give legal advice: for a procedure, point them to the office where they can ask about it.',
 '["directory"]', 1,
 '¡Hola! Te ayudo a encontrar la oficina de atención de tu municipio: dirección, teléfono, WhatsApp y horario. ¿De qué municipio o localidad eres?',
 'Hi! I can find your municipality''s citizen-service office: address, phone, WhatsApp and hours. Which municipality or locality are you in?',
 '[{"label":"Buscar mi oficina","text":"¿Dónde queda la oficina de Villa Carlos Paz?"},{"label":"Horarios","text":"¿Cuál es el horario de la oficina de Río Cuarto?"},{"label":"Ayuda","text":"¿Qué puedes hacer?"}]',
 '[{"label":"Find my office","text":"Where is the Villa Carlos Paz office?"},{"label":"Opening hours","text":"What are the opening hours of the Río Cuarto office?"},{"label":"Help","text":"What can you do?"}]',
 1, 1, 1, 30),
('acompanamiento', 'Acompañamiento', 'Someone to talk to',
 'Un espacio para desahogarte, con escucha y sin juicios. No es atención profesional: en una crisis, llama al *4141 (Chile) o al 0800 999 0091 (Argentina).',
 'A place to talk things through, listened to and not judged. It is not professional help: in a crisis, call *4141 (Chile) or 0800 999 0091 (Argentina).',
 'heart',
 'Eres un acompañante de escucha: alguien que escucha con calma, con empatía y sin juzgar. No eres psicólogo, psiquiatra ni terapeuta: no diagnosticas, no recetas y no reemplazas la atención profesional, y lo dices con sencillez cuando corresponde. Responde en el idioma de la persona, con frases cortas y cálidas. Refleja lo que cuenta, valida lo que siente y pregunta con suavidad; no minimices, no des sermones y no presiones. Si la persona habla de hacerse daño, de suicidio, de violencia o de un peligro inmediato, dile con claridad y cariño que merece ayuda ahora mismo y dale estos contactos:
- Chile: Línea de Prevención del Suicidio *4141 (gratuita, 24 horas); Salud Responde 600 360 7777; SAMU 131 para una emergencia médica; Carabineros 133.
- Argentina: línea de salud mental 0800 999 0091 (gratuita, 24 horas); 911 para emergencias; 107 para una emergencia médica.
- En otro país: el número de emergencias local.
Anímala a hablar con alguien de confianza y a buscar a un profesional de la salud mental. Nunca des información sobre métodos para hacerse daño.',
 'You are a listening companion: someone who listens calmly, with empathy and without judging. You are not a psychologist, psychiatrist or therapist: you do not diagnose, prescribe or replace professional care, and you say so simply when it matters. Answer in the person''s language, in short, warm sentences. Reflect what they tell you, acknowledge what they feel and ask gently; do not minimise, lecture or push. If the person talks about hurting themselves, suicide, violence or immediate danger, tell them clearly and kindly that they deserve help right now and give them these contacts:
- Chile: suicide prevention line *4141 (free, 24 hours); Salud Responde 600 360 7777; SAMU 131 for a medical emergency; Carabineros 133.
- Argentina: mental health line 0800 999 0091 (free, 24 hours); 911 for emergencies; 107 for a medical emergency.
- Elsewhere: the local emergency number.
Encourage them to talk to someone they trust and to see a mental health professional. Never give information about ways to hurt oneself.',
 '[]', 0,
 'Hola. Estoy aquí para escucharte, sin apuros y sin juicios. No soy un profesional de la salud mental: si estás en peligro o piensas en hacerte daño, llama ahora al *4141 en Chile o al 0800 999 0091 en Argentina (gratuitos, las 24 horas), o al número de emergencias de tu país. ¿Cómo te sientes hoy?',
 'Hi. I''m here to listen, with no rush and no judgement. I am not a mental health professional: if you are in danger or thinking of hurting yourself, call *4141 in Chile or 0800 999 0091 in Argentina now (free, 24 hours), or your local emergency number. How are you feeling today?',
 '[{"label":"Quiero desahogarme","text":"Necesito desahogarme un rato."},{"label":"Me siento con ansiedad","text":"Últimamente me siento con mucha ansiedad."}]',
 '[{"label":"I need to vent","text":"I need to get something off my chest."},{"label":"I feel anxious","text":"I have been feeling very anxious lately."}]',
 0, 0, 1, 40);

-- The single system prompt of earlier versions, when an administrator had
-- written one, becomes the general assistant's (for both languages, as it
-- was); the setting then only serves assistants without a prompt of their own.
UPDATE assistants SET system_prompt = (SELECT value FROM settings WHERE key = 'system_prompt'),
	system_prompt_en = ''
WHERE slug = 'general' AND EXISTS (SELECT 1 FROM settings WHERE key = 'system_prompt' AND value <> '');
DELETE FROM settings WHERE key = 'system_prompt';

-- Every conversation talks to an assistant; the earlier ones to the general
-- chat. A deleted assistant leaves its conversations (and their history).
ALTER TABLE conversations ADD COLUMN assistant_id INTEGER REFERENCES assistants(id) ON DELETE SET NULL;
UPDATE conversations SET assistant_id = (SELECT id FROM assistants WHERE slug = 'general');
CREATE INDEX conversations_assistant ON conversations(assistant_id);

-- Visitors: rows of users that are not accounts (no password that can
-- verify, a generated name), role "guest" wherever they appear. Registering
-- turns the row into an account: same id, same conversations.
ALTER TABLE users ADD COLUMN guest INTEGER NOT NULL DEFAULT 0 CHECK (guest IN (0, 1));
CREATE INDEX users_guest_created ON users(guest, created_at);

-- What the NLU understood, per assistant.
ALTER TABLE nlu_log ADD COLUMN assistant_id INTEGER;  -- no foreign key: the log outlives assistants

-- What visitors did, for their limits (per session and per address, per
-- hour); rows older than an hour are deleted as new ones are written.
CREATE TABLE guest_events (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('message', 'session')),
	user_id INTEGER,                            -- the visitor (messages)
	address TEXT NOT NULL,
	at INTEGER NOT NULL                         -- Unix seconds
);
CREATE INDEX guest_events_user ON guest_events(kind, user_id, at);
CREATE INDEX guest_events_address ON guest_events(kind, address, at);

-- totals.users counts accounts: a visitor is not one until they register.
DROP TRIGGER IF EXISTS ops_totals_users_ai;
DROP TRIGGER IF EXISTS ops_totals_users_ad;
CREATE TRIGGER ops_totals_users_ai AFTER INSERT ON users WHEN NEW.guest = 0 BEGIN
	UPDATE ops_totals SET n = n + 1 WHERE name = 'users';
END;
CREATE TRIGGER ops_totals_users_ad AFTER DELETE ON users WHEN OLD.guest = 0 BEGIN
	UPDATE ops_totals SET n = n - 1 WHERE name = 'users';
END;
CREATE TRIGGER ops_totals_users_au AFTER UPDATE OF guest ON users WHEN OLD.guest <> NEW.guest BEGIN
	UPDATE ops_totals SET n = n + iif(NEW.guest = 0, 1, -1) WHERE name = 'users';
END;
UPDATE ops_totals SET n = (SELECT count(*) FROM users WHERE guest = 0) WHERE name = 'users';

-- Roll-ups by audience (members, visitors) and assistant (0: none): sessions
-- opened, conversations started, messages written, per hour and per day.
CREATE TABLE ops_roll_audience (
	grain INTEGER NOT NULL,
	t INTEGER NOT NULL,
	assistant_id INTEGER NOT NULL,
	guest INTEGER NOT NULL,
	sessions INTEGER NOT NULL DEFAULT 0,
	conversations INTEGER NOT NULL DEFAULT 0,
	messages INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (grain, t, assistant_id, guest)
) WITHOUT ROWID;

-- Reply latency per assistant, in the bins of lib/ops/pctl.c.
CREATE TABLE ops_roll_assistant_bins (
	grain INTEGER NOT NULL,
	t INTEGER NOT NULL,
	assistant_id INTEGER NOT NULL,
	bin INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (grain, t, assistant_id, bin)
) WITHOUT ROWID;

CREATE TABLE ops_roll_assistant_intents (
	grain INTEGER NOT NULL,
	t INTEGER NOT NULL,
	assistant_id INTEGER NOT NULL,
	intent TEXT NOT NULL,
	n INTEGER NOT NULL,
	confidence_sum REAL NOT NULL,
	PRIMARY KEY (grain, t, assistant_id, intent)
) WITHOUT ROWID;

CREATE TRIGGER ops_audience_sessions AFTER INSERT ON sessions BEGIN
	INSERT INTO ops_roll_audience(grain, t, assistant_id, guest, sessions)
	SELECT g, CAST(strftime('%s', NEW.created_at) AS INTEGER) / g * g, 0, u.guest, 1
	FROM users u, (SELECT 3600 AS g UNION ALL SELECT 86400) WHERE u.id = NEW.user_id
	ON CONFLICT (grain, t, assistant_id, guest) DO UPDATE SET sessions = sessions + 1;
END;
CREATE TRIGGER ops_audience_conversations AFTER INSERT ON conversations BEGIN
	INSERT INTO ops_roll_audience(grain, t, assistant_id, guest, conversations)
	SELECT g, CAST(strftime('%s', NEW.created_at) AS INTEGER) / g * g, coalesce(NEW.assistant_id, 0), u.guest, 1
	FROM users u, (SELECT 3600 AS g UNION ALL SELECT 86400) WHERE u.id = NEW.user_id
	ON CONFLICT (grain, t, assistant_id, guest) DO UPDATE SET conversations = conversations + 1;
END;
CREATE TRIGGER ops_audience_messages AFTER INSERT ON messages BEGIN
	INSERT INTO ops_roll_audience(grain, t, assistant_id, guest, messages)
	SELECT g, CAST(strftime('%s', NEW.created_at) AS INTEGER) / g * g, coalesce(c.assistant_id, 0), u.guest, 1
	FROM conversations c JOIN users u ON u.id = c.user_id, (SELECT 3600 AS g UNION ALL SELECT 86400)
	WHERE c.id = NEW.conversation_id
	ON CONFLICT (grain, t, assistant_id, guest) DO UPDATE SET messages = messages + 1;
END;
-- A reply the model completed: its latency in its assistant's bins (the
-- bin as lat_bin of migration 003 computes it).
CREATE TRIGGER ops_assistant_latency AFTER UPDATE OF status ON messages
WHEN OLD.status = 'streaming' AND NEW.status = 'done' AND NEW.duration_ms BETWEEN 0 AND 2147483647
	AND NEW.model IS NOT NULL BEGIN
	INSERT INTO ops_roll_assistant_bins(grain, t, assistant_id, bin, n)
	SELECT g, CAST(strftime('%s', NEW.created_at) AS INTEGER) / g * g, coalesce(c.assistant_id, 0),
	       x.e * 64 + (NEW.duration_ms >> x.e), 1
	FROM conversations c, (SELECT 3600 AS g UNION ALL SELECT 86400),
	     (SELECT (NEW.duration_ms >= 128) + (NEW.duration_ms >= 256) + (NEW.duration_ms >= 512) +
		(NEW.duration_ms >= 1024) + (NEW.duration_ms >= 2048) + (NEW.duration_ms >= 4096) +
		(NEW.duration_ms >= 8192) + (NEW.duration_ms >= 16384) + (NEW.duration_ms >= 32768) +
		(NEW.duration_ms >= 65536) + (NEW.duration_ms >= 131072) + (NEW.duration_ms >= 262144) +
		(NEW.duration_ms >= 524288) + (NEW.duration_ms >= 1048576) + (NEW.duration_ms >= 2097152) +
		(NEW.duration_ms >= 4194304) + (NEW.duration_ms >= 8388608) + (NEW.duration_ms >= 16777216) +
		(NEW.duration_ms >= 33554432) + (NEW.duration_ms >= 67108864) + (NEW.duration_ms >= 134217728) +
		(NEW.duration_ms >= 268435456) + (NEW.duration_ms >= 536870912) + (NEW.duration_ms >= 1073741824)
		AS e) x
	WHERE c.id = NEW.conversation_id
	ON CONFLICT (grain, t, assistant_id, bin) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER ops_assistant_intents AFTER INSERT ON nlu_log WHEN NEW.assistant_id IS NOT NULL BEGIN
	INSERT INTO ops_roll_assistant_intents(grain, t, assistant_id, intent, n, confidence_sum)
	SELECT g, CAST(strftime('%s', NEW.created_at) AS INTEGER) / g * g, NEW.assistant_id, NEW.intent, 1,
	       NEW.confidence
	FROM (SELECT 3600 AS g UNION ALL SELECT 86400) WHERE 1
	ON CONFLICT (grain, t, assistant_id, intent) DO UPDATE SET n = n + 1,
		confidence_sum = confidence_sum + excluded.confidence_sum;
END;

-- What was already there: conversations and messages (all of members) of
-- the general chat.
INSERT INTO ops_roll_audience(grain, t, assistant_id, guest, conversations)
SELECT g, CAST(strftime('%s', c.created_at) AS INTEGER) / g * g AS b, coalesce(c.assistant_id, 0), 0, count(*)
FROM conversations c, (SELECT 3600 AS g UNION ALL SELECT 86400) GROUP BY g, b, c.assistant_id;
INSERT INTO ops_roll_audience(grain, t, assistant_id, guest, messages)
SELECT g, CAST(strftime('%s', m.created_at) AS INTEGER) / g * g AS b, coalesce(c.assistant_id, 0), 0, count(*)
FROM messages m JOIN conversations c ON c.id = m.conversation_id, (SELECT 3600 AS g UNION ALL SELECT 86400)
GROUP BY g, b, c.assistant_id
ON CONFLICT (grain, t, assistant_id, guest) DO UPDATE SET messages = messages + excluded.messages;
