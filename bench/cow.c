/* cow.c - copy-on-write (claim C2, second half): what a forked child really copies.
 *
 *   cow/KIND/MODE/measure:write/writer:W/layout:L/parent_touched:T/pct:F/parent_mib:S
 *     the parent has touched (T = 1) S MiB in layout L (private 4 KiB pages or thp) and
 *     starts a worker; the writer writes one byte in F% of the pages, spread evenly:
 *       fork, writer:child      the child writes, and each page it writes is copied
 *       pthread, writer:child   a thread writes the same pages: they are already the
 *                               process's own, nothing copies
 *       fork, writer:parent     the parent writes while the child waits at a gate
 *       fork, parent_touched:0  the parent never touched the region: the child's writes
 *                               are first touches (allocate and zero), not copies
 *   cow/memcpy/thread/measure:copy/bytes:B
 *     copying B bytes with memcpy, for the cost of one copied page beside a COW fault
 * Timed (manual time): the write loop alone, in the thread that writes. Not timed: the
 * fork, the region's set-up. Counters per write loop: minflt (that thread's minor faults),
 * private_dirty_kib (growth of the writer's Private_Dirty), pages, ns_per_page and
 * kib_per_fault; in the thp layout also region_thp_kib and region_thp_kib_after, the
 * AnonHugePages of the region in the writer's own /proc/self/smaps just before and just
 * after its write loop, so the huge pages at the time of the write are measured, not
 * assumed. Three iterations per repetition (one in the full profile): each one forks
 * afresh.
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
	enum worker_kind_id kind;
	enum cow_writer writer;
	enum mem_layout layout;
	bool cold;
	bool largest;   /* runs the largest sizes too */
};

static const struct cow_variant variants[] = {
	{.kind = KIND_FORK, .writer = CHILD_WRITES, .layout = MEM_PRIVATE, .largest = true},
	{.kind = KIND_PTHREAD, .writer = CHILD_WRITES, .layout = MEM_PRIVATE, .largest = true},
	{.kind = KIND_FORK, .writer = PARENT_WRITES, .layout = MEM_PRIVATE},
	{.kind = KIND_FORK, .writer = CHILD_WRITES, .layout = MEM_PRIVATE_THP},
	{.kind = KIND_PTHREAD, .writer = CHILD_WRITES, .layout = MEM_PRIVATE_THP},
	{.kind = KIND_FORK, .writer = CHILD_WRITES, .layout = MEM_PRIVATE, .cold = true},
};

static const char *const writers[] = {[CHILD_WRITES] = "child", [PARENT_WRITES] = "parent"};

static const long pcts[] = {0, 1, 10, 50, 100};
static const long quick_mib[] = {256};
static const long full_mib[] = {256, 1024, 4096};

/* One write loop by a worker of the variant's kind; fills r and the growth of the
 * writer's Private_Dirty (and cow_thp, where set). Returns 0 or an errno value. */
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
		if (cow_thp)
			cow_thp->before_kib = cow_region_thp_kib(cow_job.base, cow_job.size);
		cow_write(cow_job.base, cow_job.size, cow_job.pct, r);
		if (cow_thp)
			cow_thp->after_kib = cow_region_thp_kib(cow_job.base, cow_job.size);
		*dirty_kib = mem_self_rollup_kib("Private_Dirty") - before;
	}
	if (park_release(&p) && !err)
		err = ECHILD;
	return err;
}

static void run_cow(gb_state *st, const void *data)
{
	const struct cow_variant *v = data;
	const struct worker_kind *k = &worker_kinds[v->kind];
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

	/* Huge pages: the writer records its view of the region here, where a forked
	 * writer's record survives it. */
	struct cow_thp *thp = NULL;
	if (v->layout == MEM_PRIVATE_THP) {
		thp = mmap(NULL, sizeof *thp, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			   -1, 0);
		if (thp == MAP_FAILED) {
			gb_skip(st, "mmap of the huge-page record: %s", strerror(errno));
			if (cold)
				munmap(cold, size);
			return;
		}
	}
	cow_thp = thp;

	double minflt = 0, dirty = 0, pages = 0, ns = 0, thp_before = 0, thp_after = 0;
	int64_t n = 0;
	while (gb_keep_running(st)) {
		struct cow_result r;
		long dirty_kib = 0;
		if (thp)
			*thp = (struct cow_thp){-1, -1};
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
		if (thp && (thp->before_kib < 0 || thp->after_kib < 0)) {
			gb_skip(st, "the %s writer could not read its /proc/self/smaps", k->name);
			break;
		}
		if (thp) {
			thp_before += (double)thp->before_kib;
			thp_after += (double)thp->after_kib;
		}
		n++;
	}
	cow_thp = NULL;
	if (thp)
		munmap(thp, sizeof *thp);
	if (cold)
		munmap(cold, size);
	if (gb_error_occurred(st) || n == 0)
		return;
	if (thp) {
		gb_counter(st, "region_thp_kib", thp_before / (double)n, 0);
		gb_counter(st, "region_thp_kib_after", thp_after / (double)n, 0);
	}
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
		/* Each iteration forks afresh and writes up to the whole region: three in the
		 * quick profile, one at the full profile's sizes (its ten repetitions give the
		 * spread). */
		struct bench *b = bench_register(&(struct bench_row){
			.scenario = &scenario_cow, .measure = "write",
			.kind = &worker_kinds[v->kind],
			.fixed = {{"writer", writers[v->writer]},
				  {"layout", mem_layouts[v->layout].name},
				  {"parent_touched", v->cold ? "0" : "1"}},
			.arg_names = {"pct", "parent_mib"}, .fn = run_cow, .data = v,
			.time = BENCH_MANUAL_TIME, .unit = GB_US, .iterations = full ? 1 : 3});
		/* The largest region for the child and the thread baseline alone: the
		 * variants show what they show at 1 GiB, and each write of 4 GiB takes
		 * seconds. */
		for (size_t s = 0; s < nsizes; s++)
			for (size_t p = 0; p < ARRAY_SIZE(pcts); p++)
				if (v->largest || sizes[s] <= 1024)
					bench_args2(b, pcts[p], sizes[s]);
	}
	struct bench *b = bench_register(&(struct bench_row){
		.scenario = &scenario_cow, .measure = "copy", .variant = "memcpy",
		.mode = MODE_THREAD, .arg_names = {"bytes"}, .fn = run_memcpy,
		.time = BENCH_REAL_TIME, .unit = GB_NS});
	bench_arg(bench_arg(b, 4096), 2 << 20);
}

const struct scenario scenario_cow = {
	.name = "cow",
	.desc = "copy-on-write: what a forked child copies when it writes (C2)",
	.register_all = register_all,
	.families = {
		{"write", "the write loop alone: a writer writes one byte in a fraction of the "
			  "pages of a region"},
		{"copy", "memcpy of a page (or a huge page) through buffers larger than the "
			 "last-level cache"},
	},
};
