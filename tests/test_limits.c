/* test_limits.c - the cgroup readers find the lowest memory and pids limit on the path
 * and the cgroup that sets it, on fixture v1 and v2 trees (so they are tested on any
 * machine), and the live reader agrees with the files it names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "cglimits.h"
#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define FIXTURES "tests/fixtures/"

static void ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	if (n < t || strcmp(s + n - t, tail) != 0)
		fail_msg("'%s' does not end with '%s'", s, tail);
}

/* v1: the limit is the parent's (400 MiB, set on /docker), not the caller's own
 * "unlimited"; pids are limited on the caller's own cgroup. */
static void test_v1_tree(void **state)
{
	(void)state;
	struct cg_limits l;
	assert_int_equal(limits_read_from(FIXTURES "cgroup-v1/cgroup", FIXTURES "cgroup-v1/mountinfo",
					  FIXTURES "cgroup-v1", &l),
			 0);
	assert_int_equal(l.memory.version, 1);
	assert_int_equal(l.memory.max, 419430400LL);
	assert_int_equal(l.memory.current, 314572800LL);
	ends_with(l.memory.dir, "cgroup-v1/sys/fs/cgroup/memory/docker");
	assert_int_equal(limits_oom_kills(l.memory.dir, 1), 3);
	assert_int_equal(l.pids.version, 1);
	assert_int_equal(l.pids.max, 150);
	assert_int_equal(l.pids.current, 150);
	ends_with(l.pids.dir, "cgroup-v1/sys/fs/cgroup/pids/docker/abc");
}

/* v2: memory limited on the caller's own cgroup ("max" above it), pids on the parent. */
static void test_v2_tree(void **state)
{
	(void)state;
	struct cg_limits l;
	assert_int_equal(limits_read_from(FIXTURES "cgroup-v2/cgroup", FIXTURES "cgroup-v2/mountinfo",
					  FIXTURES "cgroup-v2", &l),
			 0);
	assert_int_equal(l.memory.version, 2);
	assert_int_equal(l.memory.max, 268435456LL);
	assert_int_equal(l.memory.current, 104857600LL);
	ends_with(l.memory.dir, "cgroup-v2/sys/fs/cgroup/ci/job");
	assert_int_equal(limits_oom_kills(l.memory.dir, 2), 1);
	assert_int_equal(l.pids.version, 2);
	assert_int_equal(l.pids.max, 100);
	assert_int_equal(l.pids.current, 40);
	ends_with(l.pids.dir, "cgroup-v2/sys/fs/cgroup/ci");
}

/* No cgroup mounted at all: no limit, and not an error; a missing file is one. */
static void test_nothing_mounted(void **state)
{
	(void)state;
	struct cg_limits l;
	assert_int_equal(limits_read_from(FIXTURES "cgroup-v2/cgroup", FIXTURES "meminfo", "", &l), 0);
	assert_int_equal(l.memory.version, 0);
	assert_int_equal(l.memory.max, -1);
	assert_int_equal(l.pids.max, -1);
	assert_int_equal(limits_read_from(FIXTURES "no-such", FIXTURES "cgroup-v2/mountinfo", "", &l),
			 ENOENT);
}

/* The live reader: whatever limit it reports, the available memory never exceeds
 * MemAvailable, and a named limit is at most the limit minus its use. */
static void test_live(void **state)
{
	(void)state;
	struct cg_limits l;
	char why[128];
	assert_int_equal(limits_read(&l), 0);
	long avail = limits_available_kib(why, sizeof why);
	assert_true(avail >= 0);
	assert_true(avail <= mem_available_kib());
	if (strcmp(why, "MemAvailable") != 0) {
		assert_true(l.memory.max >= 0);
		assert_non_null(strstr(why, "memory cgroup's limit"));
		assert_true(avail <= (l.memory.max - l.memory.current) / 1024 + 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_tree),
		cmocka_unit_test(test_v2_tree),
		cmocka_unit_test(test_nothing_mounted),
		cmocka_unit_test(test_live),
	};
	return tvp_run_tests("limits", tests, NULL, NULL);
}
