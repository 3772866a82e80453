/* test_behaviours_http.c - behaviours of the http scenario's measuring that a
 * deliberate break once changed with every other test still passing (issue 26; split
 * from test_behaviours.c): wrk's latency units, a connection held only when answered
 * 200, a server's tree holding every descendant. Each test says which break it catches
 * (tests/mutant_list.py). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "http_run.h"
#include "http_server.h"
#include "util.h"
#include "worker.h"
#include "wrk.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Break wrk-ms-as-s: wrk prints a latency in the unit that fits it (850.00us, 1.20ms,
 * 1.50s, 2.00m); each is read in microseconds. */
static void test_wrk_latency_units(void **state)
{
	(void)state;
	static const char *const units[][2] = {
		{"850.00us", "850"}, {"1.20ms", "1200"}, {"1.50s", "1500000"}, {"2.00m", "120000000"}};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		char out[512];
		snprintf(out, sizeof out,
			 "  Latency Distribution\n     50%%  %s\n     99%%  %s\n"
			 "  10 requests in 1.00s, 1.00KB read\nRequests/sec:     10.00\n",
			 units[i][0], units[i][0]);
		struct wrk_result r;
		assert_int_equal(wrk_parse(out, &r), 0);
		double want = strtod(units[i][1], NULL);
		assert_true(r.p50_us > want * 0.999 && r.p50_us < want * 1.001);
		assert_true(r.p99_us > want * 0.999 && r.p99_us < want * 1.001);
	}
}

/* A one-thread server for http_hold: answers each of n connections' request with the
 * small body under the status line it is given. */

struct status_server {
	int lfd, n;
	const char *status;
};

static void *serve_status(void *arg)
{
	struct status_server *ss = arg;
	size_t blen;
	const char *body = http_body(HTTP_SMALL_PATH, &blen);
	for (int i = 0; i < ss->n; i++) {
		int fd = accept(ss->lfd, NULL, NULL);
		if (fd < 0)
			break;
		char req[1024], head[160];
		ssize_t got = read(fd, req, sizeof req);
		(void)got;
		int h = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Length: %zu\r\n\r\n",
				 ss->status, blen);
		if (write(fd, head, (size_t)h) != h || write(fd, body, blen) != (ssize_t)blen)
			break;
		/* Closed once answered: http_hold judges a connection by its whole answer,
		 * which is in the client's socket by then. */
		close(fd);
	}
	return NULL;
}

/* How many of n connections http_hold counts held against a server answering status. */
static int held_under(const char *status, int n)
{
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(lfd, 16), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &al), 0);
	struct status_server ss = {lfd, n, status};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, serve_status, &ss), 0);
	struct http_peer peer = {.server = 0, .pid = -1, .port = ntohs(a.sin_port)};
	int fds[8];
	int held = http_hold(&peer, n, 2.0, fds);
	http_release(fds, n);
	pthread_join(t, NULL);
	close(lfd);
	return held;
}

/* Break http-hold-any-status: a connection counts as held when its request was answered
 * 200 with the body; an error status with the same bytes after it (a server refusing,
 * overloaded) is no connection served. */
static void test_held_only_when_answered_200(void **state)
{
	(void)state;
	assert_int_equal(held_under("200 OK", 3), 3);
	assert_int_equal(held_under("503 Service Unavailable", 3), 0);
}

/* Break http-tree-children-only: a server's processes are its first one and every
 * descendant, however deep (a server whose workers fork helpers of their own): a chain
 * of three processes is three. */
static void test_server_tree_holds_every_descendant(void **state)
{
	(void)state;
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t root = fork();
	assert_true(root >= 0);
	if (root == 0) {
		/* root -> child -> grandchild, a process group of their own, each waiting to
		 * be killed with it. */
		setpgid(0, 0);
		for (int depth = 0; depth < 2; depth++) {
			pid_t pid = fork();
			if (pid < 0)
				_exit(1);
			if (pid > 0)
				for (;;)
					pause();
		}
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	struct http_peer peer = {.server = 0, .pid = root, .port = 0};
	int threads = 0;
	int n = http_tree_procs(&peer, &threads);
	/* The chain dies with its process group: the root reaped here, its descendants
	 * (reparented) waited for until the group is empty. */
	kill(-root, SIGKILL);
	waitpid(root, NULL, 0);
	for (int i = 0; i < 1000 && kill(-root, 0) == 0; i++)
		usleep(1000);
	assert_int_equal(n, 3);
	assert_int_equal(threads, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrk_latency_units),
		cmocka_unit_test(test_held_only_when_answered_200),
		cmocka_unit_test(test_server_tree_holds_every_descendant),
	};
	return tvp_run_tests("behaviours_http", tests, task_page_setup, task_page_teardown);
}
