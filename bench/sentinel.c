/* sentinel.c - the machine-state probes (see sentinel.h). Each is timed with
 * CLOCK_MONOTONIC around a fixed amount of work, small enough to stay well under a
 * second even where page faults are ten times their usual cost. */
#include "sentinel.h"
#include "common.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

/* A private anonymous region in 4 KiB pages, or NULL. */
static char *small_pages(size_t size)
{
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	madvise(p, size, MADV_NOHUGEPAGE); /* one fault per 4 KiB page, whatever THP says */
	return p;
}

static void touch(char *p, size_t size)
{
	for (size_t off = 0; off < size; off += PAGE)
		((volatile char *)p)[off] = 1;
}

static double first_touch_ns(void)
{
	const size_t size = 16 << 20;
	char *p = small_pages(size);
	if (!p)
		return -1;
	int64_t t0 = now_ns();
	touch(p, size);
	double ns = (double)(now_ns() - t0) / (double)(size / PAGE);
	munmap(p, size);
	return ns;
}

/* The child writes every page its parent touched and reports ns per page. */
static double cow_fault_ns(void)
{
	const size_t size = 8 << 20;
	char *p = small_pages(size);
	int fd[2];
	if (!p || pipe(fd) != 0) {
		if (p)
			munmap(p, size);
		return -1;
	}
	touch(p, size);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int64_t t0 = now_ns();
		touch(p, size);
		double ns = (double)(now_ns() - t0) / (double)(size / PAGE);
		_exit(write(fd[1], &ns, sizeof ns) == sizeof ns ? 0 : 1);
	}
	double ns = -1;
	close(fd[1]);
	if (pid > 0) {
		if (read(fd[0], &ns, sizeof ns) != sizeof ns)
			ns = -1;
		waitpid(pid, NULL, 0);
	}
	close(fd[0]);
	munmap(p, size);
	return ns;
}

static double syscall_ns(void)
{
	enum { N = 200000 };
	int64_t t0 = now_ns();
	for (int i = 0; i < N; i++)
		syscall(SYS_getppid);
	return (double)(now_ns() - t0) / N;
}

/* Two processes on the CPU this thread runs on, a byte each way through two pipes. */
static double switch_ns(void)
{
	enum { ROUNDS = 5000 };
	cpu_set_t saved, one;
	int up[2], down[2];
	if (sched_getaffinity(0, sizeof saved, &saved) != 0 || pipe(up) != 0)
		return -1;
	if (pipe(down) != 0) {
		close(up[0]);
		close(up[1]);
		return -1;
	}
	int cpu = sched_getcpu();
	CPU_ZERO(&one);
	CPU_SET(cpu >= 0 ? cpu : 0, &one);
	sched_setaffinity(0, sizeof one, &one);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(up[1]);
		close(down[0]);
		while (read(up[0], &c, 1) == 1 && write(down[1], &c, 1) == 1) {
		}
		_exit(0);
	}
	close(up[0]);
	close(down[1]);
	double ns = -1;
	if (pid > 0) {
		char c = 0;
		int64_t t0 = now_ns();
		int i;
		for (i = 0; i < ROUNDS; i++)
			if (write(up[1], &c, 1) != 1 || read(down[0], &c, 1) != 1)
				break;
		if (i == ROUNDS)
			ns = (double)(now_ns() - t0) / ROUNDS;
	}
	close(up[1]); /* end-of-file: the child leaves */
	if (pid > 0)
		waitpid(pid, NULL, 0);
	close(down[0]);
	sched_setaffinity(0, sizeof saved, &saved);
	return ns;
}

/* The first two CPUs this process may use, or false on one. */
static bool two_cpus(const cpu_set_t *allowed, int *a, int *b)
{
	*a = *b = -1;
	for (int c = 0; c < CPU_SETSIZE && *b < 0; c++)
		if (CPU_ISSET(c, allowed))
			*(*a < 0 ? a : b) = c;
	return *b >= 0;
}

static double cacheline_ns(void)
{
	enum { ROUNDS = 2000 };
	cpu_set_t saved, mine, peer;
	int a, b;
	if (sched_getaffinity(0, sizeof saved, &saved) != 0 || !two_cpus(&saved, &a, &b))
		return 0;
	CPU_ZERO(&mine);
	CPU_SET(a, &mine);
	CPU_ZERO(&peer);
	CPU_SET(b, &peer);
	sched_setaffinity(0, sizeof mine, &mine);
	struct line_probe p;
	double ns = -1;
	if (line_probe_start(&p, &peer, false) == 0) {
		line_probe_round_trip(&p); /* the peer is running */
		int64_t t0 = now_ns();
		for (int i = 0; i < ROUNDS; i++)
			line_probe_round_trip(&p);
		ns = (double)(now_ns() - t0) / ROUNDS;
		line_probe_stop(&p);
	}
	sched_setaffinity(0, sizeof saved, &saved);
	return ns;
}

/* GB/s of copying size bytes, rounds times over, the best of three tries. */
static double memcpy_gbs(size_t size, int rounds)
{
	char *src = malloc(size), *dst = malloc(size);
	if (!src || !dst) {
		free(src);
		free(dst);
		return -1;
	}
	memset(src, 1, size);
	memset(dst, 2, size);
	int64_t best = INT64_MAX;
	for (int t = 0; t < 3; t++) {
		int64_t t0 = now_ns();
		for (int r = 0; r < rounds; r++) {
			memcpy(dst, src, size);
			__asm__ volatile("" : : "r"(dst) : "memory"); /* the copy is used */
		}
		int64_t took = now_ns() - t0;
		if (took < best)
			best = took;
	}
	free(src);
	free(dst);
	return (double)size * rounds / (double)best;
}

/* --- parallel capacity ------------------------------------------------------------ */

#define SPIN 20000000ULL

struct spinner {
	pthread_t thread;
	int cpu;
	const int *go;
};

static void *spin_on(void *arg)
{
	struct spinner *s = arg;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(s->cpu, &one);
	pthread_setaffinity_np(pthread_self(), sizeof one, &one);
	while (!__atomic_load_n(s->go, __ATOMIC_ACQUIRE)) {
	}
	for (volatile unsigned long long i = 0; i < SPIN; i++) {
	}
	return NULL;
}

/* ns for the spin loop on each of the first `threads` allowed CPUs at once, or -1. */
static int64_t spin_on_cpus(const cpu_set_t *allowed, struct spinner *s, int threads)
{
	int go = 0, started = 0;
	for (int c = 0; c < CPU_SETSIZE && started < threads; c++) {
		if (!CPU_ISSET(c, allowed))
			continue;
		s[started] = (struct spinner){.cpu = c, .go = &go};
		if (pthread_create(&s[started].thread, NULL, spin_on, &s[started]) != 0)
			break;
		started++;
	}
	usleep(10000); /* every thread on its CPU, waiting for go */
	int64_t t0 = now_ns();
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < started; i++)
		pthread_join(s[i].thread, NULL);
	int64_t took = now_ns() - t0;
	return started == threads ? took : -1;
}

/* The same spin loop on one CPU, then on every CPU at once: PUs x t(one) / t(all) is how
 * many CPUs' worth of work the machine does in parallel. */
static double parallel_pus(void)
{
	cpu_set_t allowed;
	if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
		return -1;
	int n = CPU_COUNT(&allowed);
	struct spinner *s = calloc((size_t)n, sizeof *s);
	if (!s)
		return -1;
	int64_t one = spin_on_cpus(&allowed, s, 1), all = spin_on_cpus(&allowed, s, n);
	free(s);
	return one > 0 && all > 0 ? (double)n * (double)one / (double)all : -1;
}

int sentinel_probe(struct json *j, const char *key)
{
	static const struct {
		const char *name;
		double (*fn)(void);
	} probes[] = {
		{"first_touch_ns", first_touch_ns},
		{"cow_fault_ns", cow_fault_ns},
		{"syscall_ns", syscall_ns},
		{"switch_ns", switch_ns},
		{"cacheline_ns", cacheline_ns},
		{"parallel_pus", parallel_pus},
	};
	json_object_begin(j, key);
	for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
		double v = probes[i].fn();
		json_double(j, probes[i].name, v >= 0 ? v : NAN);
	}
	double cache = memcpy_gbs(16 << 10, 4000), mem = memcpy_gbs(64 << 20, 1);
	json_double(j, "memcpy_cache_gbs", cache >= 0 ? cache : NAN);
	json_double(j, "memcpy_mem_gbs", mem >= 0 ? mem : NAN);
	json_object_end(j);
	return 0;
}
