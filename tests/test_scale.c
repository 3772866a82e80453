/* test_scale.c - the start gate holds every worker until it opens, placement puts
 * worker i where the policy says, the counters add up to the work done, the shared
 * false-sharing array is one array for processes too (and the global one is not),
 * padded counters own their lines while false_sharing's share one, the
 * TLB-shootdown count is read, the copy-on-write region's huge pages are read, and a
 * failed start leaves no child and no shared mapping behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "cow.h"
#include "mem.h"
#include "pin.h"
#include "scale.h"
#include "util.h"

#include <sys/mman.h>
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

/* Runs n workers of kind on workload w to per operations each, and returns how many of
 * them left a count of per in their own counter as this process sees it. */
static unsigned counters_seen(const char *kind, enum scale_workload w, unsigned n,
			      uint64_t per)
{
	struct scale_run r;
	assert_int_equal(scale_start(&r, worker_kind_find(kind), w, n, NULL, per, 0), 0);
	scale_release(&r);
	wait_ops(&r, n * per);
	unsigned seen = 0;
	for (unsigned i = 0; i < n; i++)
		seen += scale_own_counter(&r, i) == per;
	assert_int_equal(scale_finish(&r), 0);
	return seen;
}

/* The like-for-like variant: processes add into the one MAP_SHARED array, so the parent
 * sees every worker's adds, as it does a thread's. The global-array variant is not
 * shared by processes: the parent's copy stays untouched. */
static void test_false_sharing_shared_is_one_array(void **state)
{
	(void)state;
	const unsigned n = 3;
	const uint64_t per = 5000;
	assert_int_equal(counters_seen("pthread", SCALE_FALSE_SHARING_SHARED, n, per), n);
	assert_int_equal(counters_seen("fork", SCALE_FALSE_SHARING_SHARED, n, per), n);
	assert_int_equal(counters_seen("pthread", SCALE_FALSE_SHARING, n, per), n);
	assert_int_equal(counters_seen("fork", SCALE_FALSE_SHARING, n, per), 0);
	/* Packed 8 to a 64-byte line, as the global array is: the first eight share one. */
	size_t first = offsetof(struct scale_shared, packed);
	size_t eighth = first + 7 * sizeof(uint64_t);
	assert_int_equal(first % SCALE_LINE, 0);
	assert_int_equal(first / 64, eighth / 64);
	assert_no_children();
}

/* The 64-byte line of worker i's own counter, in a started run of n on workload w. */
static uintptr_t line_of(const struct scale_run *r, unsigned i)
{
	const uint64_t *c = scale_own_counter_at(r, i);
	assert_non_null(c);
	return (uintptr_t)c / 64;
}

/* The layout each name promises: false_sharing packs the workers' counters into one
 * line, padded gives each a SCALE_LINE of its own (two 64-byte lines, for the
 * adjacent-line prefetcher); the work and the counts are the same in both, so only
 * this layout (or timing) tells them apart. */
static void test_padded_counters_own_their_lines(void **state)
{
	(void)state;
	const unsigned n = 4;
	struct scale_run r;
	assert_int_equal(scale_start(&r, worker_kind_find("pthread"), SCALE_PADDED, n, NULL,
				     100, 0), 0);
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < i; j++) {
			uintptr_t a = line_of(&r, i), b = line_of(&r, j);
			assert_true((a > b ? a - b : b - a) >= SCALE_LINE / 64);
		}
	scale_release(&r);
	wait_ops(&r, n * 100);
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(scale_own_counter(&r, i), 100);
	assert_int_equal(scale_finish(&r), 0);

	assert_int_equal(scale_start(&r, worker_kind_find("pthread"), SCALE_FALSE_SHARING, n,
				     NULL, 100, 0), 0);
	for (unsigned i = 1; i < n; i++)
		assert_int_equal(line_of(&r, i), line_of(&r, 0));
	scale_release(&r);
	wait_ops(&r, n * 100);
	assert_int_equal(scale_finish(&r), 0);

	assert_int_equal(scale_start(&r, worker_kind_find("pthread"), SCALE_CPU, 1, NULL,
				     100, 0), 0);
	assert_null(scale_own_counter_at(&r, 0));
	scale_release(&r);
	wait_ops(&r, 100);
	assert_int_equal(scale_finish(&r), 0);
	assert_no_children();
}

/* MAP_SHARED anonymous mappings show in /proc/self/maps as /dev/zero (deleted). */
static unsigned shared_mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	assert_non_null(f);
	char line[512];
	unsigned n = 0;
	while (fgets(line, sizeof line, f))
		n += strstr(line, "/dev/zero (deleted)") != NULL;
	fclose(f);
	return n;
}

/* A worker that cannot start (an empty CPU set) after one that did: scale_start fails,
 * and the started one is reaped and the shared area unmapped; so is a finished run's. */
static void test_nothing_left_behind(void **state)
{
	(void)state;
	unsigned before = shared_mappings();
	cpu_set_t cpus[2];
	pin_all_pus(&cpus[0]);
	CPU_ZERO(&cpus[1]);
	for (size_t k = 0; k < 2; k++) {
		struct scale_run r;
		assert_int_not_equal(scale_start(&r, worker_kind_find(kinds[k]),
						 SCALE_FALSE_SHARING_SHARED, 2, cpus, 0, 0), 0);
		assert_null(r.sh);
		assert_no_children();
		assert_int_equal(shared_mappings(), before);
	}
	assert_int_equal(counters_seen("fork", SCALE_FALSE_SHARING_SHARED, 2, 100), 2);
	assert_int_equal(shared_mappings(), before);
	assert_no_children();
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* The TLB line's counts are summed over CPUs; a file without one says ENOENT. */
static void test_tlb_shootdowns_parsed(void **state)
{
	(void)state;
	char path[] = "/tmp/tvp-test-interrupts-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_file(path, "           CPU0       CPU1\n"
			 "  0:         35          0   IO-APIC   2-edge      timer\n"
			 "NMI:          0          0   Non-maskable interrupts\n"
			 "TLB:       1000        234   TLB shootdowns\n"
			 "TRM:          0          0   Thermal event interrupts\n");
	uint64_t n = 0;
	assert_int_equal(scale_tlb_shootdowns_from(path, &n), 0);
	assert_int_equal(n, 1234);
	write_file(path, "           CPU0\n  0:  35  IO-APIC 2-edge timer\n");
	assert_int_equal(scale_tlb_shootdowns_from(path, &n), ENOENT);
	unlink(path);
}

/* On this machine: where /proc/interrupts has the line, it is read, and a count taken
 * after threads mapped and unmapped memory is no smaller than one taken before. */
static void test_tlb_shootdowns_read(void **state)
{
	(void)state;
	uint64_t before, after;
	int err = scale_tlb_shootdowns(&before);
	if (err == ENOENT) {
		skip(); /* not x86: no "TLB:" line */
		return;
	}
	assert_int_equal(err, 0);
	struct scale_run r;
	assert_int_equal(scale_start(&r, worker_kind_find("pthread"), SCALE_PAGE_FAULT, 2, NULL,
				     200, 0), 0);
	scale_release(&r);
	wait_ops(&r, 2 * 200);
	assert_int_equal(scale_finish(&r), 0);
	assert_int_equal(scale_tlb_shootdowns(&after), 0);
	assert_true(after >= before);
}

/* cow_region_thp_kib reads the region's own AnonHugePages: what the whole process's
 * smaps_rollup gains when the region is made and touched, whether or not the kernel
 * gave it huge pages; a range nothing maps has none. */
static void test_cow_region_thp(void **state)
{
	(void)state;
	const size_t size = 8UL << 20;
	long rollup0 = mem_self_rollup_kib("AnonHugePages");
	struct mem_region region = {0};
	int err = mem_region_make(&region, size, MEM_PRIVATE_THP);
	if (err == EOPNOTSUPP) {
		skip(); /* transparent huge pages are off here */
		return;
	}
	assert_int_equal(err, 0);
	long kib = cow_region_thp_kib(region.base, size);
	long rollup1 = mem_self_rollup_kib("AnonHugePages");
	assert_true(kib >= 0 && kib <= (long)(size >> 10));
	assert_int_equal(kib % 2048, 0);
	assert_int_equal(kib, rollup1 - rollup0);
	mem_region_free(&region);
	char *none = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(none != MAP_FAILED);
	munmap(none, size);
	assert_int_equal(cow_region_thp_kib(none, size), 0);
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

/* The paired speed-up is the N workers' rate over the one worker's, each from its own
 * reading; an empty reading gives 0, never a division by zero or a NaN. Two real runs
 * of max_ops each (one worker, then two): their operations, over the same seconds, are
 * a speed-up of exactly 2. */
static void test_speedup(void **state)
{
	(void)state;
	assert_true(scale_speedup(1000, 1.0, 3000, 1.5) == 2.0);
	assert_true(scale_speedup(1000, 2.0, 1000, 1.0) == 2.0);
	assert_true(scale_speedup(0, 1.0, 1000, 1.0) == 0);
	assert_true(scale_speedup(1000, 0, 1000, 1.0) == 0);
	assert_true(scale_speedup(1000, 1.0, 1000, 0) == 0);
	assert_true(scale_speedup(1000, 1.0, 0, 1.0) == 0);
	uint64_t ops[2];
	for (unsigned n = 1; n <= 2; n++) {
		struct scale_run r;
		assert_int_equal(scale_start(&r, worker_kind_find("fork"), SCALE_CPU, n, NULL, 10, 0),
				 0);
		scale_release(&r);
		wait_ops(&r, 10 * n);
		ops[n - 1] = scale_ops(&r);
		assert_int_equal(scale_finish(&r), 0);
	}
	assert_true(scale_speedup((double)ops[0], 0.5, (double)ops[1], 0.5) == 2.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate_holds_everyone),
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_counters_add_up),
		cmocka_unit_test(test_false_sharing_shared_is_one_array),
		cmocka_unit_test(test_padded_counters_own_their_lines),
		cmocka_unit_test(test_nothing_left_behind),
		cmocka_unit_test(test_tlb_shootdowns_parsed),
		cmocka_unit_test(test_tlb_shootdowns_read),
		cmocka_unit_test(test_cow_region_thp),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_speedup),
	};
	return tvp_run_tests("scale", tests, setup, teardown);
}
