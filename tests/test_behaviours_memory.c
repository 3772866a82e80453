/* test_behaviours_memory.c - behaviours of memory and limits that a deliberate break
 * once changed with every other test still passing (issue 26; split from
 * test_behaviours.c): a scale worker ready only after its set-up (its buffer written),
 * the planning memory reader reading MemAvailable, read_text without its newline, the
 * huge pages of a region inside a mapping, the lowest cgroup limit on the path. Each
 * test says which break it catches (tests/mutant_list.py). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "cglimits.h"
#include "cow.h"
#include "mem.h"
#include "scale.h"
#include "util.h"
#include "worker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* One field of /proc/self/status or /proc/meminfo in KiB, read here without the suite's
 * reader, so the test does not check the reader against itself. */
static long field_kib(const char *path, const char *field)
{
	FILE *f = fopen(path, "re");
	assert_non_null(f);
	char line[256];
	long v = -1;
	size_t n = strlen(field);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Break scale-ready-before-setup. A worker says it is ready only after its set-up, so
 * when scale_start returns (every worker ready) each streaming worker's buffer is
 * already mapped and written: the timed window then holds the work alone. */
static void test_scale_ready_after_set_up(void **state)
{
	(void)state;
	const uint64_t buf = 128ULL << 20;
	const unsigned n = 2;
	long before = field_kib("/proc/self/status", "RssAnon");
	struct scale_run r;
	assert_int_equal(scale_start(&r, worker_kind_find("pthread"), SCALE_MEMORY, n, NULL, 1,
				     buf),
			 0);
	long after = field_kib("/proc/self/status", "RssAnon");
	scale_release(&r);
	assert_int_equal(scale_finish(&r), 0);
	long want = (long)(n * buf / 1024);
	if (after - before < want * 9 / 10)
		fail_msg("workers said ready with %ld KiB of their %ld KiB of buffers written",
			 after - before, want);
	assert_no_children();
}

/* Break available-is-free. The reader the size skips plan with reads MemAvailable (what
 * can be had without swapping: free pages and the page cache that can be dropped), not
 * MemFree. Read here before and after it, both fields; skipped where the two are too
 * close to tell apart. */
static void test_planning_reads_mem_available(void **state)
{
	(void)state;
	const long slack = 16 << 10; /* KiB other processes may take or give meanwhile */
	long a0 = field_kib("/proc/meminfo", "MemAvailable");
	long f0 = field_kib("/proc/meminfo", "MemFree");
	long v = mem_available_kib();
	long a1 = field_kib("/proc/meminfo", "MemAvailable");
	long f1 = field_kib("/proc/meminfo", "MemFree");
	assert_true(a0 > 0 && a1 > 0 && f0 > 0 && f1 > 0);
	long lo = (a0 < a1 ? a0 : a1) - slack, hi = (a0 > a1 ? a0 : a1) + slack;
	long flo = f0 < f1 ? f0 : f1, fhi = f0 > f1 ? f0 : f1;
	if (fhi >= lo && flo <= hi)
		skip(); /* MemFree within MemAvailable's band: this machine cannot tell */
	if (v < lo || v > hi)
		fail_msg("mem_available_kib() %ld KiB; MemAvailable %ld..%ld, MemFree %ld..%ld", v,
			 a0, a1, f0, f1);
}

/* Break read-text-keeps-newline. read_text gives a /proc or cgroup value without its
 * trailing newline (and spaces), so "max\n" compares equal to "max". */
static void test_read_text_strips_the_newline(void **state)
{
	(void)state;
	char path[] = "/tmp/tvp-read-text-XXXXXX", buf[64];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "max \n", 5), 5);
	close(fd);
	assert_int_equal(read_text(path, buf, sizeof buf), 0);
	unlink(path);
	assert_string_equal(buf, "max");
	assert_int_equal(read_text("/nonexistent/tvp", buf, sizeof buf), ENOENT);
}

/* Break cow-thp-from-region-start. The huge pages of a region are those of every
 * mapping that overlaps it, also one that starts before the region: a region taken
 * from the middle of a mapping counts that mapping's huge pages. Skipped where the
 * kernel gives no transparent huge pages. */
static void test_thp_of_a_region_inside_a_mapping(void **state)
{
	(void)state;
	const size_t huge = 2UL << 20, size = 16 * huge;
	char *raw = mmap(NULL, size + huge, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(raw != MAP_FAILED);
	char *p = (char *)(((uintptr_t)raw + huge - 1) & ~(uintptr_t)(huge - 1));
	madvise(p, size, MADV_HUGEPAGE);
	memset(p, 1, size);
	long whole = cow_region_thp_kib(p, size);
	long middle = cow_region_thp_kib(p + 4 * huge, 4 * huge);
	munmap(raw, size + huge);
	assert_true(whole >= 0 && middle >= 0);
	if (whole == 0)
		skip(); /* no huge page given here (THP never, or none free) */
	assert_int_equal(middle, whole);
}

/* Breaks cglimits-highest-limit: where a cgroup and its parent both set a limit, the
 * lower one binds, whichever of the two sets it (the fixture: the job's memory limit is
 * 512 MiB under its parent's 256 MiB; its pids limit 100 under its parent's 200). */
static void test_the_lowest_limit_on_the_path_binds(void **state)
{
	(void)state;
	struct cg_limits l;
	const char *f = "tests/fixtures/cgroup-v2-nested";
	char cg[128], mi[128];
	snprintf(cg, sizeof cg, "%s/cgroup", f);
	snprintf(mi, sizeof mi, "%s/mountinfo", f);
	assert_int_equal(limits_read_from(cg, mi, f, &l), 0);
	assert_int_equal(l.memory.max, 268435456LL);
	assert_int_equal(l.memory.current, 209715200LL);
	assert_non_null(strstr(l.memory.dir, "/sys/fs/cgroup/ci"));
	assert_null(strstr(l.memory.dir, "/job"));
	assert_int_equal(l.pids.max, 100);
	assert_int_equal(l.pids.current, 40);
	assert_non_null(strstr(l.pids.dir, "/sys/fs/cgroup/ci/job"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale_ready_after_set_up),
		cmocka_unit_test(test_planning_reads_mem_available),
		cmocka_unit_test(test_read_text_strips_the_newline),
		cmocka_unit_test(test_thp_of_a_region_inside_a_mapping),
		cmocka_unit_test(test_the_lowest_limit_on_the_path_binds),
	};
	return tvp_run_tests("behaviours_memory", tests, task_page_setup, task_page_teardown);
}
