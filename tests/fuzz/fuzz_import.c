/* libFuzzer target: the conversation import (microchat's own export and
 * ChatGPT's conversations.json) on arbitrary bytes, into a migrated
 * in-memory database. It must never crash, and a file it refuses must
 * leave nothing behind. Build and run:
 * sh tests/fuzz/build.sh && build-fuzz/fuzz_import -max_len=4096 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "chat/import.h"
#include "core/arena.h"
#include "core/db.h"

static struct db *fuzz_db(void)
{
	static struct db *db;
	if (!db) {
		db = db_open(":memory:");
		if (!db || db_migrate(db, NULL) < 0 ||
		    db_exec(db, "INSERT INTO users(id, username, username_key, password_hash) "
				"VALUES (1, 'fuzz', 'fuzz', 'x')", "") < 0)
			abort();
	}
	return db;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct db *db = fuzz_db();
	struct arena a;
	arena_init(&a);
	int64_t before = 0, after = 0;
	db_int(db, &before, "SELECT count(*) FROM messages", "");
	struct import_report rep;
	enum import_result rc = import_text(db, &a, 1, (const char *)data, size, &rep);
	db_int(db, &after, "SELECT count(*) FROM messages", "");
	if (rc == IMPORT_UNREADABLE && after != before)
		abort(); /* refused, yet something was written */
	if (rc == IMPORT_OK && after - before != rep.messages)
		abort();
	import_report_free(&rep);
	arena_free(&a);
	/* Keep the database small between runs. */
	db_exec(db, "DELETE FROM conversations", "");
	return 0;
}
