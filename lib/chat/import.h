/* import: conversations from a file into a user's account: microchat's own
 * export (lib/chat/export) or the conversations.json of a ChatGPT data
 * export. The whole file is read and checked before anything is written,
 * then stored in one transaction: a file with any conversation that cannot
 * be read imports nothing. Imported messages are marked as such (quotas
 * and the dashboard's activity leave them out). */
#ifndef MC_IMPORT_H
#define MC_IMPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

enum import_result {
	IMPORT_OK,
	IMPORT_UNREADABLE,  /* neither format, or a conversation that cannot be read: see report */
	IMPORT_ERROR,       /* database error, logged */
};

struct import_report {
	const char *format;      /* "microchat" or "chatgpt" */
	const char *problem;     /* IMPORT_UNREADABLE: what is wrong with the file */
	json_t *errors;          /* [{"index", "message"}] of the conversations that cannot be read */
	json_t *conversations;   /* [{"id", "title"}] imported */
	int messages;
	int skipped_messages;
	int skipped_attachments;
};

enum import_result import_text(struct db *db, struct arena *a, int64_t user_id, const char *text, size_t len,
			       struct import_report *rep);
void import_report_free(struct import_report *rep);

#endif
