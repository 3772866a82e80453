/* footprint.c - what one idle worker costs in memory (claim C1).
 *
 *   footprint/KIND/MODE/measure:memory/parent:PARENT/workers:N/parent_mib:P
 * KIND is a kind of kinds[] below. N workers of one kind are started and parked at a start
 * gate while the parent holds P MiB of touched private memory; with all of them alive,
 * the memory is read. PARENT is who creates them: tvp (this program, a fat parent) on
 * every row, or minimal (tvp-helper serve, minimal.h, started afresh for each
 * repetition) on the rows of an empty parent.
 *   user memory   processes: the sum over the children of their smaps_rollup Pss and
 *                 private (Private_Clean + Private_Dirty; Private_Clean apart, as
 *                 private_clean_kib: file pages only this process maps, e.g. the text of
 *                 a helper no other process runs); threads: the growth of the creating
 *                 process's own Rss, Pss and private memory
 *   kernel memory kernel_kib, from the best source this machine offers (kernel_source):
 *                 1 = a memory cgroup of its own: the creating parent is moved into a
 *                 new v1 memory cgroup before the repetition, so every kernel page and
 *                 accounted slab object its workers need (kernel stack, page tables,
 *                 task_struct, mm, VMAs, files...) is charged there, and the growth of
 *                 memory.kmem.usage_in_bytes is theirs; where no cgroup can be made,
 *                 2 = per process: VmPTE of each worker (or the growth of the parent's,
 *                 for threads) plus one kernel stack each (its size from meminfo's
 *                 KernelStack over the tasks on the machine), slab not seen; 3 (only
 *                 if VmPTE cannot be read) = /proc/meminfo's KernelStack +
 *                 PageTables + SUnreclaim, system-wide, the median of three samples each
 *                 side, where other activity is noise. kernel_resolution_kib says how
 *                 far off kernel_kib may be per worker: for the cgroup, a page per CPU
 *                 charged ahead (mem.h); for the per-process source, a page; for
 *                 meminfo, each CPU's unfolded counter batch
 *                 (vm stats threshold of /proc/zoneinfo, in pages) for each of the three,
 *                 plus how far apart the samples of either side were (other activity).
 *                 page_tables_kib is VmPTE of /proc/PID/status, per process and exact:
 *                 the children's (processes), or the growth of the parent's (threads).
 *                 kernel_stack_kib, slab_kib and meminfo_kernel_kib are the meminfo
 *                 deltas, kept beside as the system-wide view
 *   virtual       threads: the growth of VmSize (stacks reserved); processes: each
 *                 child's own VmSize (its whole copy of the address space)
 *   parent        parent_rss_kib and parent_maps: VmRSS and mapping count of the creating
 *                 parent before it creates
 * Every counter but the parent's is per worker, in KiB. Timed (manual time): starting all
 * N until the last one has counted itself in. One iteration per repetition: each is a
 * full build-up. The cgroup is removed after each repetition, and by the interrupt
 * handler (cleanup.h) if the run is stopped. Where no cgroup is used the row's label
 * says why; TVP_FOOTPRINT_SOURCE=proc or =meminfo in the environment chooses that
 * source.
 */
#include "common.h"
#include "minimal.h"
#include "park.h"
#include "scenario.h"
#include "util.h"
#include "footprint_kernel.h"

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const enum worker_kind_id kinds[] = {KIND_PTHREAD, KIND_FORK, KIND_CLONE,
					    KIND_POSIX_SPAWN};
static const long quick_n[] = {1, 10, 100, 1000};
static const long full_n[] = {1, 10, 100, 1000, 10000};
#define PARENT_MIB 256

enum parent_id { PARENT_TVP, PARENT_MINIMAL };
static const char *const parent_names[] = {[PARENT_TVP] = "tvp", [PARENT_MINIMAL] = "minimal"};

struct fp_case {
	const struct worker_kind *kind;
	enum parent_id parent;
};

struct usage {
	double rss, pss, private_kib, private_clean, vm, pte;
};

/* User memory and page tables of the workers: the children's own (pids), or the
 * creating process's (parent; 0 is this one) when the workers are its threads. */
static int user_memory(pid_t parent, const pid_t *pids, size_t n, bool threads,
		       struct usage *u)
{
	memset(u, 0, sizeof *u);
	struct mem_rollup r;
	int rc;
	if (threads) {
		if ((rc = mem_rollup(parent, &r)) != 0)
			return rc;
		*u = (struct usage){r.rss, r.pss, r.private_clean + r.private_dirty,
				    r.private_clean, mem_vm_size_kib(parent),
				    mem_status_kib(parent, "VmPTE")};
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if ((rc = mem_rollup(pids[i], &r)) != 0)
			return rc;
		u->rss += r.rss;
		u->pss += r.pss;
		u->private_kib += r.private_clean + r.private_dirty;
		u->private_clean += r.private_clean;
		u->vm += mem_vm_size_kib(pids[i]);
		u->pte += mem_status_kib(pids[i], "VmPTE");
	}
	return 0;
}

/* Who creates the workers: this process (park.h), or the minimal parent. */
struct creator {
	bool minimal;
	struct minimal m;
	pid_t pid;                /* the creating process, 0 for this one */
	struct park park;
	struct minimal_park mpark;
	pid_t *pids;              /* the process workers, in either */
	size_t started;
};

static int creator_start(gb_state *st, struct creator *c, enum parent_id parent)
{
	memset(c, 0, sizeof *c);
	c->minimal = parent == PARENT_MINIMAL;
	if (c->minimal && minimal_start(&c->m) != 0) {
		gb_skip(st, "%s", c->m.why);
		return -1;
	}
	c->pid = c->minimal ? c->m.w.pid : 0;
	return 0;
}

/* Parks n workers of kind k; *ns is the time to the last one counted in. Returns 0, or
 * an errno value with why filled. creator_release must follow either way. */
static int creator_park(struct creator *c, const struct worker_kind *k, size_t n, int64_t *ns,
			char *why, size_t size)
{
	if (c->minimal) {
		int err = minimal_park(&c->m, k, n, &c->mpark);
		if (err)
			snprintf(why, size, "%s", c->m.why);
		*ns = c->mpark.ns;
		c->pids = c->mpark.pids;
		c->started = c->mpark.started;
		return err;
	}
	int64_t t0 = now_ns();
	int err = park_start(&c->park, k, n);
	if (!err)
		err = park_wait(&c->park, 30000 + (int)n * 10);
	*ns = now_ns() - t0;
	if (err)
		park_error_str(&c->park, why, size);
	c->started = c->park.started;
	c->pids = NULL;
	if (!err && k->mode == MODE_PROCESS) {
		c->pids = calloc(n ? n : 1, sizeof *c->pids);
		if (!c->pids) {
			snprintf(why, size, "calloc: %s", strerror(ENOMEM));
			return ENOMEM;
		}
		for (size_t i = 0; i < c->started; i++)
			c->pids[i] = c->park.workers[i].pid;
	}
	return err;
}

/* Releases and reaps the parked workers; returns how many did not end cleanly, or -1
 * when the minimal parent could not be asked (why filled). */
static long creator_release(struct creator *c, char *why, size_t size)
{
	if (c->minimal) {
		size_t bad;
		int err = minimal_release(&c->m, &c->mpark, &bad);
		c->pids = NULL;
		if (err) {
			snprintf(why, size, "%s", c->m.why);
			return -1;
		}
		return (long)bad;
	}
	free(c->pids);
	c->pids = NULL;
	return (long)park_release(&c->park);
}

static int creator_stop(struct creator *c, char *why, size_t size)
{
	if (!c->minimal)
		return 0;
	int err = minimal_stop(&c->m);
	if (err)
		snprintf(why, size, "%s", c->m.why);
	return err;
}

/* One repetition's per-worker numbers. */
struct footprint {
	struct usage user;        /* per worker */
	double kernel, info_stack, info_pt, info_slab;
	long info_spread;         /* KiB, the larger of the two sides' */
};

/* Parks n workers, reads everything with them alive, releases them. Returns 0, or an
 * errno value after skipping with the reason. */
static int measure_once(gb_state *st, struct creator *c, const struct worker_kind *k,
			size_t n, enum kernel_source src, const struct mem_cgroup *cg,
			struct footprint *fp, int64_t *ns)
{
	bool threads = k->mode == MODE_THREAD;
	struct kernel_reading k0, k1;
	struct usage u0 = {0}, u1;
	char why[256];
	int rc = kernel_read(cg, &k0);
	if (!rc && threads)
		rc = user_memory(c->pid, NULL, 0, true, &u0);
	if (rc) {
		gb_skip(st, "reading the memory cgroup, /proc/meminfo or smaps_rollup: %s",
			strerror(rc));
		return rc;
	}
	int err = creator_park(c, k, n, ns, why, sizeof why);
	if (!err) {
		rc = user_memory(c->pid, c->pids, c->started, threads, &u1);
		if (!rc)
			rc = kernel_read(cg, &k1);
	}
	char why_release[256];
	long bad = creator_release(c, why_release, sizeof why_release);
	if (err) {
		gb_skip(st, "%s", why);
		return err;
	}
	if (bad < 0) {
		gb_skip(st, "%s", why_release);
		return EPIPE;
	}
	if (rc) {
		gb_skip(st, "reading smaps_rollup, the memory cgroup or meminfo with %zu workers: "
			"%s%s", n, strerror(rc),
			rc == ENOENT ? " (a kernel without smaps_rollup, before 4.14)" : "");
		return rc;
	}
	if (bad) {
		gb_skip(st, "%ld of %zu %s workers did not end cleanly", bad, n, k->name);
		return EPROTO;
	}
	double per = 1.0 / (double)n;
	fp->user = (struct usage){(u1.rss - u0.rss) * per, (u1.pss - u0.pss) * per,
				  (u1.private_kib - u0.private_kib) * per,
				  (u1.private_clean - u0.private_clean) * per, (u1.vm - u0.vm) * per,
				  (u1.pte - u0.pte) * per};
	fp->info_stack = (double)(k1.info.kernel_stack - k0.info.kernel_stack) * per;
	fp->info_pt = (double)(k1.info.page_tables - k0.info.page_tables) * per;
	fp->info_slab = (double)(k1.info.slab_unreclaimable - k0.info.slab_unreclaimable) * per;
	fp->info_spread = k0.info_spread > k1.info_spread ? k0.info_spread : k1.info_spread;
	switch (src) {
	case KSRC_MEMCG:
		fp->kernel = (double)(k1.cgroup_kib - k0.cgroup_kib) * per;
		break;
	case KSRC_PROC: /* each worker is one task: one kernel stack, and its page tables */
		fp->kernel = fp->user.pte + (double)kernel_stack_size_kib();
		break;
	case KSRC_MEMINFO:
		fp->kernel = fp->info_stack + fp->info_pt + fp->info_slab;
		break;
	}
	return 0;
}

static void cgroup_leave(gb_state *st, struct mem_cgroup *cg, pid_t parent, bool parent_alive)
{
	int err = parent_alive ? mem_cgroup_leave(cg, parent) : 0;
	int rm = mem_cgroup_remove(cg);
	if ((err || rm) && !gb_error_occurred(st))
		gb_skip(st, "%s the memory cgroup %s: %s", err ? "leaving" : "removing", cg->dir,
			strerror(err ? err : rm));
}

static void put_counters(gb_state *st, const struct footprint *fp, enum kernel_source src,
			 size_t n, long parent_rss, long parent_maps)
{
	gb_counter(st, "rss_kib", fp->user.rss, 0);
	gb_counter(st, "pss_kib", fp->user.pss, 0);
	gb_counter(st, "private_kib", fp->user.private_kib, 0);
	gb_counter(st, "private_clean_kib", fp->user.private_clean, 0);
	gb_counter(st, "vm_kib", fp->user.vm, 0);
	gb_counter(st, "page_tables_kib", fp->user.pte, 0);
	gb_counter(st, "kernel_stack_kib", fp->info_stack, 0);
	gb_counter(st, "slab_kib", fp->info_slab, 0);
	gb_counter(st, "meminfo_kernel_kib", fp->info_stack + fp->info_pt + fp->info_slab, 0);
	gb_counter(st, "kernel_kib", fp->kernel, 0);
	gb_counter(st, "kernel_source", src, 0);
	/* VmPTE and the stack are exact, to the page; what the proc source does not see
	 * (slab) is a bias the report states, not a resolution. */
	/* meminfo: the per-CPU batches it may lag by, and the other activity its samples
	 * saw come and go, a lower bound of what else moved it. */
	long res = src == KSRC_MEMCG ? mem_cgroup_resolution_kib()
		 : src == KSRC_PROC  ? sysconf(_SC_PAGESIZE) / 1024
				     : meminfo_resolution_kib() + fp->info_spread;
	gb_counter(st, "kernel_resolution_kib", (double)res / (double)n, 0);
	gb_counter(st, "parent_rss_kib", (double)parent_rss, 0);
	gb_counter(st, "parent_maps", (double)parent_maps, 0);
}

static void run_footprint(gb_state *st, const void *data)
{
	const struct fp_case *fc = data;
	const struct worker_kind *k = fc->kind;
	size_t n = (size_t)gb_range(st, 0), mib = (size_t)gb_range(st, 1);
	struct footprint fp = {0};

	if (parent_memory(st, mib, MEM_PRIVATE) != 0)
		return;
	while (gb_keep_running(st)) {
		/* A creator and a cgroup per repetition: the minimal parent starts with no
		 * thread ever made (no glibc stack cache), and the cgroup with nothing in it. */
		struct creator c;
		struct mem_cgroup cg;
		char note[160], why[256] = "";
		if (creator_start(st, &c, fc->parent) != 0)
			break;
		long rss = mem_status_kib(c.pid, "VmRSS"), maps = mem_maps_count(c.pid);
		enum kernel_source src = choose_source(&cg, c.pid ? c.pid : getpid(), note,
						       sizeof note);
		bool memcg = src == KSRC_MEMCG;
		if (!memcg) /* the row says why its kernel memory is not the cgroup's */
			gb_set_label(st, note);
		int64_t ns = 0;
		int err = measure_once(st, &c, k, n, src, memcg ? &cg : NULL, &fp, &ns);
		/* This process leaves the cgroup before it goes; the minimal parent is
		 * stopped first, and takes its membership with it. */
		if (c.minimal) {
			if (creator_stop(&c, why, sizeof why) != 0 && !gb_error_occurred(st))
				gb_skip(st, "%s", why);
			if (memcg)
				cgroup_leave(st, &cg, 0, false);
		} else if (memcg) {
			cgroup_leave(st, &cg, getpid(), true);
		}
		if (err || gb_error_occurred(st))
			break;
		gb_set_iteration_time(st, (double)ns * 1e-9);
		put_counters(st, &fp, src, n, rss, maps);
	}
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
		for (int parent = PARENT_TVP; parent <= PARENT_MINIMAL; parent++) {
			for (int big = 0; big < (full ? 2 : 1); big++) {
				struct fp_case c = {&worker_kinds[kinds[i]], parent};
				struct bench *b = bench_register(&(struct bench_row){
					.scenario = &scenario_footprint, .measure = "memory",
					.kind = c.kind, .fixed = {{"parent", parent_names[parent]}},
					.arg_names = {"workers", "parent_mib"}, .fn = run_footprint,
					.data = &c, .data_size = sizeof c, .time = BENCH_MANUAL_TIME,
					.unit = GB_MS, .iterations = 1, .repetitions = big ? 3 : 0});
				for (size_t j = 0; j < nn; j++)
					if ((ns[j] >= big_n) == big)
						bench_args2(b, ns[j], 0);
				/* The minimal parent stays empty: a parent holding memory is
				 * this program's sweep. */
				for (size_t j = 0; parent == PARENT_TVP && !big && j < nn &&
						   ns[j] <= parent_max_n; j++)
					bench_args2(b, ns[j], PARENT_MIB);
			}
		}
	}
}

const struct scenario scenario_footprint = {
	.name = "footprint",
	.desc = "memory per idle worker, user and kernel (C1)",
	.register_all = register_all,
	.families = {
		{"memory", "user and kernel memory per idle worker, N of one kind alive at "
			   "once, created by tvp-bench or by the minimal static helper "
			   "(parent:minimal), and the time to start them all"},
	},
};
