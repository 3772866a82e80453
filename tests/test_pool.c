/* test_pool.c - the pool's semantics (every task runs once, results match their tasks,
 * close and join as the notes' Pool), each failure's distinct result with the pool going
 * on, and no worker left after join or after the pool's owner is killed; the counts that
 * make "a pool reuses its workers" and "nothing runs twice" measurements (distinct
 * worker ids, runs per task, workers made up front); the notes' Pool(3) sleeps and their
 * greedy in-order schedule. */
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
#include <stdlib.h>
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

/* How many distinct non-zero ids among n. */
static int distinct(const pid_t *id, int n)
{
	int d = 0;
	for (int i = 0; i < n; i++) {
		bool seen = id[i] == 0;
		for (int j = 0; j < i && !seen; j++)
			seen = id[j] == id[i];
		d += !seen;
	}
	return d;
}

static void test_pool_reuses_its_workers(void **state)
{
	(void)state;
	enum { N = 10, W = 3 };
	for (size_t k = 0; k < 2; k++) {
		struct pool *p = pool_create(worker_kind_find(kinds[k]), W, NULL);
		assert_non_null(p);
		unsigned h[N];
		pid_t tid[N];
		for (int i = 0; i < N; i++)
			assert_int_equal(pool_submit(p, pool_task_sleep, 1000000, &h[i]), 0);
		for (int i = 0; i < N; i++) {
			struct pool_result r;
			assert_int_equal(pool_wait(p, h[i], &r), 0);
			assert_int_equal(r.status, POOL_OK);
			assert_int_not_equal(r.tid, 0);
			assert_int_equal(r.runs, 1);
			tid[i] = r.tid;
			/* A process worker's id is the pid of the worker in its slot; a thread's
			 * is its own, never the owner's. */
			if (k == 0)
				assert_int_equal(r.tid, pool_worker_pid(p, (unsigned)r.worker));
			else
				assert_int_not_equal(r.tid, getpid());
		}
		int d = distinct(tid, N);
		assert_true(d >= 1 && d <= W);
		struct pool_counts c;
		pool_counts(p, &c);
		assert_int_equal(c.submitted, N);
		assert_int_equal(c.started, N);
		assert_int_equal(c.workers_created, W);
		pool_close(p);
		assert_int_equal(pool_join(p), 0);
		pool_destroy(p);
	}
	assert_no_children();
}

static void test_worker_per_task_is_new_each_time(void **state)
{
	(void)state;
	enum { N = 10 };
	struct pool_who *who = mmap(NULL, N * sizeof *who, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(who != MAP_FAILED);
	for (size_t k = 0; k < 2; k++) {
		pid_t tid[N];
		for (int i = 0; i < N; i++) {
			struct worker w;
			who[i] = (struct pool_who){.ns = 0};
			assert_int_equal(worker_start(&w, worker_kind_find(kinds[k]), &task_busy_who,
						      (long)&who[i], NULL), 0);
			assert_int_equal(worker_reap(&w), 0);
			tid[i] = who[i].tid;
			assert_int_not_equal(tid[i], 0);
		}
		assert_int_equal(distinct(tid, N), N);
	}
	munmap(who, N * sizeof *who);
	assert_no_children();
}

static void test_workers_are_made_up_front(void **state)
{
	(void)state;
	for (size_t k = 0; k < 2; k++) {
		int64_t before = now_ns();
		struct pool *p = pool_create(worker_kind_find(kinds[k]), 3, NULL);
		int64_t after = now_ns();
		assert_non_null(p);
		/* Before any task: every worker already made, as mp.Pool does too. */
		for (unsigned i = 0; i < 3; i++) {
			assert_true(pool_worker_created_ns(p, i) >= before);
			assert_true(pool_worker_created_ns(p, i) <= after);
		}
		unsigned h;
		struct pool_result r;
		assert_int_equal(pool_submit(p, pool_task_busy, 0, &h), 0);
		assert_int_equal(pool_wait(p, h, &r), 0);
		/* The worker that ran it had entered its loop by then. */
		int64_t up = pool_worker_up_ns(p, (unsigned)r.worker);
		assert_true(up >= before && up <= r.start_ns);
		pool_close(p);
		pool_join(p);
		pool_destroy(p);
	}
	assert_no_children();
}

static void test_a_failed_task_is_not_run_again(void **state)
{
	(void)state;
	default_fault_signals();
	struct pool *p = pool_create(worker_kind_find("fork"), 2, NULL);
	assert_non_null(p);
	unsigned bad, next;
	struct pool_result r;
	assert_int_equal(pool_submit(p, pool_task_segv, 0, &bad), 0);
	assert_int_equal(pool_wait(p, bad, &r), 0);
	assert_int_equal(r.status, POOL_SIGNALED);
	assert_int_equal(r.runs, 1);
	pid_t dead = r.tid;
	assert_int_equal(pool_submit(p, pool_task_busy, 0, &next), 0);
	assert_int_equal(pool_wait(p, next, &r), 0);
	assert_int_equal(r.status, POOL_OK);
	assert_int_not_equal(r.tid, dead); /* the dead worker's replacement, or the other */
	pool_close(p);
	assert_int_equal(pool_join(p), 0);
	struct pool_counts c;
	pool_counts(p, &c);
	assert_int_equal(c.submitted, 2);
	assert_int_equal(c.started, 2);       /* the failed task was not handed out again */
	assert_int_equal(c.workers_created, 3); /* two, and one replacement */
	pool_destroy(p);
	assert_no_children();
}

/* The notes' Pool(3) sleeps: these ten values are also written in tests/scripts_kit.py,
 * whose user tests/test_pool_notes.py checks that py_bench.py's generator and
 * tvp-bench's JSON give the same. */
static const int64_t notes_sleeps_us[POOL_NOTES_TASKS] = {2032, 24947, 13115, 14196, 8376,
							  17525, 23917, 25729, 2332, 29737};

static void test_notes_sleeps_and_greedy_ideal(void **state)
{
	(void)state;
	int64_t ns[POOL_NOTES_TASKS], again[POOL_NOTES_TASKS];
	pool_notes_sleeps(POOL_NOTES_SEED, POOL_NOTES_TASKS, ns);
	pool_notes_sleeps(POOL_NOTES_SEED, POOL_NOTES_TASKS, again);
	for (int i = 0; i < POOL_NOTES_TASKS; i++) {
		assert_int_equal(ns[i], notes_sleeps_us[i] * 1000);
		assert_int_equal(ns[i], again[i]);
	}
	/* 0 is the generator's fixed point: it starts from 1 instead, as 2^31 - 1 does. */
	int64_t zero[3], m[3];
	pool_notes_sleeps(0, 3, zero);
	pool_notes_sleeps(2147483647u, 3, m);
	assert_memory_equal(zero, m, sizeof zero);
	assert_int_not_equal(zero[0], zero[1]);
	/* The greedy in-order schedule: each task to the worker free first, ties to the
	 * lowest. 5, 1, 1, 1, 4 on two workers: 0->w0 [0,5], 1->w1 [0,1], 2->w1 [1,2],
	 * 3->w1 [2,3], 4->w1 [3,7]: makespan 7 (the bound, max(5, 12/2) = 6, is lower). */
	int64_t d[] = {5, 1, 1, 1, 4}, start[5];
	int who[5];
	assert_int_equal(pool_greedy_ns(d, 5, 2, who, start), 7);
	static const int want_who[] = {0, 1, 1, 1, 1};
	static const int64_t want_start[] = {0, 0, 1, 2, 3};
	for (int i = 0; i < 5; i++) {
		assert_int_equal(who[i], want_who[i]);
		assert_int_equal(start[i], want_start[i]);
	}
	/* The notes' sleeps on three workers: the value py_bench.py and the report compute. */
	assert_int_equal(pool_greedy_ns(ns, POOL_NOTES_TASKS, 3, NULL, NULL), 65822000);
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
		cmocka_unit_test(test_pool_reuses_its_workers),
		cmocka_unit_test(test_worker_per_task_is_new_each_time),
		cmocka_unit_test(test_workers_are_made_up_front),
		cmocka_unit_test(test_a_failed_task_is_not_run_again),
		cmocka_unit_test(test_notes_sleeps_and_greedy_ideal),
	};
	return tvp_run_tests("pool", tests, task_page_setup, task_page_teardown);
}
