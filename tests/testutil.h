/* testutil.h - what the cmocka tests share: the task page as group set-up, the check
 * that no child process is left, and the harness that runs each test in a child of its
 * own. Include after cmocka.h. */
#ifndef TVP_TESTUTIL_H
#define TVP_TESTUTIL_H

#include "task.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

__attribute__((unused)) static int task_page_setup(void **state)
{
	(void)state;
	return task_page_open();
}

__attribute__((unused)) static int task_page_teardown(void **state)
{
	(void)state;
	task_page_close();
	return 0;
}

/* Every child was reaped: no live child and no zombie. */
__attribute__((unused)) static void assert_no_children(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* How long a test may wait for something that must happen (a killed worker to go, a
 * count to be reached): half the harness's limit on the test (TVP_TEST_TIMEOUT, 300 s
 * by default), not a few seconds that a slow machine might need. A wait that runs out
 * is a failure; the condition normally holds within milliseconds. */
static inline int64_t patience_ns(void)
{
	const char *env = getenv("TVP_TEST_TIMEOUT");
	long limit_s = env && atol(env) > 0 ? atol(env) : 300;
	return (int64_t)limit_s * 1000000000 / 2;
}

/* make coverage builds with -DTVP_COVERAGE: gcc's counters are written by exit(), and
 * the harness's child leaves by _exit(), so it writes them itself first. */
#ifdef TVP_COVERAGE
void __gcov_dump(void);
#define coverage_flush() __gcov_dump()
#else
#define coverage_flush() ((void)0)
#endif

/* --- the harness -----------------------------------------------------------------
 * Each test runs in a child of its own, as the kselftest harness does, so a crash or a
 * hang fails that test by name and the others still run. The child leads a process
 * group, so a test that hangs is killed with every process it started. The limit,
 * TVP_TEST_TIMEOUT seconds (default 300), is a bound on a hang, never a timing
 * assertion. A test that leaves a process of its group alive fails too: a leak.
 * Output is TAP: the child's cmocka report as comments, then one "ok N - name" or
 * "not ok N - name # why" line per test, the plan first. */

static int64_t harness_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keeps what the child writes (the tail of it) and waits for the child, until the
 * deadline; returns false when the child is still running then. A process the test
 * left behind may hold the pipe open, so the child's exit, not end-of-file, ends it. */
static bool harness_watch(pid_t pid, int fd, int64_t deadline_ms, char *out, size_t size,
			  int *status)
{
	size_t used = 0;
	bool exited = false;
	out[0] = '\0';
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, exited ? 0 : 50);
		ssize_t n = 0;
		if (r > 0) {
			if (used + 1024 > size) { /* keep the tail: the failure is at the end */
				memmove(out, out + size / 2, used - size / 2);
				used -= size / 2;
			}
			n = read(fd, out + used, size - used - 1);
			if (n > 0) {
				used += (size_t)n;
				out[used] = '\0';
				continue;
			}
		}
		if (exited && n <= 0)
			return true;
		pid_t w = waitpid(pid, status, WNOHANG);
		exited = w == pid || (w < 0 && errno != EINTR);
		if (!exited && harness_now_ms() >= deadline_ms)
			return false;
	}
}

/* Each line of the child's report as a TAP comment. */
static void harness_print_comment(const char *text)
{
	while (*text) {
		size_t len = strcspn(text, "\n");
		printf("#   %.*s\n", (int)len, text);
		text += len + (text[len] == '\n');
	}
}

/* True when a process of group pgid is still there after a grace period (a killed
 * worker is briefly a zombie of init). */
static bool harness_group_left(pid_t pgid)
{
	for (int i = 0; i < 100; i++) {
		if (kill(-pgid, 0) != 0)
			return false;
		usleep(50000);
	}
	return true;
}

static int harness_run(const char *group, const struct CMUnitTest *tests, size_t n,
		       CMFixtureFunction setup, CMFixtureFunction teardown)
{
	const char *env = getenv("TVP_TEST_TIMEOUT");
	long limit_s = env && atol(env) > 0 ? atol(env) : 300;
	int failed = 0;
	printf("1..%zu\n", n);
	fflush(stdout);
	for (size_t i = 0; i < n; i++) {
		int fd[2];
		if (pipe(fd) != 0) {
			printf("not ok %zu - %s # pipe: %s\n", i + 1, tests[i].name, strerror(errno));
			failed++;
			continue;
		}
		fflush(NULL);
		pid_t pid = fork();
		if (pid == 0) {
			setpgid(0, 0);
			close(fd[0]);
			dup2(fd[1], STDOUT_FILENO);
			dup2(fd[1], STDERR_FILENO);
			close(fd[1]);
			cmocka_set_message_output(CM_OUTPUT_STDOUT);
			int rc = _cmocka_run_group_tests(group, &tests[i], 1, setup, teardown);
			fflush(NULL);
			coverage_flush();
			_exit(rc == 0 ? 0 : 1);
		}
		close(fd[1]);
		if (pid < 0) {
			close(fd[0]);
			printf("not ok %zu - %s # fork: %s\n", i + 1, tests[i].name, strerror(errno));
			failed++;
			continue;
		}
		setpgid(pid, pid); /* also here: no race with a kill before the child runs */
		int64_t deadline = harness_now_ms() + limit_s * 1000;
		static char report[16384];
		int status = 0;
		bool in_time = harness_watch(pid, fd[0], deadline, report, sizeof report, &status);
		close(fd[0]);
		if (!in_time) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
		bool skipped = strstr(report, "SKIP") != NULL;
		bool left = harness_group_left(pid);
		if (left)
			kill(-pid, SIGKILL);
		char why[128] = "";
		if (!in_time)
			snprintf(why, sizeof why, "timed out after %ld s (TVP_TEST_TIMEOUT)", limit_s);
		else if (WIFSIGNALED(status))
			snprintf(why, sizeof why, "killed by signal %s", strsignal(WTERMSIG(status)));
		else if (WEXITSTATUS(status) != 0)
			snprintf(why, sizeof why, "failed");
		else if (left)
			snprintf(why, sizeof why, "left a process of its group running");
		if (why[0] || skipped)
			harness_print_comment(report);
		if (why[0]) {
			printf("not ok %zu - %s # %s\n", i + 1, tests[i].name, why);
			failed++;
		} else {
			printf("ok %zu - %s%s\n", i + 1, tests[i].name, skipped ? " # SKIP" : "");
		}
		fflush(stdout);
	}
	return failed > 255 ? 255 : failed;
}

/* The drop-in for cmocka_run_group_tests_name. */
#define tvp_run_tests(group, tests, setup, teardown) \
	harness_run(group, tests, sizeof(tests) / sizeof((tests)[0]), setup, teardown)

#endif
