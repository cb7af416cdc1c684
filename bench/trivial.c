/* The reference point of the benchmark: the least a C CGI can do (no
 * library, no database), answered like the programs answer. */
#include <stdio.h>

int main(void)
{
	static const char body[] = "{\"ok\":true}";
	printf("Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
	       "Content-Length: %zu\r\n\r\n%s", sizeof(body) - 1, body);
	return 0;
}
