/* test_behaviours.c - behaviours of the C side that a deliberate break once changed with
 * every other test still passing (issue 26), for workers and pools: fork's start stamp
 * taken in the child after fork, pool_wait refusing a slot with no task, every task
 * found by name, a worker tied to its owner, killed on Ctrl-C, parked and released,
 * the helper refusing an in-image task, the minimal parent. The same for the
 * transports is in test_behaviours_ipc.c, for memory and limits in
 * test_behaviours_memory.c, for the http scenario's servers in test_behaviours_http.c.
 * Each test says which break it catches (tests/mutant_list.py). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "cleanup.h"
#include "cow.h"
#include "gate.h"
#include "ipc/peer.h"
#include "minimal.h"
#include "nums.h"
#include "park.h"
#include "pool.h"
#include "scale.h"
#include "task.h"
#include "task_registry.h"
#include "util.h"
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* Break fork-stamped-in-parent. The start stamp is the child's first instruction after
 * fork: with a parent holding 512 MiB of touched 4 KiB pages, fork copies 131072 page
 * table entries before the child can run, at least a few hundred microseconds on any
 * machine, so the stamp lies that far past the start of the call, whatever the load
 * (a busy machine only makes it later). A stamp taken before fork() lies within a
 * microsecond or two of it (and Google Benchmark, seeing near-zero times, runs huge
 * iteration counts). The least of three tries, so one preemption at the wrong moment
 * cannot make the break look right. */
static void test_fork_start_stamped_in_the_child(void **state)
{
	(void)state;
	const size_t size = 512UL << 20;
	const int64_t floor_ns = 100000;
	char *ballast = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(ballast != MAP_FAILED);
	madvise(ballast, size, MADV_NOHUGEPAGE); /* one entry per 4 KiB page to copy */
	memset(ballast, 1, size);
	const struct worker_kind *k = worker_kind_find("fork");
	assert_non_null(k);
	int64_t least = INT64_MAX;
	for (int i = 0; i < 3; i++) {
		task_page()->start_ns = 0;
		struct worker w;
		int64_t t0 = now_ns();
		assert_int_equal(worker_start(&w, k, &task_stamp, 0, NULL), 0);
		assert_int_equal(worker_reap(&w), 0);
		assert_int_equal(w.exit.code, 0);
		int64_t stamp = __atomic_load_n(&task_page()->start_ns, __ATOMIC_ACQUIRE);
		assert_true(stamp >= t0);
		if (stamp - t0 < least)
			least = stamp - t0;
	}
	munmap(ballast, size);
	if (least < floor_ns)
		fail_msg("start stamp %lld ns into fork with 512 MiB to copy: not taken in the "
			 "child after fork", (long long)least);
	assert_no_children();
}

static int square(int64_t arg, int64_t *result)
{
	*result = arg * arg;
	return 0;
}

/* Break pool-wait-stale. pool_wait on a slot that holds no task (one never used, or
 * one whose result was already taken) refuses with EINVAL: it neither waits forever
 * nor hands back the stale result of an earlier task. */
static void test_pool_wait_on_an_empty_slot_refuses(void **state)
{
	(void)state;
	static const char *const kinds[] = {"pthread", "fork"};
	for (size_t i = 0; i < 2; i++) {
		struct pool *p = pool_create(worker_kind_find(kinds[i]), 1, NULL);
		assert_non_null(p);
		unsigned h;
		struct pool_result res;
		assert_int_equal(pool_submit(p, square, 7, &h), 0);
		assert_int_equal(pool_wait(p, h, &res), 0);
		assert_int_equal(res.value, 49);
		res.value = -1;
		assert_int_equal(pool_wait(p, h, &res), EINVAL); /* taken already */
		assert_int_equal(res.value, -1);
		assert_int_equal(pool_wait(p, h + 1, &res), EINVAL); /* never used */
		assert_int_equal(pool_wait(p, 1u << 30, &res), EINVAL); /* no such slot */
		pool_close(p);
		assert_int_equal(pool_join(p), 0);
		pool_destroy(p);
	}
	assert_no_children();
}

/* Break registry-busy-is-park. Every task the helper can be asked for by name is found
 * under that name, as itself: a table entry pointing at another task hides its own. */
static void test_registry_finds_every_task_by_name(void **state)
{
	(void)state;
	const struct task *const all[] = {&task_exit,	     &task_stamp,	&task_raise,
					  &task_affinity,    &task_park,	&task_busy,
					  &task_ipc_produce, &task_ipc_echo,	&task_bw_write,
					  &task_cow_write,   &task_nums_append, &task_scale,
					  &task_pool_worker};
	assert_int_equal(sizeof all / sizeof all[0], TASK_NTASKS);
	for (size_t i = 0; i < TASK_NTASKS; i++) {
		if (task_find(all[i]->name) != all[i])
			fail_msg("task_find(\"%s\") is not that task", all[i]->name);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(all[i]->name, all[j]->name);
	}
	assert_null(task_find("no-such-task"));
}

/* Break tie-to-owner-always. tie_to_owner says whether the caller's parent is still the
 * owner it names: a worker whose owner already died (its parent is now someone else)
 * must not count itself in. */
static void test_tie_to_owner_names_the_parent(void **state)
{
	(void)state;
	pid_t me = getpid();
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		bool ok = tie_to_owner(me) && !tie_to_owner(me + 1000000);
		_exit(ok ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Break cleanup-kills-nobody. Ctrl-C kills and reaps every worker process the benchmark
 * process started, also one not tied to it by the parent-death signal (a worker busy
 * in a task that never asked for one): a child plays the benchmark process, starts
 * such a worker, says its pid, and interrupts itself. */
static void test_interrupt_kills_an_untied_worker(void **state)
{
	(void)state;
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t bench = fork();
	assert_true(bench >= 0);
	if (bench == 0) {
		close(fd[0]);
		cleanup_on_signals();
		struct worker w;
		if (worker_start(&w, worker_kind_find("fork"), &task_busy, 60000000000L, NULL))
			_exit(3);
		if (write(fd[1], &w.pid, sizeof w.pid) != (ssize_t)sizeof w.pid)
			_exit(4);
		kill(getpid(), SIGINT);
		_exit(5); /* not reached: the handler re-raises SIGINT at its default */
	}
	close(fd[1]);
	pid_t worker = 0;
	assert_int_equal(read(fd[0], &worker, sizeof worker), (ssize_t)sizeof worker);
	close(fd[0]);
	int status;
	assert_int_equal(waitpid(bench, &status, 0), bench);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGINT);
	/* The handler reaped it before re-raising: no such process now. */
	int alive = kill(worker, 0) == 0;
	if (alive)
		kill(worker, SIGKILL); /* an orphan now: its new parent reaps it */
	assert_false(alive);
}

/* Break gate-eof-opens. A worker waiting at the gate whose owner is gone (every write
 * end closed: end of file) is told so (EPIPE) and does not run as if released; a real
 * release lets it through. */
static void test_gate_tells_release_from_owner_gone(void **state)
{
	(void)state;
	for (int release = 0; release < 2; release++) {
		struct gate g;
		assert_int_equal(gate_open(&g), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct gate mine = g;
			if (gate_join(&mine) != 0)
				_exit(3);
			int rc = gate_wait(&mine);
			_exit(rc == 0 ? 0 : rc == EPIPE ? 1 : 2);
		}
		if (release)
			gate_release(&g, 1);
		gate_close(&g); /* the owner's ends: without a release, end of file */
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), release ? 0 : 1);
	}
}

/* Break park-release-ignores-exit. park_release counts a parked worker that did not end
 * cleanly (killed at the gate here) among the bad ones, not only a failed reap. */
static void test_park_release_counts_a_killed_worker(void **state)
{
	(void)state;
	struct park p;
	assert_int_equal(park_start(&p, worker_kind_find("fork"), 3), 0);
	assert_int_equal(park_wait(&p, (int)(patience_ns() / 1000000)), 0);
	assert_int_equal(kill(p.workers[1].pid, SIGKILL), 0);
	assert_int_equal(park_release(&p), 1);
	assert_no_children();
}

/* Break helper-runs-any-task. tvp-helper refuses, with status 2, a task that needs the
 * memory of the program that started it (one not marked exec): run in a fresh image it
 * would read pointers that were never set. */
static void test_helper_refuses_an_in_image_task(void **state)
{
	(void)state;
	static const char *const tasks[] = {"nums_append", "scale", "cow_write"};
	for (size_t i = 0; i < 3; i++) {
		assert_false(task_find(tasks[i])->exec);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);
			dup2(null, STDERR_FILENO);
			execl(worker_helper_path(), "tvp-helper", tasks[i], "0", "-1", (char *)NULL);
			_exit(127);
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 2)
			fail_msg("tvp-helper %s: %s %d, not a refusal (status 2)", tasks[i],
				 WIFEXITED(status) ? "exit status" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
}

/* Break stamp-not-counted. The stamp task counts its run on the page beside its time:
 * the create scenario's start rows check that each worker ran. */
static void test_stamp_counts_its_run(void **state)
{
	(void)state;
	static const char *const kinds[] = {"pthread", "fork", "vfork", "posix_spawn"};
	for (size_t i = 0; i < 4; i++) {
		__atomic_store_n(&task_page()->runs, 0, __ATOMIC_RELEASE);
		struct worker w;
		assert_int_equal(worker_start(&w, worker_kind_find(kinds[i]), &task_stamp, 0, NULL), 0);
		assert_int_equal(worker_reap(&w), 0);
		assert_int_equal(w.exit.code, 0);
		assert_int_equal(__atomic_load_n(&task_page()->runs, __ATOMIC_ACQUIRE), 1);
	}
	assert_no_children();
}

/* Break park-counts-before-join. A parked worker counts itself in only once it is tied
 * to its owner: one that cannot tie itself (the gate names an opener that is not its
 * parent) ends with 114 and is not counted, so the owner never sees it as parked. */
static void test_park_counts_only_tied_workers(void **state)
{
	(void)state;
	struct gate g;
	assert_int_equal(gate_open(&g), 0);
	g.opener = 1; /* not this worker's parent */
	__atomic_store_n(&task_page()->runs, 0, __ATOMIC_RELEASE);
	struct worker w;
	assert_int_equal(worker_start(&w, worker_kind_find("fork"), &task_park, gate_arg(&g), NULL),
			 0);
	assert_int_equal(worker_reap(&w), 0);
	gate_close(&g);
	assert_int_equal(w.exit.code, 114);
	assert_int_equal(__atomic_load_n(&task_page()->runs, __ATOMIC_ACQUIRE), 0);
	assert_no_children();
}

/* Break minimal-parks-twice. The minimal parent holds one set of parked workers at a
 * time: a second park before the release is refused with its reason, and the first
 * set still comes back whole. */
static void test_minimal_parent_parks_one_set(void **state)
{
	(void)state;
	struct minimal m;
	if (minimal_start(&m) != 0)
		fail_msg("%s", m.why);
	struct minimal_park p, again;
	size_t bad = 99;
	if (minimal_park(&m, worker_kind_find("fork"), 2, &p) != 0)
		fail_msg("%s", m.why);
	int err = minimal_park(&m, worker_kind_find("fork"), 1, &again);
	if (err == 0) {
		minimal_stop(&m);
		fail_msg("a second set parked while the first was");
	}
	assert_non_null(strstr(m.why, "already parked"));
	assert_int_equal(minimal_release(&m, &p, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(minimal_stop(&m), 0);
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_start_stamped_in_the_child),
		cmocka_unit_test(test_pool_wait_on_an_empty_slot_refuses),
		cmocka_unit_test(test_registry_finds_every_task_by_name),
		cmocka_unit_test(test_tie_to_owner_names_the_parent),
		cmocka_unit_test(test_interrupt_kills_an_untied_worker),
		cmocka_unit_test(test_gate_tells_release_from_owner_gone),
		cmocka_unit_test(test_park_release_counts_a_killed_worker),
		cmocka_unit_test(test_helper_refuses_an_in_image_task),
		cmocka_unit_test(test_stamp_counts_its_run),
		cmocka_unit_test(test_park_counts_only_tied_workers),
		cmocka_unit_test(test_minimal_parent_parks_one_set),
	};
	return tvp_run_tests("behaviours", tests, task_page_setup, task_page_teardown);
}
