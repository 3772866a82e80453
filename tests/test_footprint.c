/* test_footprint.c - the memory readers on fixture files, parked workers that all come
 * back (also at RLIMIT_NPROC), copy-on-write faults, the notes' nums example, and the
 * minimal parent (tvp-helper serve): it creates every kind, parks and releases, says
 * why when it cannot, and leaves nothing behind, also when its owner is killed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "cow.h"
#include "mem.h"
#include "minimal.h"
#include "nums.h"
#include "park.h"
#include "scale.h"
#include "task.h"
#include "util.h"
#include "worker.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIXTURES "tests/fixtures/"


static void test_rollup_fixture(void **state)
{
	(void)state;
	struct mem_rollup r;
	assert_int_equal(mem_rollup_from(FIXTURES "smaps_rollup", &r), 0);
	/* The values of the fixture, read off the file by hand. */
	assert_int_equal(r.rss, 1776);
	assert_int_equal(r.pss, 814);
	assert_int_equal(r.private_clean, 132);
	assert_int_equal(r.private_dirty, 112);
	assert_int_equal(r.anon_huge, 0);
	assert_int_equal(mem_rollup_from(FIXTURES "no-such-file", &r), ENOENT);
	/* A file without the fields (meminfo is not a rollup): a clear error, not zeros. */
	assert_int_equal(mem_rollup_from(FIXTURES "meminfo", &r), EPROTO);
}

static void test_meminfo_fixture(void **state)
{
	(void)state;
	struct mem_kernel k;
	assert_int_equal(mem_kernel_from(FIXTURES "meminfo", &k), 0);
	assert_int_equal(k.kernel_stack, 1256);
	assert_int_equal(k.page_tables, 1424);
	assert_int_equal(k.slab_unreclaimable, 25580);
	assert_int_equal(mem_kernel_from(FIXTURES "meminfo-no-pagetables", &k), EPROTO);
	const char *const fields[] = {"MemTotal", "NoSuchField"};
	long v[2];
	assert_int_equal(mem_read_fields(FIXTURES "meminfo", fields, v, 2), 0);
	assert_true(v[0] > 0);
	assert_int_equal(v[1], -1);
}

static void test_park_every_kind(void **state)
{
	(void)state;
	const char *kinds[] = {"pthread", "fork", "clone", "posix_spawn"};
	for (size_t i = 0; i < 4; i++) {
		struct park p;
		assert_int_equal(park_start(&p, worker_kind_find(kinds[i]), 20), 0);
		assert_int_equal(park_wait(&p, 10000), 0);
		assert_int_equal(p.started, 20);
		assert_int_equal(task_page()->runs, 20);
		assert_int_equal(park_release(&p), 0);
	}
	assert_no_children();
}

static long processes_of(uid_t uid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long n = 0;
	while ((e = readdir(d))) {
		char path[300], line[256];
		snprintf(path, sizeof path, "/proc/%s/status", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof line, f))
			if (strncmp(line, "Uid:", 4) == 0 && (uid_t)atol(line + 4) == uid)
				n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

static void test_park_at_rlimit_nproc(void **state)
{
	(void)state;
	/* In a child of its own: root is exempt from RLIMIT_NPROC, so as root the child
	 * becomes nobody first, and the lowered limit dies with it. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (getuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(10);
		long have = processes_of(getuid());
		struct rlimit rl = {(rlim_t)have + 5, (rlim_t)have + 5};
		if (setrlimit(RLIMIT_NPROC, &rl) != 0)
			_exit(11);
		struct park p;
		int err = park_start(&p, worker_kind_find("fork"), 50);
		char why[256];
		park_error_str(&p, why, sizeof why);
		size_t started = p.started;
		if (park_wait(&p, 10000) != 0)
			_exit(12);
		if (park_release(&p) != 0)
			_exit(13);
		if (err != EAGAIN || started >= 50 || !strstr(why, "RLIMIT_NPROC"))
			_exit(14);
		if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
			_exit(15); /* a worker left behind */
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_cow_child_copies(void **state)
{
	(void)state;
	size_t size = 4 << 20, k = (size / 4096) / 4;
	char *region = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(region != MAP_FAILED);
	madvise(region, size, MADV_NOHUGEPAGE);
	memset(region, 7, size);
	cow_job = (struct cow_job){region, size, 25};

	struct worker w;
	assert_int_equal(worker_start(&w, worker_kind_find("fork"), &task_cow_write, 0, NULL), 0);
	assert_int_equal(worker_reap(&w), 0);
	assert_int_equal(w.exit.code, 0);
	const int64_t *res = task_page()->result;
	assert_int_equal(res[COW_PAGES], (int64_t)k);
	/* Each page written was shared with the parent: at least one fault and one copied
	 * 4 KiB page each. */
	assert_true(res[COW_MINFLT] >= (int64_t)k);
	assert_true(res[COW_PRIVATE_DIRTY_KIB] >= (int64_t)k * 4);
	/* The parent's memory is untouched by the child's writes. */
	for (size_t off = 0; off < size; off += 4096)
		assert_int_equal(region[off], 7);

	/* A thread writing the same (already private) pages copies nothing: what little
	 * grows is the thread's own stack. */
	assert_int_equal(worker_start(&w, worker_kind_find("pthread"), &task_cow_write, 0, NULL), 0);
	assert_int_equal(worker_reap(&w), 0);
	assert_true(res[COW_PRIVATE_DIRTY_KIB] < (int64_t)k * 4 / 16);
	munmap(region, size);
	assert_no_children();
}

static void test_nums(void **state)
{
	(void)state;
	const struct {
		const char *kind;
		bool shared;
		int len;
	} cases[] = {
		{"pthread", false, 5}, {"fork", false, 2}, {"clone", false, 2},
		{"pthread", true, 5},  {"fork", true, 5},  {"clone", true, 5},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct nums seen = {0};
		assert_int_equal(nums_experiment(worker_kind_find(cases[i].kind), cases[i].shared,
						 &seen), 0);
		assert_int_equal(seen.len, cases[i].len);
		assert_int_equal(seen.v[0], 11);
		assert_int_equal(seen.v[1], 22);
		if (seen.len == 5)
			assert_int_equal(seen.v[4], 2);
	}
	struct nums seen;
	assert_int_equal(nums_experiment(worker_kind_find("posix_spawn"), false, &seen), EINVAL);
	assert_no_children();
}

/* A process that has gone, or is a zombie waiting for a reaper (its owner was killed). */
static bool gone(pid_t pid)
{
	char path[64], stat[256];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	bool zombie = fgets(stat, sizeof stat, f) && strrchr(stat, ')') &&
		      strrchr(stat, ')')[2] == 'Z';
	fclose(f);
	return zombie;
}

/* An owner that starts 3 workers waiting at a gate (parked, or scale's), sends their
 * pids, and is killed: every worker must go too, not wait for ever. */
static void check_owner_killed(const char *kind, bool scale)
{
	enum { N = 3 };
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t owner = fork();
	assert_true(owner >= 0);
	if (owner == 0) {
		close(fd[0]);
		pid_t pids[N];
		struct park p;
		struct scale_run r;
		if (scale ? scale_start(&r, worker_kind_find(kind), SCALE_CPU, N, NULL, 0, 0) != 0
			  : park_start(&p, worker_kind_find(kind), N) != 0 || park_wait(&p, 10000))
			_exit(1);
		for (int i = 0; i < N; i++)
			pids[i] = scale ? r.workers[i].pid : p.workers[i].pid;
		if (write(fd[1], pids, sizeof pids) != sizeof pids)
			_exit(2);
		pause();
		_exit(3);
	}
	close(fd[1]);
	pid_t pids[N];
	assert_int_equal(read(fd[0], pids, sizeof pids), sizeof pids);
	close(fd[0]);
	kill(owner, SIGKILL);
	assert_int_equal(waitpid(owner, NULL, 0), owner);
	for (int i = 0; i < N; i++) {
		int64_t deadline = now_ns() + patience_ns();
		while (!gone(pids[i]) && now_ns() < deadline)
			nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
		if (!gone(pids[i]))
			fail_msg("a %s worker (pid %d) outlived its killed owner", kind,
				 (int)pids[i]);
	}
}

static void test_workers_die_with_owner(void **state)
{
	(void)state;
	check_owner_killed("fork", false);
	check_owner_killed("posix_spawn", false);
	check_owner_killed("fork", true);
	assert_no_children();
}

/* The parent pid of a process, from /proc/PID/stat, or -1. */
static pid_t ppid_of(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (read_text(path, buf, sizeof buf) != 0 || !strrchr(buf, ')'))
		return -1;
	int ppid;
	return sscanf(strrchr(buf, ')') + 2, "%*c %d", &ppid) == 1 ? ppid : -1;
}

/* Every kind of the table, created and reaped by the minimal parent, exits with 0 and
 * comes back with a time, and a process child with its own CPU time. */
static void test_minimal_parent_creates_every_kind(void **state)
{
	(void)state;
	struct minimal m;
	if (minimal_start(&m) != 0)
		fail_msg("%s", m.why);
	/* It is a program of its own, and small: fewer mappings than this test program. */
	assert_true(mem_maps_count(m.w.pid) > 0);
	assert_true(mem_maps_count(m.w.pid) < mem_maps_count(0));
	assert_true(mem_status_kib(m.w.pid, "VmRSS") > 0);
	for (size_t i = 0; i < worker_nkinds; i++) {
		const struct worker_kind *k = &worker_kinds[i];
		for (int stamp = 0; stamp < 2; stamp++) {
			struct minimal_trip t;
			if (minimal_create(&m, k, stamp ? &task_stamp : &task_exit, &t) != 0)
				fail_msg("%s: %s", k->name, m.why);
			assert_false(t.exit.signaled);
			assert_int_equal(t.exit.code, 0);
			assert_true(t.ns > 0);
			if (k->mode == MODE_PROCESS && !stamp)
				assert_true(t.cpu_ns >= 0);
		}
	}
	assert_int_equal(minimal_stop(&m), 0);
	assert_no_children();
}

/* Parked workers are the minimal parent's children, all of them, and all come back. */
static void test_minimal_parent_parks(void **state)
{
	(void)state;
	enum { N = 5 };
	struct minimal m;
	if (minimal_start(&m) != 0)
		fail_msg("%s", m.why);
	struct minimal_park p;
	size_t bad = 99;
	if (minimal_park(&m, worker_kind_find("fork"), N, &p) != 0)
		fail_msg("%s", m.why);
	assert_int_equal(p.started, N);
	assert_non_null(p.pids);
	for (int i = 0; i < N; i++)
		assert_int_equal(ppid_of(p.pids[i]), m.w.pid);
	assert_int_equal(minimal_release(&m, &p, &bad), 0);
	assert_int_equal(bad, 0);
	assert_null(p.pids);
	/* Threads: no pids, the server's own threads. */
	if (minimal_park(&m, worker_kind_find("pthread"), 3, &p) != 0)
		fail_msg("%s", m.why);
	assert_int_equal(p.started, 3);
	assert_null(p.pids);
	assert_int_equal(minimal_release(&m, &p, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(minimal_stop(&m), 0);
	assert_no_children();
}

/* A command the server cannot carry out comes back as an errno and a reason, and the
 * server keeps serving. */
static void test_minimal_parent_says_why(void **state)
{
	(void)state;
	struct minimal m;
	if (minimal_start(&m) != 0)
		fail_msg("%s", m.why);
	struct minimal_trip t;
	assert_int_equal(minimal_create(&m, worker_kind_find("fork"), &task_park, &t), EINVAL);
	assert_non_null(strstr(m.why, "minimal parent"));
	assert_non_null(strstr(m.why, "park"));
	assert_int_equal(minimal_create(&m, worker_kind_find("fork"), &task_exit, &t), 0);
	assert_int_equal(minimal_stop(&m), 0);
	assert_no_children();
}

/* An owner killed while the minimal parent holds parked workers: the server and every
 * worker go too. */
static void test_minimal_parent_dies_with_owner(void **state)
{
	(void)state;
	enum { N = 3 };
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t owner = fork();
	assert_true(owner >= 0);
	if (owner == 0) {
		close(fd[0]);
		/* The server maps the page of its owner, so the owner opens its own. */
		task_page_close();
		struct minimal m;
		struct minimal_park p;
		if (task_page_open() != 0 || minimal_start(&m) != 0 ||
		    minimal_park(&m, worker_kind_find("fork"), N, &p) != 0)
			_exit(1);
		pid_t pids[N + 1] = {m.w.pid};
		memcpy(pids + 1, p.pids, N * sizeof *pids);
		if (write(fd[1], pids, sizeof pids) != sizeof pids)
			_exit(2);
		pause();
		_exit(3);
	}
	close(fd[1]);
	pid_t pids[N + 1];
	assert_int_equal(read(fd[0], pids, sizeof pids), sizeof pids);
	close(fd[0]);
	kill(owner, SIGKILL);
	assert_int_equal(waitpid(owner, NULL, 0), owner);
	for (int i = 0; i <= N; i++) {
		int64_t deadline = now_ns() + patience_ns();
		while (!gone(pids[i]) && now_ns() < deadline)
			nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
		if (!gone(pids[i]))
			fail_msg("%s (pid %d) outlived its killed owner",
				 i ? "a parked worker of the minimal parent" : "the minimal parent",
				 (int)pids[i]);
	}
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rollup_fixture),
		cmocka_unit_test(test_meminfo_fixture),
		cmocka_unit_test(test_park_every_kind),
		cmocka_unit_test(test_park_at_rlimit_nproc),
		cmocka_unit_test(test_cow_child_copies),
		cmocka_unit_test(test_nums),
		cmocka_unit_test(test_workers_die_with_owner),
		cmocka_unit_test(test_minimal_parent_creates_every_kind),
		cmocka_unit_test(test_minimal_parent_parks),
		cmocka_unit_test(test_minimal_parent_says_why),
		cmocka_unit_test(test_minimal_parent_dies_with_owner),
	};
	return tvp_run_tests("footprint", tests, task_page_setup, task_page_teardown);
}
