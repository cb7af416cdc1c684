/* feedback: a user's thumbs up or down on a reply of theirs, with an
 * optional comment; one per reply, changed or taken back at will. */
#ifndef MC_FEEDBACK_H
#define MC_FEEDBACK_H

#include <stdint.h>

struct db;

#define FEEDBACK_COMMENT_MAX 2000

enum feedback_result {
	FEEDBACK_OK,
	FEEDBACK_NOT_FOUND,     /* no such message in the user's conversations */
	FEEDBACK_NOT_A_REPLY,   /* the user's own question */
	FEEDBACK_ERROR,
};

/* rating "up" or "down" (with comment, may be ""), or NULL to take the
 * rating back. The owner is checked in the statement that writes. */
enum feedback_result feedback_set(struct db *db, int64_t user_id, int64_t message_id, const char *rating,
				  const char *comment);

#endif
