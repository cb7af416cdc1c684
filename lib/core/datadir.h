/* datadir: the folder a shared-hosting install keeps its configuration and
 * database in (microchat-data/, as `make dist` ships it), found without
 * any setting: beside the web root, or a few folders up from the program. */
#ifndef MC_DATADIR_H
#define MC_DATADIR_H

#define DATADIR_NAME "microchat-data"
#define DATADIR_CONF "microchat.conf"

/* The folder (malloc'd, without symbolic links), or NULL when there is
 * none. The first that is a folder of:
 *   DOC_ROOT/../microchat-data, when the program lives under DOC_ROOT
 *     (or where the program is not known);
 *   P/../microchat-data, P/../../microchat-data, P/../../../microchat-data,
 *     P being the program's folder (cgi-bin/ or libexec/).
 * doc_root and program may be NULL. */
char *datadir_find(const char *doc_root, const char *program);

/* datadir_find for this process: $DOCUMENT_ROOT, and the program's path
 * from /proc/self/exe (else $SCRIPT_FILENAME). */
char *datadir_find_here(void);

#endif
