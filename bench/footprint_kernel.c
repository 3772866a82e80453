/* footprint_kernel.c - a worker's kernel memory for bench/footprint.c
 * (footprint_kernel.h): a memory cgroup of its own, else each worker's page tables and
 * kernel stack from /proc, else /proc/meminfo sampled around the build-up. */
#include "footprint_kernel.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* The median of three samples of the kernel's memory, field by field, and how far
 * apart the samples' sums were (*spread, KiB): other activity, seen. */
static int kernel_sample(struct mem_kernel *out, long *spread)
{
	long v[3][3], lo = 0, hi = 0;
	for (int i = 0; i < 3; i++) {
		struct mem_kernel k;
		int rc = mem_kernel(&k);
		if (rc)
			return rc;
		v[0][i] = k.kernel_stack;
		v[1][i] = k.page_tables;
		v[2][i] = k.slab_unreclaimable;
		long sum = k.kernel_stack + k.page_tables + k.slab_unreclaimable;
		lo = i == 0 || sum < lo ? sum : lo;
		hi = i == 0 || sum > hi ? sum : hi;
		if (i < 2)
			nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
	}
	for (int f = 0; f < 3; f++)
		qsort(v[f], 3, sizeof v[f][0], cmp_long);
	*out = (struct mem_kernel){v[0][1], v[1][1], v[2][1]};
	*spread = hi - lo;
	return 0;
}

/* How far /proc/meminfo's three counters may lag the truth, in KiB: each CPU folds its
 * share of a counter into the global one only once it passes the "vm stats threshold"
 * of /proc/zoneinfo (mm/vmstat.c), in pages. */
long meminfo_resolution_kib(void)
{
	FILE *f = fopen("/proc/zoneinfo", "re");
	long threshold = 0;
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		long t;
		if (sscanf(line, " vm stats threshold: %ld", &t) == 1 && t > threshold)
			threshold = t;
	}
	if (f)
		fclose(f);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return 3 * (cpus > 0 ? cpus : 1) * threshold * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Whether a task still holds its kernel stack: a task that has exited (a zombie, or
 * dead) gave it back in do_exit, though /proc still lists it until it is reaped. */
static bool task_has_stack(const char *pid, const char *tid)
{
	char path[600], buf[512];
	snprintf(path, sizeof path, "/proc/%.255s/task/%.255s/stat", pid, tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false; /* gone meanwhile */
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *paren = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
	return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

/* One task's kernel stack in KiB: KernelStack of /proc/meminfo over the number of tasks
 * on the machine that hold one, to the nearest power of two (every live task, kernel
 * threads included, has one stack of THREAD_SIZE, 16 KiB on x86-64; the sum and the
 * count are read a moment apart, hence the rounding, and exited tasks not yet reaped
 * are left out, or a burst of them halves the estimate). Counted once per run. 0 when
 * it cannot be read. */
long kernel_stack_size_kib(void)
{
	static long cached = -1;
	if (cached >= 0)
		return cached;
	long tasks = 0;
	DIR *proc = opendir("/proc");
	struct dirent *e;
	while (proc && (e = readdir(proc))) {
		char path[300];
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%.255s/task", e->d_name);
		DIR *t = opendir(path);
		struct dirent *te;
		while (t && (te = readdir(t)))
			tasks += te->d_name[0] >= '1' && te->d_name[0] <= '9' &&
				 task_has_stack(e->d_name, te->d_name);
		if (t)
			closedir(t);
	}
	if (proc)
		closedir(proc);
	struct mem_kernel k;
	cached = 0;
	if (tasks > 0 && mem_kernel(&k) == 0 && k.kernel_stack > 0) {
		double each = (double)k.kernel_stack / (double)tasks;
		long p = 1;
		while ((double)p * 1.4142 < each) /* nearest power of two, on a log scale */
			p *= 2;
		cached = p;
	}
	return cached;
}

int kernel_read(const struct mem_cgroup *cg, struct kernel_reading *r)
{
	r->cgroup_kib = cg ? mem_cgroup_kernel_kib(cg) : -1;
	if (cg && r->cgroup_kib < 0)
		return EIO;
	return kernel_sample(&r->info, &r->info_spread);
}

/* Chooses the kernel source of one repetition, best first: a new memory cgroup with the
 * creating parent moved into it (cg made, the parent in it); else each worker's page
 * tables (VmPTE) and kernel stack; else /proc/meminfo. TVP_FOOTPRINT_SOURCE=proc or
 * =meminfo starts lower on purpose, to compare sources on one machine (and for their
 * tests). note says why a source was passed over. */
enum kernel_source choose_source(struct mem_cgroup *cg, pid_t parent, char *note,
				 size_t size)
{
	const char *want = getenv("TVP_FOOTPRINT_SOURCE");
	bool proc_only = want && strcmp(want, "proc") == 0;
	bool meminfo_only = want && strcmp(want, "meminfo") == 0;
	memset(cg, 0, sizeof *cg);
	int err = 0;
	if (proc_only || meminfo_only) {
		snprintf(note, size, "memory cgroup not used: TVP_FOOTPRINT_SOURCE=%s", want);
	} else {
		err = mem_cgroup_make(cg);
		if (!err && (err = mem_cgroup_enter(cg, parent)) != 0)
			mem_cgroup_remove(cg);
		if (!err)
			return KSRC_MEMCG;
		snprintf(note, size, "memory cgroup: %s%s", strerror(err),
			 err == EOPNOTSUPP ? " (no cgroup v1 memory controller with kmem)" : "");
	}
	if (!meminfo_only && kernel_stack_size_kib() > 0 && mem_status_kib(0, "VmPTE") >= 0)
		return KSRC_PROC;
	return KSRC_MEMINFO;
}
