/* Unit tests: daily quotas counted from the replies stored today, the
 * settings for users and for visitors (role "guest"), an account's own
 * limits over them, administrators never limited, imported and older
 * replies left out, and the tokens a reply may still use. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "chat/quota.h"
#include "core/arena.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/req.h"
#include "core/settings.h"

struct fixture {
	struct db *db;
	struct conf conf;
	struct arena a;
};

static int open_db(void **state)
{
	static struct fixture f;
	memset(&f, 0, sizeof(f));
	conf_load(&f.conf, "/nonexistent/microchat.conf"); /* the compiled defaults */
	arena_init(&f.a);
	f.db = db_open(":memory:");
	if (!f.db || db_migrate(f.db, NULL) < 0 ||
	    db_exec(f.db, "INSERT INTO users(id, username, username_key, password_hash) VALUES (1, 'u', 'u', 'x')", "") < 0 ||
	    db_exec(f.db, "INSERT INTO conversations(id, user_id, title) VALUES (1, 1, 't')", "") < 0)
		return -1;
	*state = &f;
	return 0;
}

static int close_db(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	conf_free(&f->conf);
	arena_free(&f->a);
	return 0;
}

/* A question and its reply of eval_count tokens, created at now + when (a
 * SQLite time modifier such as '-2 days'). */
static void turn(struct fixture *f, long tokens, const char *when, int imported)
{
	assert_int_equal(db_exec(f->db, "INSERT INTO messages(conversation_id, role, content, created_at, imported) "
				 "VALUES (1, 'user', 'q', strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?1), ?2)", "si", when, imported), 0);
	assert_int_equal(db_exec(f->db, "INSERT INTO messages(conversation_id, role, content, eval_count, created_at, "
				 "imported) VALUES (1, 'assistant', 'r', ?1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?2), ?3)",
				 "Isi", (int64_t)tokens, when, imported), 0);
	assert_int_equal(db_exec(f->db, "UPDATE conversations SET updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
				 "WHERE id = 1", ""), 0);
}

static struct quota read_as(struct fixture *f, const char *role)
{
	struct req_user u = { .id = 1, .username = "u", .role = role };
	struct quota q;
	assert_int_equal(quota_read(f->db, &f->conf, &f->a, &u, &q), 0);
	return q;
}

static void no_limit_by_default(void **state)
{
	struct fixture *f = *state;
	turn(f, 30, "+0 days", 0);
	struct quota q = read_as(f, "user");
	assert_true(q.limited);
	assert_int_equal(q.messages_today, 1);
	assert_int_equal(q.tokens_today, 30);
	assert_true(quota_allows(&q));
	assert_int_equal(quota_tokens_left(&q), 0);
	assert_int_equal(q.reset_at - q.day_start, 86400);
	assert_int_equal(q.day_start % 86400, 0);
}

static void only_todays_own_replies_count(void **state)
{
	struct fixture *f = *state;
	turn(f, 10, "+0 days", 0);
	turn(f, 20, "+0 days", 0);
	turn(f, 500, "+0 days", 1);          /* imported: history, not use */
	turn(f, 700, "-2 days", 0); /* an older day */
	struct quota q = read_as(f, "user");
	assert_int_equal(q.messages_today, 2);
	assert_int_equal(q.tokens_today, 30);
}

static void user_and_visitor_settings(void **state)
{
	struct fixture *f = *state;
	turn(f, 10, "+0 days", 0);
	turn(f, 10, "+0 days", 0);
	assert_int_equal(settings_set(f->db, "quota_user_messages_per_day", "2", 0), 0);
	struct quota q = read_as(f, "user");
	assert_int_equal(q.messages_per_day, 2);
	assert_false(quota_allows(&q));
	/* A visitor goes by the guest settings, none yet. */
	q = read_as(f, "guest");
	assert_true(quota_allows(&q));
	assert_int_equal(settings_set(f->db, "quota_guest_tokens_per_day", "25", 0), 0);
	q = read_as(f, "guest");
	assert_int_equal(q.tokens_per_day, 25);
	assert_true(quota_allows(&q));
	assert_int_equal(quota_tokens_left(&q), 5);
	assert_int_equal(settings_set(f->db, "quota_guest_tokens_per_day", "20", 0), 0);
	q = read_as(f, "guest");
	assert_false(quota_allows(&q));
}

static void own_limits_and_administrators(void **state)
{
	struct fixture *f = *state;
	turn(f, 10, "+0 days", 0);
	assert_int_equal(settings_set(f->db, "quota_user_messages_per_day", "1", 0), 0);
	struct quota q = read_as(f, "user");
	assert_false(quota_allows(&q));
	/* The account's own 0 is no limit; its own 5 wins over the setting's 1. */
	assert_int_equal(db_exec(f->db, "UPDATE users SET quota_messages_per_day = 0 WHERE id = 1", ""), 0);
	q = read_as(f, "user");
	assert_true(quota_allows(&q));
	assert_int_equal(db_exec(f->db, "UPDATE users SET quota_messages_per_day = 5 WHERE id = 1", ""), 0);
	q = read_as(f, "user");
	assert_int_equal(q.messages_per_day, 5);
	assert_true(quota_allows(&q));
	/* Administrators: never limited, whatever is set. */
	assert_int_equal(db_exec(f->db, "UPDATE users SET quota_messages_per_day = 1 WHERE id = 1", ""), 0);
	q = read_as(f, "admin");
	assert_false(q.limited);
	assert_true(quota_allows(&q));
	json_t *j = quota_json(&q);
	assert_true(json_is_null(json_object_get(json_object_get(j, "quota"), "messages_per_day")));
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_limit_by_default, open_db, close_db),
		cmocka_unit_test_setup_teardown(only_todays_own_replies_count, open_db, close_db),
		cmocka_unit_test_setup_teardown(user_and_visitor_settings, open_db, close_db),
		cmocka_unit_test_setup_teardown(own_limits_and_administrators, open_db, close_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
