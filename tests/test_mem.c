/* test_mem.c - the parent memory layouts are what they claim: the size, the number of
 * mappings, every page present; the /proc readers find their fields, and the live
 * readers see a known allocation: touched memory in this process's smaps_rollup, the
 * kernel stacks of N new processes in /proc/meminfo. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "cleanup.h"
#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
	/* The region is touched: huge pages are in use, unless the kernel had none to give
	 * (fragmented memory), which is a skip with the reason, not a pass. */
	long thp = mem_self_rollup_kib("AnonHugePages");
	mem_region_free(&r);
	if (thp == 0)
		skip();
	assert_true(thp >= 2048);
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

/* 64 MiB mapped and touched here grow this process's private dirty memory by 64 MiB:
 * a per-process count, exact but for the few pages the test itself touches. */
static void test_live_rollup_sees_an_allocation(void **state)
{
	(void)state;
	enum { MIB = 64 };
	struct mem_rollup before, after;
	assert_int_equal(mem_rollup(0, &before), 0);
	char *p = mmap(NULL, MIB << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	memset(p, 1, MIB << 20);
	assert_int_equal(mem_rollup(0, &after), 0);
	long grown = after.private_dirty - before.private_dirty;
	assert_true(grown >= MIB * 1024);
	assert_true(grown <= MIB * 1024 + 4096);
	assert_true(after.rss - before.rss >= MIB * 1024);
	munmap(p, MIB << 20);
}

/* N processes alive at once hold N kernel stacks (16 KiB each on x86-64; at least
 * 8 KiB anywhere). /proc/meminfo is system-wide, so other processes may come and go
 * meanwhile: the check is a lower bound of half, which N = 128 keeps far above what
 * another process's exit could take away. */
static void test_live_kernel_sees_new_kernel_stacks(void **state)
{
	(void)state;
	enum { N = 128 };
	int gate[2];
	assert_int_equal(pipe(gate), 0);
	struct mem_kernel before, after;
	assert_int_equal(mem_kernel(&before), 0);
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char c;
			close(gate[1]);
			_exit(read(gate[0], &c, 1) < 0);
		}
	}
	assert_int_equal(mem_kernel(&after), 0);
	close(gate[1]); /* end-of-file: every child leaves */
	close(gate[0]);
	for (int i = 0; i < N; i++)
		assert_int_equal(waitpid(pids[i], NULL, 0), pids[i]);
	assert_true(before.kernel_stack > 0 && before.page_tables > 0 &&
		    before.slab_unreclaimable > 0);
	long grown = after.kernel_stack - before.kernel_stack;
	assert_true(grown >= N * 8 / 2);
	assert_no_children();
}

/* The two readers of a process's own status and maps. */
static void test_status_and_maps(void **state)
{
	(void)state;
	assert_true(mem_status_kib(0, "VmRSS") > 0);
	assert_true(mem_status_kib(0, "VmPTE") >= 0);
	assert_int_equal(mem_status_kib(0, "NoSuchField"), -1);
	long before = mem_maps_count(0);
	assert_true(before > 0);
	/* One more mapping, with different protections on either side so it is not merged. */
	char *p = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(mprotect(p + 4096, 4096, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(mem_maps_count(0), before + 3);
	munmap(p, 3 * 4096);
	assert_int_equal(mem_maps_count(-2), -1);
}

/* Makes a cgroup, or skips the test where this machine offers none (not root, or no v1
 * memory controller): the suite then falls back to /proc/meminfo, and says so. */
static void make_or_skip(struct mem_cgroup *cg)
{
	int err = mem_cgroup_make(cg);
	if (err == EOPNOTSUPP || err == EACCES || err == EPERM || err == EROFS) {
		fprintf(stderr, "no memory cgroup here: %s\n", strerror(err));
		skip();
	}
	assert_int_equal(err, 0);
}

static bool exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

/* A process moved into the cgroup has the kernel memory of the processes it creates
 * afterwards charged there (at least a kernel stack each, 8 KiB anywhere), and nothing
 * is left once it leaves and the cgroup is removed. */
static void test_cgroup_charges_new_workers(void **state)
{
	(void)state;
	enum { N = 16 };
	struct mem_cgroup cg;
	make_or_skip(&cg);
	assert_true(exists(cg.dir));
	assert_int_equal(mem_cgroup_enter(&cg, 0), 0);
	long before = mem_cgroup_kernel_kib(&cg);
	assert_true(before >= 0);
	int gate[2];
	assert_int_equal(pipe(gate), 0);
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char c;
			close(gate[1]);
			_exit(read(gate[0], &c, 1) < 0);
		}
	}
	long during = mem_cgroup_kernel_kib(&cg);
	close(gate[1]);
	close(gate[0]);
	for (int i = 0; i < N; i++)
		assert_int_equal(waitpid(pids[i], NULL, 0), pids[i]);
	assert_true(during - before >= N * 8);
	assert_true(mem_cgroup_resolution_kib() > 0);
	assert_int_equal(mem_cgroup_leave(&cg, 0), 0);
	char dir[sizeof cg.dir];
	memcpy(dir, cg.dir, sizeof dir);
	assert_int_equal(mem_cgroup_remove(&cg), 0);
	assert_false(exists(dir));
	assert_no_children();
}

/* Interrupted while it sits in its cgroup, a process removes the cgroup on its way out
 * (cleanup.h), whatever it was doing. */
static void test_cgroup_removed_on_sigint(void **state)
{
	(void)state;
	struct mem_cgroup probe;
	make_or_skip(&probe);
	assert_int_equal(mem_cgroup_remove(&probe), 0);
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(fd[0]);
		cleanup_on_signals();
		struct mem_cgroup cg;
		if (mem_cgroup_make(&cg) != 0 || mem_cgroup_enter(&cg, 0) != 0)
			_exit(1);
		if (write(fd[1], cg.dir, sizeof cg.dir) != sizeof cg.dir)
			_exit(2);
		pause();
		_exit(3);
	}
	close(fd[1]);
	char dir[sizeof probe.dir];
	assert_int_equal(read(fd[0], dir, sizeof dir), sizeof dir);
	close(fd[0]);
	assert_true(exists(dir));
	kill(child, SIGINT);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
	assert_false(exists(dir));
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_private_and_shared),
		cmocka_unit_test(test_many_maps),
		cmocka_unit_test(test_thp),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_readers),
		cmocka_unit_test(test_live_rollup_sees_an_allocation),
		cmocka_unit_test(test_live_kernel_sees_new_kernel_stacks),
		cmocka_unit_test(test_status_and_maps),
		cmocka_unit_test(test_cgroup_charges_new_workers),
		cmocka_unit_test(test_cgroup_removed_on_sigint),
	};
	return tvp_run_tests("mem", tests, NULL, NULL);
}
