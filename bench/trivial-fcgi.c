/* The floor of a FastCGI worker here: libfcgi's loop answering like the
 * programs answer, with no library of ours, no database. For bench/run.sh. */
#include <fcgiapp.h>

int main(void)
{
	static const char answer[] = "Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
				     "Content-Length: 11\r\n\r\n{\"ok\":true}";
	FCGX_Request rq;
	FCGX_Init();
	FCGX_InitRequest(&rq, 0, 0);
	while (FCGX_Accept_r(&rq) >= 0) {
		FCGX_PutStr(answer, sizeof(answer) - 1, rq.out);
		FCGX_Detach(&rq); /* closed at once, as lib/core/io_fcgi.c does */
		FCGX_Finish_r(&rq);
	}
	return 0;
}
