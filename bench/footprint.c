/* footprint.c - what one idle worker costs in memory (claim C1).
 *
 *   footprint/KIND/MODE/measure:memory/workers:N/parent_mib:P
 * KIND is a kind of kinds[] below. N workers of one kind are started and parked at a start
 * gate while the parent holds P MiB of touched private memory; with all of them alive,
 * the memory is read:
 *   user memory   processes: the sum over the children of their smaps_rollup Pss and
 *                 private (Private_Clean + Private_Dirty); threads: the growth of the
 *                 process's own Rss, Pss and private memory
 *   kernel memory the growth of KernelStack, PageTables and SUnreclaim in /proc/meminfo.
 *                 These are system-wide: each side is the median of several samples, and
 *                 other activity on the machine shows up as noise, least at large N
 *   virtual       threads: the growth of VmSize (stacks reserved); processes: each
 *                 child's own VmSize (its whole copy of the address space)
 * Every counter is per worker, in KiB. Timed (manual time): starting all N until the
 * last one has counted itself in. One iteration per repetition: each is a full build-up.
 */
#include "common.h"
#include "park.h"
#include "scenario.h"
#include "util.h"

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const enum worker_kind_id kinds[] = {KIND_PTHREAD, KIND_FORK, KIND_CLONE,
					    KIND_POSIX_SPAWN};
static const long quick_n[] = {1, 10, 100, 1000};
static const long full_n[] = {1, 10, 100, 1000, 10000};
#define PARENT_MIB 256

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* The median of three samples of the kernel's memory, field by field. */
static int kernel_sample(struct mem_kernel *out)
{
	long v[3][3];
	for (int i = 0; i < 3; i++) {
		struct mem_kernel k;
		int rc = mem_kernel(&k);
		if (rc)
			return rc;
		v[0][i] = k.kernel_stack;
		v[1][i] = k.page_tables;
		v[2][i] = k.slab_unreclaimable;
		if (i < 2)
			nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
	}
	for (int f = 0; f < 3; f++)
		qsort(v[f], 3, sizeof v[f][0], cmp_long);
	*out = (struct mem_kernel){v[0][1], v[1][1], v[2][1]};
	return 0;
}

struct usage {
	double rss, pss, private_kib, vm;
};

/* User memory of the workers: the children's own, or the process's growth. */
static int user_memory(const struct park *p, bool threads, struct usage *u)
{
	memset(u, 0, sizeof *u);
	if (threads) {
		struct mem_rollup r;
		int rc = mem_rollup(0, &r);
		if (rc)
			return rc;
		*u = (struct usage){r.rss, r.pss, r.private_clean + r.private_dirty,
				    mem_vm_size_kib(0)};
		return 0;
	}
	for (size_t i = 0; i < p->started; i++) {
		struct mem_rollup r;
		int rc = mem_rollup(p->workers[i].pid, &r);
		if (rc)
			return rc;
		u->rss += r.rss;
		u->pss += r.pss;
		u->private_kib += r.private_clean + r.private_dirty;
		u->vm += mem_vm_size_kib(p->workers[i].pid);
	}
	return 0;
}

static void run_footprint(gb_state *st, const void *data)
{
	const struct worker_kind *k = data;
	size_t n = (size_t)gb_range(st, 0), mib = (size_t)gb_range(st, 1);
	bool threads = k->mode == MODE_THREAD;
	struct mem_kernel k0, k1;
	struct usage u0 = {0}, u1;

	if (parent_memory(st, mib, MEM_PRIVATE) != 0)
		return;
	while (gb_keep_running(st)) {
		struct park p;
		int rc;
		if ((rc = kernel_sample(&k0)) != 0 || (threads && (rc = user_memory(NULL, true, &u0)))) {
			gb_skip(st, "reading /proc/meminfo or smaps_rollup: %s", strerror(rc));
			break;
		}
		int64_t t0 = now_ns();
		int err = park_start(&p, k, n);
		if (!err)
			err = park_wait(&p, 30000 + (int)n * 10);
		int64_t t1 = now_ns();
		if (!err) {
			rc = user_memory(&p, threads, &u1);
			if (!rc)
				rc = kernel_sample(&k1);
		}
		char why[256];
		if (err)
			park_error_str(&p, why, sizeof why);
		size_t bad = park_release(&p);
		if (err) {
			gb_skip(st, "%s", why);
			break;
		}
		if (rc) {
			gb_skip(st, "reading smaps_rollup or meminfo with %zu workers: %s%s", n,
				strerror(rc),
				rc == ENOENT ? " (a kernel without smaps_rollup, before 4.14)" : "");
			break;
		}
		if (bad) {
			gb_skip(st, "%zu of %zu %s workers did not end cleanly", bad, n, k->name);
			break;
		}
		gb_set_iteration_time(st, (double)(t1 - t0) * 1e-9);
	}
	if (gb_error_occurred(st))
		return;
	double per = 1.0 / (double)n;
	gb_counter(st, "rss_kib", (u1.rss - u0.rss) * per, 0);
	gb_counter(st, "pss_kib", (u1.pss - u0.pss) * per, 0);
	gb_counter(st, "private_kib", (u1.private_kib - u0.private_kib) * per, 0);
	gb_counter(st, "vm_kib", (u1.vm - u0.vm) * per, 0);
	double ks = (double)(k1.kernel_stack - k0.kernel_stack) * per;
	double pt = (double)(k1.page_tables - k0.page_tables) * per;
	double sl = (double)(k1.slab_unreclaimable - k0.slab_unreclaimable) * per;
	gb_counter(st, "kernel_stack_kib", ks, 0);
	gb_counter(st, "page_tables_kib", pt, 0);
	gb_counter(st, "slab_kib", sl, 0);
	gb_counter(st, "kernel_kib", ks + pt + sl, 0);
}

static void register_all(const struct suite_opts *opts)
{
	bool full = opts->profile == PROFILE_FULL;
	const long *ns = full ? full_n : quick_n;
	size_t nn = full ? ARRAY_SIZE(full_n) : ARRAY_SIZE(quick_n);
	/* With a large parent every forked child copies its page tables; 100 such
	 * children show the cost plainly. And 10000 workers take seconds to build and
	 * tear down each time, while their per-worker numbers barely vary: three
	 * repetitions of those, the profile's number of the rest. */
	const long parent_max_n = 100, big_n = 10000;

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		for (int big = 0; big < (full ? 2 : 1); big++) {
			struct bench *b = bench_register(&(struct bench_row){
				.scenario = &scenario_footprint, .measure = "memory",
				.kind = &worker_kinds[kinds[i]],
				.arg_names = {"workers", "parent_mib"}, .fn = run_footprint,
				.data = &worker_kinds[kinds[i]], .time = BENCH_MANUAL_TIME,
				.unit = GB_MS, .iterations = 1, .repetitions = big ? 3 : 0});
			for (size_t j = 0; j < nn; j++)
				if ((ns[j] >= big_n) == big)
					bench_args2(b, ns[j], 0);
			for (size_t j = 0; !big && j < nn && ns[j] <= parent_max_n; j++)
				bench_args2(b, ns[j], PARENT_MIB);
		}
	}
}

const struct scenario scenario_footprint = {
	.name = "footprint",
	.desc = "memory per idle worker, user and kernel (C1)",
	.register_all = register_all,
	.families = {
		{"memory", "user and kernel memory per idle worker, N of one kind alive at "
			   "once, and the time to start them all"},
	},
};
