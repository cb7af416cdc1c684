/* The floor of a database-backed CGI here: open microchat's SQLite file
 * (DB_PATH) and run one query, answered like the programs answer. SQLite
 * reads and parses the whole schema on a connection's first statement, so
 * this is what any program pays before its own work. For bench/run.sh. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	const char *path = getenv("DB_PATH");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int n = -1;
	if (path && sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_busy_timeout(db, 10000) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM users", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (n < 0) {
		printf("Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nno database\n");
		return 0;
	}
	char body[64];
	int len = snprintf(body, sizeof(body), "{\"users\":%d}", n);
	printf("Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
	       "Content-Length: %d\r\n\r\n%s", len, body);
	return 0;
}
