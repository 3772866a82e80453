/* test_pool.c - the pool's semantics (every task runs once, results match their tasks,
 * close and join as the notes' Pool), each failure's distinct result with the pool going
 * on, and no worker left after join or after the pool's owner is killed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "pool.h"
#include "pool_tasks.h"
#include "util.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *const kinds[] = {"fork", "pthread"};

/* Counts its runs in shared memory, so a run in a forked worker counts too. */
static int64_t *runs;

static int count_and_square(int64_t arg, int64_t *result)
{
	__atomic_add_fetch(&runs[arg], 1, __ATOMIC_RELAXED);
	*result = arg * arg;
	return 0;
}

static void test_every_task_once(void **state)
{
	(void)state;
	enum { N = 500 };
	runs = mmap(NULL, N * sizeof *runs, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	for (size_t k = 0; k < 2; k++) {
		memset(runs, 0, N * sizeof *runs);
		struct pool *p = pool_create(worker_kind_find(kinds[k]), 3, NULL);
		assert_non_null(p);
		unsigned h[N];
		for (int64_t i = 0; i < N; i++)
			assert_int_equal(pool_submit(p, count_and_square, i, &h[i]), 0);
		for (int64_t i = 0; i < N; i++) {
			struct pool_result r;
			assert_int_equal(pool_wait(p, h[i], &r), 0);
			assert_int_equal(r.status, POOL_OK);
			assert_int_equal(r.value, i * i); /* its own task's result */
		}
		pool_close(p);
		assert_int_equal(pool_join(p), 0);
		for (int i = 0; i < N; i++)
			assert_int_equal(runs[i], 1);
		pool_destroy(p);
	}
	munmap(runs, N * sizeof *runs);
	assert_no_children();
}

static void test_close_and_join(void **state)
{
	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct pool *p = pool_create(worker_kind_find(kinds[k]), 2, NULL);
		unsigned h;
		assert_int_equal(pool_join(p), EINVAL); /* join before close */
		assert_int_equal(pool_submit(p, pool_task_sleep, 20000000, &h), 0);
		pool_close(p);
		assert_int_equal(pool_submit(p, pool_task_busy, 0, &h), EPIPE); /* after close */
		assert_int_equal(pool_join(p), 0); /* waits for the task in flight */
		struct pool_result r;
		assert_int_equal(pool_wait(p, h, &r), 0);
		assert_int_equal(r.status, POOL_OK);
		pool_destroy(p);
	}
	assert_no_children();
}

static void check_failure(const char *kind, pool_fn fn, int64_t arg, enum pool_status want,
			  int code)
{
	struct pool_opts opts = {.task_timeout_ns = 50000000};
	struct pool *p = pool_create(worker_kind_find(kind), 2, &opts);
	unsigned h;
	struct pool_result r;
	assert_int_equal(pool_submit(p, fn, arg, &h), 0);
	assert_int_equal(pool_wait(p, h, &r), 0);
	assert_int_equal(r.status, want);
	assert_int_equal(r.code, code);
	/* The pool goes on: the next task runs. */
	assert_int_equal(pool_submit(p, count_and_square, 0, &h), 0);
	assert_int_equal(pool_wait(p, h, &r), 0);
	assert_int_equal(r.status, POOL_OK);
	pool_close(p);
	assert_int_equal(pool_join(p), 0);
	pool_destroy(p);
}

/* cmocka catches SIGSEGV and SIGABRT to report a crashing test; workers forked from here
 * would inherit that and never die of their faults. Put the defaults back. */
static void default_fault_signals(void)
{
	signal(SIGSEGV, SIG_DFL);
	signal(SIGABRT, SIG_DFL);
}

static void test_failures_are_distinct(void **state)
{
	(void)state;
	default_fault_signals();
	static int64_t one;
	runs = &one;
	check_failure("fork", pool_task_error, 7, POOL_ERROR, 7);
	check_failure("fork", pool_task_exit, 3, POOL_EXITED, 3);
	check_failure("fork", pool_task_segv, 0, POOL_SIGNALED, SIGSEGV);
	check_failure("fork", pool_task_abort, 0, POOL_SIGNALED, SIGABRT);
	check_failure("fork", pool_task_hang, 0, POOL_TIMEOUT, 0);
	check_failure("pthread", pool_task_error, 7, POOL_ERROR, 7);
	check_failure("pthread", pool_task_hang, 0, POOL_TIMEOUT, 0);
	assert_no_children();
}

static void test_thread_pool_crash_takes_the_process(void **state)
{
	(void)state;
	pid_t pid = fork();
	if (pid == 0) {
		default_fault_signals();
		struct pool *p = pool_create(worker_kind_find("pthread"), 2, NULL);
		unsigned h;
		struct pool_result r;
		pool_submit(p, pool_task_segv, 0, &h);
		pool_wait(p, h, &r);
		_exit(0); /* not reached: the thread's fault is the process's */
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSEGV);
}

static bool gone(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (read_text(path, buf, sizeof buf) != 0)
		return true;
	char *state = strrchr(buf, ')');
	return state && state[2] == 'Z'; /* dead, waiting for init to reap it */
}

static void test_no_orphan_when_owner_killed(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t owner = fork();
	if (owner == 0) {
		struct pool *p = pool_create(worker_kind_find("fork"), 2, NULL);
		pid_t w[2] = {pool_worker_pid(p, 0), pool_worker_pid(p, 1)};
		if (write(fds[1], w, sizeof w) != sizeof w)
			_exit(1);
		pause();
		_exit(0);
	}
	pid_t w[2];
	assert_int_equal(read(fds[0], w, sizeof w), sizeof w);
	kill(owner, SIGKILL);
	assert_int_equal(waitpid(owner, NULL, 0), owner);
	int64_t deadline = now_ns() + patience_ns();
	while (!(gone(w[0]) && gone(w[1])) && now_ns() < deadline)
		usleep(10000);
	assert_true(gone(w[0]));
	assert_true(gone(w[1]));
	close(fds[0]);
	close(fds[1]);
}

static void test_scribble(void **state)
{
	(void)state;
	for (size_t k = 0; k < 2; k++) {
		pool_victim_fill();
		struct pool *p = pool_create(worker_kind_find(kinds[k]), 2, NULL);
		assert_non_null(p);
		unsigned h;
		struct pool_result r;
		assert_int_equal(pool_submit(p, pool_task_scribble, 0, &h), 0);
		assert_int_equal(pool_wait(p, h, &r), 0);
		assert_int_equal(r.status, POOL_OK); /* the write itself is no failure */
		/* A thread wrote over its owner's memory; a process only over its copy. */
		assert_int_equal(pool_victim_intact(), k == 0 ? 1 : 0);
		pool_close(p);
		pool_join(p);
		pool_destroy(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_task_once),
		cmocka_unit_test(test_close_and_join),
		cmocka_unit_test(test_failures_are_distinct),
		cmocka_unit_test(test_thread_pool_crash_takes_the_process),
		cmocka_unit_test(test_no_orphan_when_owner_killed),
		cmocka_unit_test(test_scribble),
	};
	return tvp_run_tests("pool", tests, task_page_setup, task_page_teardown);
}
