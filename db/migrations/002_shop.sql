-- 002 shop: the catalog (nested categories, products), the office directory
-- (one row per municipality and its localities), their FTS5 indexes kept in
-- step by triggers, and the log of what the NLU detected in each message.
--
-- Lists (a product's features, an office's localities) are stored as JSON
-- arrays so that triggers can unfold them with json_each into the tables the
-- queries join on; SQLite does not allow a WITH clause inside a trigger.

CREATE TABLE categories (
	id INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	synonyms TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(synonyms)),
	parent_id INTEGER REFERENCES categories(id) ON DELETE RESTRICT,
	CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX categories_parent ON categories(parent_id);

CREATE TABLE products (
	id INTEGER PRIMARY KEY,
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
CREATE INDEX products_category_price ON products(category_id, active, price);
CREATE INDEX products_brand_price ON products(brand COLLATE NOCASE, active, price);
CREATE INDEX products_active_price ON products(active, price);

-- One row per product and feature: the NLU's feature vocabulary and the
-- "similar products share features" join.
CREATE TABLE product_features (
	feature TEXT NOT NULL,
	product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
	PRIMARY KEY (feature, product_id)
) WITHOUT ROWID;
CREATE INDEX product_features_product ON product_features(product_id, feature);

CREATE TABLE offices (
	id INTEGER PRIMARY KEY,
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

CREATE TABLE localities (
	office_id INTEGER NOT NULL REFERENCES offices(id) ON DELETE CASCADE,
	name TEXT NOT NULL COLLATE NOCASE,
	PRIMARY KEY (name, office_id)
) WITHOUT ROWID;
CREATE INDEX localities_office ON localities(office_id);

-- Full-text indexes (bm25). They keep their own copy of the text, so a row
-- is deleted by rowid; the category column carries the category's names and
-- synonyms so that "celular" finds a product called "Smartphone".
CREATE VIRTUAL TABLE products_fts USING fts5(
	name, brand, category, description, features,
	tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE VIRTUAL TABLE offices_fts USING fts5(
	municipio, localidades, cabecera, dependencia, direccion,
	tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

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
-- A renamed category re-indexes its products.
CREATE TRIGGER categories_au AFTER UPDATE OF name, name_en, synonyms ON categories BEGIN
	DELETE FROM products_fts WHERE rowid IN (SELECT id FROM products WHERE category_id = NEW.id);
	INSERT INTO products_fts(rowid, name, brand, category, description, features)
	SELECT p.id, p.name, p.brand, NEW.name || ' ' || NEW.name_en || ' ' || NEW.synonyms,
	       p.description, p.features
	FROM products p WHERE p.category_id = NEW.id;
END;

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

-- Every detection, for the dashboard and for improving the NLU.
CREATE TABLE nlu_log (
	id INTEGER PRIMARY KEY,
	user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
	message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
	intent TEXT NOT NULL CHECK (intent IN ('saludo', 'ayuda', 'buscar_producto',
		'recomendar_categoria', 'comparar_precios', 'info_producto',
		'consultar_oficina', 'general')),
	confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
	entities TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(entities)),
	message TEXT NOT NULL,
	product_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(product_ids)),
	office_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(office_ids)),
	found INTEGER NOT NULL CHECK (found IN (0, 1)),
	elapsed_us INTEGER,                           -- understanding + look-up time
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX nlu_log_created ON nlu_log(created_at);
CREATE INDEX nlu_log_intent ON nlu_log(intent, created_at);
CREATE INDEX nlu_log_user ON nlu_log(user_id);
CREATE INDEX nlu_log_session ON nlu_log(session_id);
CREATE INDEX nlu_log_message ON nlu_log(message_id);

-- The products given as context, one row each (the dashboard's top products).
CREATE TABLE nlu_log_products (
	log_id INTEGER NOT NULL REFERENCES nlu_log(id) ON DELETE CASCADE,
	product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
	PRIMARY KEY (log_id, product_id)
) WITHOUT ROWID;
CREATE INDEX nlu_log_products_product ON nlu_log_products(product_id);
