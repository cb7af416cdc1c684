/* datadir: the folder a shared-hosting install keeps its configuration and
 * database in, found beside the web root or up from the program. */
#define _DEFAULT_SOURCE /* realpath */
#include "core/datadir.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How far up from the program's folder to look: cgi-bin/ sits in the
 * app's folder, which sits in public_html/, which sits in the home. */
#define DATADIR_LEVELS 3

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* dir (a real path) cut to its parent in place; false at the root. */
static bool parent(char *dir)
{
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return false;
	*slash = '\0';
	return true;
}

/* dir/microchat-data as a real path, when it is a folder. */
static char *candidate(const char *dir)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s", dir, DATADIR_NAME) >= (int)sizeof(path) || !is_dir(path))
		return NULL;
	return realpath(path, NULL);
}

static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Beside the document root: the web root's parent is the account's home on
 * most hosts. Only when the program is served from under that root: under
 * a UserDir (/~user/) or an alias, $DOCUMENT_ROOT is the server's and says
 * nothing about this install. */
static char *beside_doc_root(const char *doc_root, const char *program)
{
	char *root = doc_root && *doc_root ? realpath(doc_root, NULL) : NULL;
	char *found = NULL;
	if (root && (!program || inside(program, root)) && parent(root))
		found = candidate(root);
	free(root);
	return found;
}

static char *up_from_program(const char *program)
{
	char dir[PATH_MAX];
	if (!program || snprintf(dir, sizeof(dir), "%s", program) >= (int)sizeof(dir) || !parent(dir))
		return NULL;
	for (int level = 0; level < DATADIR_LEVELS && parent(dir); level++) {
		char *found = candidate(dir);
		if (found)
			return found;
	}
	return NULL;
}

char *datadir_find(const char *doc_root, const char *program)
{
	char *real = program && *program ? realpath(program, NULL) : NULL;
	char *found = beside_doc_root(doc_root, real);
	if (!found)
		found = up_from_program(real);
	free(real);
	return found;
}

char *datadir_find_here(void)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *program = NULL;
	if (n > 0) {
		self[n] = '\0';
		program = self;
	} else {
		program = getenv("SCRIPT_FILENAME");
	}
	return datadir_find(getenv("DOCUMENT_ROOT"), program);
}
