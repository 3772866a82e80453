/* test_scale.c - the start gate holds every worker until it opens, placement puts
 * worker i where the policy says, and the counters add up to the work done. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "pin.h"
#include "scale.h"
#include "util.h"

#include <time.h>

static const char *const kinds[] = {"pthread", "fork"};

static int setup(void **state)
{
	return pin_init() || task_page_setup(state);
}

static int teardown(void **state)
{
	pin_fini();
	return task_page_teardown(state);
}

/* Waits until the workers have done total operations (they stop by themselves). */
static void wait_ops(const struct scale_run *r, uint64_t total)
{
	int64_t deadline = now_ns() + patience_ns();
	while (scale_ops(r) < total && now_ns() < deadline)
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	assert_int_equal(scale_ops(r), total);
}

static void test_gate_holds_everyone(void **state)
{
	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct scale_run r;
		const unsigned n = 4;
		assert_int_equal(scale_start(&r, worker_kind_find(kinds[k]), SCALE_PADDED, n, NULL,
					     5000, 0), 0);
		/* All stand at the gate; none has done anything. */
		nanosleep(&(struct timespec){.tv_nsec = 20000000}, NULL);
		assert_int_equal(scale_ops(&r), 0);
		for (unsigned i = 0; i < n; i++)
			assert_int_equal(r.sh->slot[i].passed_gate_ns, 0);
		scale_release(&r);
		wait_ops(&r, n * 5000);
		for (unsigned i = 0; i < n; i++)
			assert_true(r.sh->slot[i].passed_gate_ns >= r.sh->released_ns);
		assert_int_equal(scale_finish(&r), 0);
	}
	assert_no_children();
}

static void check_placement(enum pin_policy p, const char *kind)
{
	unsigned n = pin_npus();
	cpu_set_t cpus[SCALE_MAX_WORKERS];
	for (unsigned i = 0; i < n; i++)
		assert_true(pin_place(p, i, n, &cpus[i], NULL, 0));
	struct scale_run r;
	assert_int_equal(scale_start(&r, worker_kind_find(kind), SCALE_CPU, n, cpus, 10, 0), 0);
	scale_release(&r);
	wait_ops(&r, n * 10);
	for (unsigned i = 0; i < n; i++) {
		/* The worker's own sched_getaffinity is its one PU, and it ran there. */
		assert_true(CPU_EQUAL(&r.sh->affinity[i], &cpus[i]));
		assert_true(CPU_ISSET(r.sh->slot[i].cpu, &cpus[i]));
	}
	assert_int_equal(scale_finish(&r), 0);
}

static void test_placement(void **state)
{
	(void)state;
	for (size_t k = 0; k < 2; k++) {
		check_placement(PIN_COMPACT, kinds[k]);
		check_placement(PIN_SCATTER, kinds[k]);
	}
	assert_no_children();
}

static void test_counters_add_up(void **state)
{
	(void)state;
	for (size_t k = 0; k < 2; k++) {
		for (int w = 0; w < SCALE_NWORKLOADS; w++) {
			struct scale_run r;
			const unsigned n = 3;
			const uint64_t per = w == SCALE_MEMORY ? 64 * 16 : 2000;
			assert_int_equal(scale_start(&r, worker_kind_find(kinds[k]),
						     (enum scale_workload)w, n, NULL, per, 1 << 20),
					 0);
			scale_release(&r);
			wait_ops(&r, n * per);
			/* The one shared counter saw every worker's every add. */
			if (w == SCALE_SHARED_COUNTER)
				assert_int_equal(r.sh->counter, n * per);
			assert_int_equal(scale_finish(&r), 0);
		}
	}
	assert_no_children();
}

static void test_bad_arguments(void **state)
{
	(void)state;
	struct scale_run r;
	assert_int_equal(scale_start(&r, worker_kind_find("pthread"), SCALE_CPU, 0, NULL, 1, 0),
			 EINVAL);
	assert_int_equal(scale_start(&r, worker_kind_find("posix_spawn"), SCALE_CPU, 1, NULL, 1, 0),
			 EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate_holds_everyone),
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_counters_add_up),
		cmocka_unit_test(test_bad_arguments),
	};
	return tvp_run_tests("scale", tests, setup, teardown);
}
