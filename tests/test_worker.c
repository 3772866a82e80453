/* test_worker.c - every worker kind runs its task, reports how it ended, leaves no
 * zombie, and honours the CPU set it is started on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "cow.h"
#include "task.h"
#include "task_registry.h"
#include "util.h"
#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>


static void test_exit_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < worker_nkinds; i++) {
		const struct worker_kind *k = &worker_kinds[i];
		for (long code = 0; code <= 3; code += 3) {
			struct worker w;
			assert_int_equal(worker_start(&w, k, &task_exit, code, NULL), 0);
			assert_int_equal(worker_reap(&w), 0);
			assert_false(w.exit.signaled);
			assert_int_equal(w.exit.code, code);
		}
	}
	assert_no_children();
}

static void test_signals(void **state)
{
	(void)state;
	for (size_t i = 0; i < worker_nkinds; i++) {
		const struct worker_kind *k = &worker_kinds[i];
		struct worker w;
		/* A signal in a thread ends the whole process: watched from a child
		 * process of the test's own, it must end that child. */
		if (k->mode == MODE_THREAD) {
			fflush(NULL);
			pid_t child = fork();
			assert_true(child >= 0);
			if (child == 0) {
				if (worker_start(&w, k, &task_raise, SIGUSR1, NULL) == 0)
					worker_reap(&w);
				_exit(0); /* not reached when the signal ended the process */
			}
			int status;
			assert_int_equal(waitpid(child, &status, 0), child);
			assert_true(WIFSIGNALED(status));
			assert_int_equal(WTERMSIG(status), SIGUSR1);
			continue;
		}
		/* A vfork child may run no such task: refused, never run. */
		int rc = worker_start(&w, k, &task_raise, SIGUSR1, NULL);
		if (strcmp(k->name, "vfork") == 0) {
			assert_int_equal(rc, EINVAL);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(worker_reap(&w), 0);
		assert_true(w.exit.signaled);
		assert_int_equal(w.exit.code, SIGUSR1);
		char buf[32];
		assert_string_equal(worker_exit_str(&w.exit, buf, sizeof buf), "signal SIGUSR1");
	}
	assert_no_children();
}

static void test_start_stamp(void **state)
{
	(void)state;
	for (size_t i = 0; i < worker_nkinds; i++) {
		struct worker w;
		task_page()->start_ns = 0;
		int64_t t0 = now_ns();
		assert_int_equal(worker_start(&w, &worker_kinds[i], &task_stamp, 0, NULL), 0);
		assert_int_equal(worker_reap(&w), 0);
		assert_int_equal(w.exit.code, 0);
		/* The worker's stamp lies between the create call and now. */
		assert_true(task_page()->start_ns >= t0);
		assert_true(task_page()->start_ns <= now_ns());
	}
	assert_no_children();
}

static void test_affinity(void **state)
{
	(void)state;
	cpu_set_t one, before, after;
	CPU_ZERO(&one);
	assert_int_equal(sched_getaffinity(0, sizeof before, &before), 0);
	int cpu = -1;
	for (int c = CPU_SETSIZE - 1; c >= 0 && cpu < 0; c--)
		if (CPU_ISSET(c, &before))
			cpu = c; /* the last CPU we may use: not the default first one */
	CPU_SET(cpu, &one);
	for (size_t i = 0; i < worker_nkinds; i++) {
		const struct worker_kind *k = &worker_kinds[i];
		if (k->execs || strcmp(k->name, "vfork") == 0)
			continue; /* affinity is a page-writing task the in-image kinds run */
		struct worker w;
		CPU_ZERO(&task_page()->affinity);
		assert_int_equal(worker_start(&w, k, &task_affinity, 0, &one), 0);
		assert_int_equal(worker_reap(&w), 0);
		assert_int_equal(w.exit.code, 0);
		assert_true(CPU_EQUAL(&task_page()->affinity, &one));
	}
	/* The caller's own CPU set is back as it was. */
	assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
	assert_true(CPU_EQUAL(&before, &after));
}

static void test_missing_helper(void **state)
{
	(void)state;
	/* A helper that is not there: exec fails in the child (exit 127), and posix_spawn
	 * says so to the caller. Either way the scenario can name the cause. */
	worker_set_helper_path("/nonexistent/tvp-helper");
	struct worker w;
	assert_int_equal(worker_start(&w, worker_kind_find("fork_exec"), &task_exit, 0, NULL), 0);
	assert_int_equal(worker_reap(&w), 0);
	assert_int_equal(w.exit.code, 127);
	assert_int_equal(worker_start(&w, worker_kind_find("posix_spawn"), &task_exit, 0, NULL),
			 ENOENT);
	worker_set_helper_path(NULL);
	assert_no_children();
}

static void test_kind_table(void **state)
{
	(void)state;
	assert_non_null(worker_kind_find("pthread"));
	assert_non_null(worker_kind_find("posix_spawn"));
	assert_null(worker_kind_find("nonesuch"));
	assert_string_equal(worker_mode_name(MODE_THREAD), "thread");
	assert_string_equal(worker_mode_name(MODE_PROCESS), "process");
	for (size_t i = 0; i < worker_nkinds; i++) {
		const struct worker_kind *k = &worker_kinds[i];
		assert_true(k->mode == MODE_THREAD || k->mode == MODE_PROCESS);
		assert_ptr_equal(worker_kind_find(k->name), k);
	}
	assert_ptr_equal(worker_kind_find("fork"), &worker_kinds[KIND_FORK]);
}

static void test_refuses_pairs_that_cannot_work(void **state)
{
	(void)state;
	/* An exec-based kind runs tvp-helper, which cannot run a task that needs this
	 * program's memory: refused at the start, with a reason naming both, and nothing
	 * started. */
	const struct worker_kind *spawn = &worker_kinds[KIND_POSIX_SPAWN];
	struct worker w;
	char why[256];
	assert_false(worker_can_run(spawn, &task_cow_write));
	assert_int_equal(worker_start(&w, spawn, &task_cow_write, 0, NULL), EINVAL);
	worker_refusal_str(spawn, &task_cow_write, why, sizeof why);
	assert_non_null(strstr(why, "posix_spawn"));
	assert_non_null(strstr(why, "cow_write"));
	/* A vfork child borrows the parent's memory: only vfork-safe tasks. */
	assert_int_equal(worker_start(&w, &worker_kinds[KIND_VFORK], &task_busy, 0, NULL), EINVAL);
	worker_refusal_str(&worker_kinds[KIND_VFORK], &task_busy, why, sizeof why);
	assert_non_null(strstr(why, "vfork"));
	assert_no_children();

	/* Every pair of the tables: the registry names every task, and each one is
	 * refused exactly where it cannot work, by what the task says of itself. */
	for (size_t i = 0; i < worker_nkinds; i++) {
		const struct worker_kind *k = &worker_kinds[i];
		for (size_t t = 0; t < TASK_NTASKS; t++) {
			const struct task *task = task_registry[t];
			assert_non_null(task);
			assert_ptr_equal(task_find(task->name), task);
			bool can = k->execs            ? task->exec
				   : k->borrows_memory ? task->vfork_safe
						       : true;
			assert_int_equal(worker_can_run(k, task), can);
			worker_refusal_str(k, task, why, sizeof why);
			assert_int_equal(why[0] == '\0', can);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_table),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_start_stamp),
		cmocka_unit_test(test_affinity),
		cmocka_unit_test(test_missing_helper),
		cmocka_unit_test(test_refuses_pairs_that_cannot_work),
	};
	return tvp_run_tests("worker", tests, task_page_setup, task_page_teardown);
}
