/* test_pin.c - a worker started under a placement policy runs where the policy says
 * (its own sched_getaffinity, against the hwloc topology), and a pair policy the
 * machine cannot honour falls back with a note. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "pin.h"
#include "task.h"
#include "worker.h"

#include <string.h>

static int setup(void **state)
{
	(void)state;
	return pin_init() || task_page_open();
}

static int teardown(void **state)
{
	(void)state;
	task_page_close();
	pin_fini();
	return 0;
}

static void test_parse(void **state)
{
	(void)state;
	enum pin_policy p;
	for (int i = 0; i < PIN_NPOLICIES; i++) {
		assert_int_equal(pin_policy_parse(pin_policies[i].name, &p), 0);
		assert_int_equal(p, i);
	}
	assert_int_equal(pin_policy_parse("everywhere", &p), EINVAL);
}

static void test_none_binds_nothing(void **state)
{
	(void)state;
	cpu_set_t set;
	char note[128];
	assert_false(pin_place(PIN_NONE, 0, 1, &set, note, sizeof note));
	assert_int_equal(CPU_COUNT(&set), 0);
}

/* Worker i of n, started by kind under policy p, reports the one CPU p gave it. */
static void check_policy(enum pin_policy p, const char *kind, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		cpu_set_t want;
		assert_true(pin_place(p, i, n, &want, NULL, 0));
		assert_int_equal(CPU_COUNT(&want), 1);
		struct worker w;
		CPU_ZERO(&task_page()->affinity);
		assert_int_equal(worker_start(&w, worker_kind_find(kind), &task_affinity, 0, &want), 0);
		assert_int_equal(worker_reap(&w), 0);
		assert_int_equal(w.exit.code, 0);
		assert_true(CPU_EQUAL(&task_page()->affinity, &want));
	}
}

static void test_compact_and_scatter(void **state)
{
	(void)state;
	unsigned n = pin_npus() * 2; /* past the PU count: placement wraps around */
	for (enum pin_policy p = PIN_COMPACT; p <= PIN_SCATTER; p++) {
		check_policy(p, "pthread", n);
		check_policy(p, "fork", n);
	}
}

static void test_compact_order(void **state)
{
	(void)state;
	/* compact fills PUs in order: workers 0 and npus land on the same PU. */
	cpu_set_t a, b;
	pin_place(PIN_COMPACT, 0, 1, &a, NULL, 0);
	pin_place(PIN_COMPACT, pin_npus(), 1, &b, NULL, 0);
	assert_true(CPU_EQUAL(&a, &b));
}

static void test_scatter_spreads(void **state)
{
	(void)state;
	if (pin_ncores() < 2)
		skip();
	cpu_set_t a, b;
	pin_place(PIN_SCATTER, 0, 2, &a, NULL, 0);
	pin_place(PIN_SCATTER, 1, 2, &b, NULL, 0);
	assert_false(CPU_EQUAL(&a, &b));
}

static void test_pairs(void **state)
{
	(void)state;
	for (enum pin_policy p = PIN_SAME_PU; p <= PIN_DIFF_PACKAGE; p++) {
		cpu_set_t a, b;
		char note[256];
		assert_true(pin_place(p, 0, 2, &a, note, sizeof note));
		assert_true(pin_place(p, 1, 2, &b, note, sizeof note));
		bool same = CPU_EQUAL(&a, &b);
		if (p == PIN_SAME_PU)
			assert_true(same);
		if (p == PIN_DIFF_CORE && pin_ncores() >= 2) {
			assert_false(same);
			assert_string_equal(note, "");
		}
		/* SMT siblings exist only when some core has two PUs. */
		if (p == PIN_SAME_CORE && pin_npus() == pin_ncores())
			assert_non_null(strstr(note, "no SMT"));
		check_policy(p, "fork", 2);
	}
}

static void test_summary(void **state)
{
	(void)state;
	char buf[256];
	assert_non_null(strstr(pin_topology_summary(buf, sizeof buf), "PU"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_none_binds_nothing),
		cmocka_unit_test(test_compact_and_scatter),
		cmocka_unit_test(test_compact_order),
		cmocka_unit_test(test_scatter_spreads),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_summary),
	};
	return tvp_run_tests("pin", tests, setup, teardown);
}
