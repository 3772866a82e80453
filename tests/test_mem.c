/* test_mem.c - the parent memory layouts are what they claim: the size, the number of
 * mappings, every page present; and the /proc readers find their fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SIZE (8UL << 20)

/* Pages of [base, base+size) that are resident. */
static size_t resident(const char *base, size_t size)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), n = size / pg, count = 0;
	unsigned char vec[n];
	if (mincore((void *)base, size, vec) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		count += vec[i] & 1;
	return count;
}

static size_t count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	size_t n = 0;
	int c;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void test_private_and_shared(void **state)
{
	(void)state;
	enum mem_layout layouts[] = {MEM_PRIVATE, MEM_SHARED};
	for (size_t i = 0; i < 2; i++) {
		struct mem_region r;
		assert_int_equal(mem_region_make(&r, SIZE, layouts[i]), 0);
		assert_int_equal(r.size, SIZE);
		assert_int_equal(r.nmaps, 1);
		assert_int_equal(resident(r.base, SIZE), SIZE / (size_t)sysconf(_SC_PAGESIZE));
		mem_region_free(&r);
		assert_null(r.base);
	}
}

static void test_many_maps(void **state)
{
	(void)state;
	size_t before = count_maps();
	struct mem_region r;
	assert_int_equal(mem_region_make(&r, SIZE, MEM_MANY_MAPS), 0);
	assert_int_equal(r.nmaps, SIZE / MEM_SMALL_MAP);
	/* The holes keep the kernel from merging them: one VMA each. */
	assert_true(count_maps() >= before + r.nmaps);
	mem_region_free(&r);
	assert_true(count_maps() <= before);
}

static void test_thp(void **state)
{
	(void)state;
	char mode[32];
	mem_thp_mode(mode, sizeof mode);
	struct mem_region r;
	int rc = mem_region_make(&r, SIZE, MEM_PRIVATE_THP);
	if (strcmp(mode, "never") == 0 || strcmp(mode, "unavailable") == 0) {
		assert_int_equal(rc, EOPNOTSUPP);
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(((uintptr_t)r.base) % (2UL << 20), 0);
	mem_region_free(&r);
}

static void test_empty(void **state)
{
	(void)state;
	struct mem_region r;
	assert_int_equal(mem_region_make(&r, 0, MEM_PRIVATE), 0);
	assert_null(r.base);
	mem_region_free(&r);
}

static void test_readers(void **state)
{
	(void)state;
	assert_true(mem_self_rollup_kib("Rss") > 0);
	assert_int_equal(mem_self_rollup_kib("NoSuchField"), -1);
	assert_true(mem_available_kib() > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_private_and_shared),
		cmocka_unit_test(test_many_maps),
		cmocka_unit_test(test_thp),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_readers),
	};
	return tvp_run_tests("mem", tests, NULL, NULL);
}
