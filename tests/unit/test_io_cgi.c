/* Unit tests: the plain CGI output gives up on a reader that stopped
 * reading once the write timeout has passed (a stream must not hold its
 * model backend for a client that went quiet), and waits for a slow one. */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/io.h"
#include "core/util.h"

#define BIG (1u << 20)

struct piped {
	int saved_stdout;
	int rd;
};

/* stdout becomes the write end of a small pipe; rd is its read end. */
static void pipe_stdout(struct piped *p)
{
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	fcntl(fd[1], F_SETPIPE_SZ, 4096);
	p->saved_stdout = dup(STDOUT_FILENO);
	assert_true(dup2(fd[1], STDOUT_FILENO) >= 0);
	close(fd[1]);
	p->rd = fd[0];
}

static void restore_stdout(struct piped *p)
{
	dup2(p->saved_stdout, STDOUT_FILENO);
	close(p->saved_stdout);
	close(p->rd);
}

static void a_reader_that_stopped_is_given_up_after_the_timeout(void **state)
{
	(void)state;
	struct piped p;
	pipe_stdout(&p);
	struct io io;
	io_cgi_init(&io);
	io.write_timeout_ms = 300;
	char *data = calloc(1, BIG);
	int64_t t0 = util_mono_ms();
	int rc = io.write(io.ctx, data, BIG);
	int64_t took = util_mono_ms() - t0;
	restore_stdout(&p);
	free(data);
	assert_int_equal(rc, -1);
	assert_true(took >= 250);
	assert_true(took < 3000);
}

static void *drain(void *arg)
{
	int fd = *(int *)arg;
	char buf[4096];
	size_t total = 0;
	while (total < BIG) {
		usleep(1000); /* slow, but reading */
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		total += (size_t)n;
	}
	return NULL;
}

static void a_slow_reader_gets_everything(void **state)
{
	(void)state;
	struct piped p;
	pipe_stdout(&p);
	struct io io;
	io_cgi_init(&io);
	io.write_timeout_ms = 300;
	pthread_t t;
	pthread_create(&t, NULL, drain, &p.rd);
	char *data = calloc(1, BIG / 4);
	int rc = 0;
	for (int i = 0; i < 4 && rc == 0; i++)
		rc = io.write(io.ctx, data, BIG / 4);
	pthread_join(t, NULL);
	restore_stdout(&p);
	free(data);
	assert_int_equal(rc, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_reader_that_stopped_is_given_up_after_the_timeout),
		cmocka_unit_test(a_slow_reader_gets_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
