/* data: the administrators' shop data without a shell: catalog and office
 * directory CSV uploads (a dry run first shows every refused line and
 * writes nothing), and a consistent copy of the whole database (SQLite's
 * online backup) as a download. */
#define _POSIX_C_SOURCE 200809L
#include "chat/audit.h"
#include "core/app.h"
#include "core/cache.h"
#include "core/conf.h"
#include "core/db.h"
#include "core/req.h"
#include "core/resp.h"
#include "core/util.h"
#include "data/importer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DATA_MAX_FILES 16
#define DATA_CHUNK 65536

/* ---- imports ---- */

struct upload {
	const char *name;   /* as the browser sent it, or "file N" */
	const char *data;
	size_t len;
	enum importer_kind kind;
};

/* What one upload asks for: the kinds it takes, in the order they are
 * imported (categories before the products that name them). */
struct family {
	const char *action;
	const char *what;   /* for messages */
	enum importer_kind kinds[3];
};

static const struct family catalog = { "import_catalog", "catalog", { IMPORTER_CATEGORIES, IMPORTER_PRODUCTS, 0 } };
static const struct family offices = { "import_offices", "office directory", { IMPORTER_OFFICES, 0, 0 } };

/* The errors of the file being imported, for the answer. */
struct error_sink {
	json_t *list;
	const char *file;
};

static void collect_error(void *ctx, int line, const char *message)
{
	struct error_sink *sink = ctx;
	json_array_append_new(sink->list, json_pack("{s:s,s:i,s:s}", "file", sink->file, "line", line,
						    "message", message));
}

static bool family_takes(const struct family *f, enum importer_kind kind)
{
	for (int i = 0; f->kinds[i]; i++)
		if (f->kinds[i] == kind)
			return true;
	return false;
}

/* "categories: slug, name (required); ... or products: ..." */
static const char *expected_columns(struct req *r, const struct family *f)
{
	const char *text = "";
	for (int i = 0; f->kinds[i]; i++) {
		char cols[512];
		importer_columns(f->kinds[i], cols, sizeof(cols));
		text = arena_printf(&r->arena, "%s%s%s: %s", text, i ? "; or " : "",
				    importer_kind_name(f->kinds[i]), cols);
	}
	return text;
}

/* The `file` fields, each told apart by its header. False once refused. */
static bool read_uploads(struct req *r, const struct family *f, struct upload *up, int *n)
{
	const struct req_field *field;
	int pos = 0;
	*n = 0;
	while ((field = req_field_next(r, "file", &pos))) {
		if (*n == DATA_MAX_FILES) {
			resp_error(r, 400, "invalid_input", "at most %d files at once", DATA_MAX_FILES);
			return false;
		}
		struct upload *u = &up[(*n)++];
		u->name = field->filename ? field->filename : arena_printf(&r->arena, "file %d", *n);
		u->data = field->value;
		u->len = field->len;
		u->kind = importer_detect_data(u->data, u->len);
		if (!family_takes(f, u->kind)) {
			resp_error(r, 400, "invalid_input", "%s is not a %s file: its first line must name the columns (%s)",
				   u->name, f->what, expected_columns(r, f));
			return false;
		}
	}
	if (*n == 0)
		resp_error(r, 400, "invalid_input", "no CSV file: send it in a multipart field named 'file'");
	return *n > 0;
}

struct tally {
	int rows, inserted, updated, refused, errors;
	json_t *files;
	json_t *errors_list;
};

static void tally_add(struct tally *t, const struct upload *u, const struct importer_report *rep)
{
	t->rows += rep->rows;
	t->inserted += rep->inserted;
	t->updated += rep->updated;
	t->refused += rep->bad_rows;
	t->errors += rep->errors;
	json_array_append_new(t->files, json_pack("{s:s,s:s,s:i,s:i,s:i,s:i,s:i}", "name", u->name,
		"kind", importer_kind_name(u->kind), "rows", rep->rows, "new", rep->inserted,
		"updated", rep->updated, "rejected", rep->bad_rows, "error_count", rep->errors));
}

/* 0 imported (perhaps with refused rows), 400 a wrong header, 500. */
static int import_one(struct db *db, const struct upload *u, struct tally *t)
{
	struct error_sink sink = { t->errors_list, u->name };
	struct importer_opts o = { .skip_bad_rows = true, .on_error = collect_error, .ctx = &sink };
	struct importer_report rep;
	int rc = importer_data_with(db, u->name, u->data, u->len, u->kind, &o, &rep);
	tally_add(t, u, &rep);
	return rep.header_bad ? 400 : rc == -2 ? 500 : 0;
}

/* Every file in one transaction, the kinds in the family's order. */
static int import_all(struct db *db, const struct family *f, const struct upload *up, int n,
		      struct tally *t, const char **bad_file)
{
	for (int k = 0; f->kinds[k]; k++)
		for (int i = 0; i < n; i++) {
			if (up[i].kind != f->kinds[k])
				continue;
			int rc = import_one(db, &up[i], t);
			if (rc) {
				*bad_file = up[i].name;
				return rc;
			}
		}
	return 0;
}

static int record(struct req *r, struct db *db, const struct family *f, int files, const struct tally *t)
{
	const char *detail = arena_printf(&r->arena, "%d file%s, %d rows: %d new, %d updated, %d refused",
					  files, files == 1 ? "" : "s", t->rows, t->inserted, t->updated, t->refused);
	struct audit_entry e = { .action = "data.import", .target = f->what, .detail = detail };
	return audit_record(db, &r->user, &e);
}

static json_t *tally_json(const struct tally *t, int dry_run, int written)
{
	return json_pack("{s:b,s:b,s:i,s:i,s:i,s:i,s:i,s:O,s:O}", "dry_run", dry_run, "written", written,
			 "rows", t->rows, "new", t->inserted, "updated", t->updated, "rejected", t->refused,
			 "error_count", t->errors, "errors", t->errors_list, "files", t->files);
}

static void refuse_header(struct req *r, const struct family *f, const char *file, const struct tally *t)
{
	json_t *body = json_pack("{s:{s:s,s:s},s:O,s:s}", "error", "code", "invalid_input", "message",
		arena_printf(&r->arena, "the first line of %s is not a header microchat knows (%s)", file,
			     expected_columns(r, f)),
		"errors", t->errors_list, "expected", expected_columns(r, f));
	r->error_code = "invalid_input";
	resp_json(r, 400, body);
}

static void import(struct req *r, struct db *db, const struct family *f)
{
	struct upload up[DATA_MAX_FILES];
	int n;
	int64_t dry_run;
	if (req_field_int(r, "dry_run", 0, 0, 1, &dry_run) < 0) {
		resp_error(r, 400, "invalid_input", "dry_run must be 1 or 0");
		return;
	}
	if (!read_uploads(r, f, up, &n))
		return;
	struct tally t = { .files = json_array(), .errors_list = json_array() };
	const char *bad_file = NULL;
	int rc = db_begin(db) < 0 ? 500 : import_all(db, f, up, n, &t, &bad_file);
	bool write = rc == 0 && !dry_run && t.inserted + t.updated > 0;
	if (write && record(r, db, f, n, &t) < 0)
		rc = 500;
	if (write && rc == 0 && db_commit(db) < 0)
		rc = 500;
	db_rollback(db); /* a dry run, nothing to write, or a failure (no-op after a commit) */
	if (rc == 400)
		refuse_header(r, f, bad_file, &t);
	else if (rc)
		resp_internal(r, "importing the uploaded files failed");
	else
		resp_json(r, 200, tally_json(&t, dry_run != 0, write && rc == 0));
	if (write && rc == 0)
		cache_bump(r->conf, 0); /* the catalog's and directory's answers are shared */
	json_decref(t.files);
	json_decref(t.errors_list);
}

/* ---- backup ---- */

/* A copy of the database taken in one read transaction (so consistent while
 * chats are written), in a file beside it (the folder the server never
 * serves), opened and unlinked before it is sent. Returns its descriptor. */
static int backup_to_file(struct req *r, struct db *db)
{
	char *path = arena_printf(&r->arena, "%s.backup-XXXXXX", r->conf->db_path);
	int fd = mkstemp(path);
	if (fd < 0) {
		fprintf(stderr, "microchat data: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	close(fd);
	sqlite3 *copy = NULL;
	int rc = sqlite3_open_v2(path, &copy, SQLITE_OPEN_READWRITE, NULL);
	sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(copy, "main", db_handle(db), "main") : NULL;
	if (b) {
		rc = sqlite3_backup_step(b, -1); /* every page at once: one snapshot */
		sqlite3_backup_finish(b);
	}
	if (!b || rc != SQLITE_DONE)
		fprintf(stderr, "microchat data: backup to %s failed: %s\n", path,
			copy ? sqlite3_errmsg(copy) : sqlite3_errstr(rc));
	sqlite3_close(copy);
	fd = b && rc == SQLITE_DONE ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	unlink(path);
	return fd;
}

static void send_file(struct req *r, int fd, const char *filename)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		resp_internal(r, "cannot read the backup copy");
		return;
	}
	resp_download_begin(r, "application/vnd.sqlite3", filename, (size_t)st.st_size);
	char *chunk = arena_alloc(&r->arena, DATA_CHUNK);
	ssize_t got;
	while ((got = read(fd, chunk, DATA_CHUNK)) > 0)
		if (resp_body(r, chunk, (size_t)got) < 0)
			break;
}

static void backup(struct req *r, struct db *db)
{
	struct audit_entry e = { .action = "data.backup", .target = "database",
				 .detail = "downloaded a copy of the whole database" };
	if (audit_record(db, &r->user, &e) < 0) {
		resp_internal(r, "recording the backup in the audit log failed");
		return;
	}
	int fd = backup_to_file(r, db);
	if (fd < 0) {
		resp_internal(r, "the backup copy could not be made");
		return;
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	send_file(r, fd, arena_printf(&r->arena, "microchat-%s.db", stamp));
	close(fd);
}

/* ---- the request ---- */

static bool method_is(struct req *r, const char *want)
{
	if (strcmp(r->method, want) == 0)
		return true;
	resp_header(r, arena_printf(&r->arena, "Allow: %s", want));
	resp_error(r, 405, "method_not_allowed", "action %s takes %s", req_field(r, "action", ""), want);
	return false;
}

static void handle(struct req *r)
{
	struct db *db = app_begin(r, "GET,POST", APP_ADMIN);
	if (!db)
		return;
	const char *action = req_field(r, "action", "");
	if (strcmp(action, "backup") == 0) {
		if (method_is(r, "GET"))
			backup(r, db);
	} else if (strcmp(action, catalog.action) == 0 || strcmp(action, offices.action) == 0) {
		if (method_is(r, "POST"))
			import(r, db, strcmp(action, catalog.action) == 0 ? &catalog : &offices);
	} else {
		resp_error(r, 400, "invalid_input", "action must be import_catalog, import_offices (POST) or backup (GET)");
	}
}

int main(void)
{
	return app_main("data", handle, APP_KIND);
}
