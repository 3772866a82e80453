/* cow.c - copy-on-write (claim C2, second half): what a forked child really copies.
 *
 *   cow/fork/process/pct:F/parent_mib:S         the parent has touched S MiB and forks;
 *                                               the child writes one byte in F% of the
 *                                               pages, spread evenly
 *   cow/pthread/thread/...                      a thread writes the same pages: they are
 *                                               already the process's own, nothing copies
 *   cow_parent/fork/process/...                 the parent writes while the child waits
 *   cow_thp/KIND/MODE/...                       the region in transparent huge pages
 *   cow_cold/fork/process/...                   the parent never touched the region: the
 *                                               child's writes are first touches
 *                                               (allocate and zero), not copies
 *   memcpy/page/thread/bytes:B                  copying B bytes with memcpy, for the cost
 *                                               of one copied page beside a COW fault
 * Timed (manual time): the write loop alone, in the thread that writes. Not timed: the
 * fork, the region's set-up. Counters per write loop: minflt (that thread's minor faults),
 * private_dirty_kib (growth of the writer's Private_Dirty), pages, ns_per_page and
 * kib_per_fault. Three iterations per repetition (one in the full profile): each one
 * forks afresh.
 */
#include "common.h"
#include "cow.h"
#include "park.h"
#include "scenario.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

enum cow_writer { CHILD_WRITES, PARENT_WRITES };

struct cow_variant {
	const char *scenario;
	const char *kind;
	enum cow_writer writer;
	enum mem_layout layout;
	bool cold;
};

static const struct cow_variant variants[] = {
	{.scenario = "cow", .kind = "fork", .writer = CHILD_WRITES, .layout = MEM_PRIVATE},
	{.scenario = "cow", .kind = "pthread", .writer = CHILD_WRITES, .layout = MEM_PRIVATE},
	{.scenario = "cow_parent", .kind = "fork", .writer = PARENT_WRITES, .layout = MEM_PRIVATE},
	{.scenario = "cow_thp", .kind = "fork", .writer = CHILD_WRITES, .layout = MEM_PRIVATE_THP},
	{.scenario = "cow_thp", .kind = "pthread", .writer = CHILD_WRITES,
	 .layout = MEM_PRIVATE_THP},
	{.scenario = "cow_cold", .kind = "fork", .writer = CHILD_WRITES, .layout = MEM_PRIVATE,
	 .cold = true},
};

static const long pcts[] = {0, 1, 10, 50, 100};
static const long quick_mib[] = {256};
static const long full_mib[] = {256, 1024, 4096};

/* One write loop by a worker of the variant's kind; fills r and the growth of the
 * writer's Private_Dirty. Returns 0 or an errno value. */
static int child_writes(const struct worker_kind *k, struct cow_result *r, long *dirty_kib)
{
	struct worker w;
	int err = worker_start(&w, k, &task_cow_write, 0, NULL);
	if (err)
		return err;
	if ((err = worker_reap(&w)) != 0)
		return err;
	if (w.exit.signaled || w.exit.code != 0)
		return ECHILD;
	const int64_t *res = task_page()->result;
	*r = (struct cow_result){res[COW_WRITE_NS], res[COW_MINFLT], res[COW_PAGES]};
	*dirty_kib = res[COW_PRIVATE_DIRTY_KIB];
	return 0;
}

/* The child waits at the gate while the parent writes. */
static int parent_writes(const struct worker_kind *k, struct cow_result *r, long *dirty_kib)
{
	struct park p;
	int err = park_start(&p, k, 1);
	if (!err)
		err = park_wait(&p, 10000);
	if (!err) {
		long before = mem_self_rollup_kib("Private_Dirty");
		cow_write(cow_job.base, cow_job.size, cow_job.pct, r);
		*dirty_kib = mem_self_rollup_kib("Private_Dirty") - before;
	}
	if (park_release(&p) && !err)
		err = ECHILD;
	return err;
}

static void run_cow(gb_state *st, const void *data)
{
	const struct cow_variant *v = data;
	const struct worker_kind *k = worker_kind_find(v->kind);
	int pct = (int)gb_range(st, 0);
	size_t mib = (size_t)gb_range(st, 1), size = mib << 20;
	char *cold = NULL;

	if (v->cold) {
		/* Mapped, never touched by the parent: every page the child writes is new. */
		cold = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (cold == MAP_FAILED) {
			gb_skip(st, "mmap of %zu MiB: %s", mib, strerror(errno));
			return;
		}
		madvise(cold, size, MADV_NOHUGEPAGE);
		cow_job = (struct cow_job){cold, size, pct};
	} else {
		if (parent_memory(st, mib, v->layout) != 0)
			return;
		cow_job = (struct cow_job){parent_memory_region()->base, size, pct};
		/* A fork earlier in the run leaves the parent's pages write-protected, and
		 * the next write to each faults once to take it back. Write every page now,
		 * so the thread baseline starts from pages that are plainly its own. */
		struct cow_result warm;
		cow_write(cow_job.base, size, 100, &warm);
	}

	double minflt = 0, dirty = 0, pages = 0, ns = 0;
	int64_t n = 0;
	while (gb_keep_running(st)) {
		struct cow_result r;
		long dirty_kib = 0;
		int err = v->writer == CHILD_WRITES ? child_writes(k, &r, &dirty_kib)
						    : parent_writes(k, &r, &dirty_kib);
		if (err) {
			if (err == ECHILD)
				gb_skip(st, "the %s worker did not end cleanly", k->name);
			else
				skip_start_error(st, k, err);
			break;
		}
		gb_set_iteration_time(st, (double)r.write_ns * 1e-9);
		minflt += (double)r.minflt;
		dirty += (double)dirty_kib;
		pages += (double)r.pages;
		ns += (double)r.write_ns;
		n++;
	}
	if (cold)
		munmap(cold, size);
	if (gb_error_occurred(st) || n == 0)
		return;
	gb_counter(st, "minflt", minflt / (double)n, 0);
	gb_counter(st, "private_dirty_kib", dirty / (double)n, 0);
	gb_counter(st, "pages", pages / (double)n, 0);
	gb_counter(st, "ns_per_page", pages > 0 ? ns / pages : 0, 0);
	gb_counter(st, "kib_per_fault", minflt > 0 ? dirty / minflt : 0, 0);
}

/* memcpy of one page (or one huge page) at a time through buffers larger than the
 * last-level cache, as a COW fault copies a page it has not touched lately. */
#define MEMCPY_SPAN (64UL << 20)
static void run_memcpy(gb_state *st, const void *data)
{
	(void)data;
	size_t bytes = (size_t)gb_range(st, 0), off = 0;
	char *src = mmap(NULL, 2 * MEMCPY_SPAN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (src == MAP_FAILED) {
		gb_skip(st, "mmap of %lu MiB: %s", 2 * MEMCPY_SPAN >> 20, strerror(errno));
		return;
	}
	char *dst = src + MEMCPY_SPAN;
	memset(src, 1, 2 * MEMCPY_SPAN); /* present and private before timing */
	while (gb_keep_running(st)) {
		memcpy(dst + off, src + off, bytes);
		off = (off + bytes) % MEMCPY_SPAN;
	}
	gb_set_bytes_processed(st, (int64_t)bytes * gb_iterations(st));
	munmap(src, 2 * MEMCPY_SPAN);
}

static void register_all(const struct suite_opts *opts)
{
	bool full = opts->profile == PROFILE_FULL;
	const long *sizes = full ? full_mib : quick_mib;
	size_t nsizes = full ? ARRAY_SIZE(full_mib) : ARRAY_SIZE(quick_mib);

	for (size_t i = 0; i < ARRAY_SIZE(variants); i++) {
		const struct cow_variant *v = &variants[i];
		const struct worker_kind *k = worker_kind_find(v->kind);
		char name[128];
		snprintf(name, sizeof name, "%s/%s/%s", v->scenario, k->name, k->mode);
		gb_bench *b = gb_register(name, run_cow, v);
		gb_arg_names2(b, "pct", "parent_mib");
		/* The largest region for the child and the thread baseline alone: the
		 * variants show what they show at 1 GiB, and each write of 4 GiB takes
		 * seconds. */
		for (size_t s = 0; s < nsizes; s++)
			for (size_t p = 0; p < ARRAY_SIZE(pcts); p++)
				if (strcmp(v->scenario, "cow") == 0 || sizes[s] <= 1024)
					gb_args2(b, pcts[p], sizes[s]);
		/* Each iteration forks afresh and writes up to the whole region: three in the
		 * quick profile, one at the full profile's sizes (its ten repetitions give the
		 * spread). */
		gb_fixed_iterations(b, full ? 1 : 3);
		gb_use_manual_time(b);
		gb_unit(b, GB_US);
	}
	gb_bench *b = gb_register("memcpy/page/thread", run_memcpy, NULL);
	gb_arg_name(gb_arg(gb_arg(b, 4096), 2 << 20), "bytes");
	gb_use_real_time(b);
	gb_unit(b, GB_NS);
}

const struct scenario scenario_cow = {
	.name = "cow",
	.desc = "copy-on-write: what a forked child copies when it writes (C2)",
	.register_all = register_all,
	.in_a_row = true,
};
