/* create.c - creation cost (claim C2): what it costs to get a concurrent worker.
 *
 * Families, one per parent memory layout, each run with every worker kind of the table:
 *   create/KIND/MODE/parent_mib:N         round trip: create, worker exits at once, reap,
 *                                         with the parent holding N MiB of touched private
 *                                         memory in 4 KiB pages (N = 0 for every kind; the
 *                                         sweep for pthread, fork, vfork, posix_spawn)
 *   create_thp/...                        the same memory in transparent huge pages
 *   create_maps/.../parent_mib:1024       the same memory as 64 KiB mappings
 *   create_shared/.../parent_mib:1024     the same memory MAP_SHARED
 *   start/KIND/MODE/parent_mib:0          from the create call to the worker's first
 *                                         instruction (a CLOCK_MONOTONIC stamp it writes)
 * Timed: the create call through the reap (or to the stamp), as manual time. Not timed:
 * the parent's memory set-up, made once per size and layout and kept between runs.
 * Counters: child_cpu_ns and child_minflt, from wait4, per worker (Google Benchmark's
 * CPU time sees only the parent); parent_thp_kib, the parent's AnonHugePages.
 */
#include "scenario.h"
#include "common.h"
#include "mem.h"
#include "task.h"
#include "util.h"
#include "worker.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

enum create_measure { ROUND_TRIP, START_LATENCY };

struct create_variant {
	const char *scenario;
	const char *desc;
	enum create_measure measure;
	enum mem_layout layout;
	bool sweep;          /* parent sizes beyond 0 */
	bool only_large;     /* just the one large size the layout comparison uses */
};

static const struct create_variant variants[] = {
	{.scenario = "create", .desc = "round trip, private 4 KiB pages",
	 .measure = ROUND_TRIP, .layout = MEM_PRIVATE, .sweep = true},
	{.scenario = "create_thp", .desc = "round trip, transparent huge pages",
	 .measure = ROUND_TRIP, .layout = MEM_PRIVATE_THP, .sweep = true},
	{.scenario = "create_maps", .desc = "round trip, 64 KiB mappings",
	 .measure = ROUND_TRIP, .layout = MEM_MANY_MAPS, .sweep = true, .only_large = true},
	{.scenario = "create_shared", .desc = "round trip, MAP_SHARED memory",
	 .measure = ROUND_TRIP, .layout = MEM_SHARED, .sweep = true, .only_large = true},
	{.scenario = "start", .desc = "create call to the worker's first instruction",
	 .measure = START_LATENCY, .layout = MEM_PRIVATE},
};

/* The kinds the memory sweep runs: the four "A fork() in the road" compares. */
static const char *const sweep_kinds[] = {"pthread", "fork", "vfork", "posix_spawn"};

#define LARGE_MIB 1024
static const long quick_mib[] = {64, 256, LARGE_MIB};
static const long full_mib[] = {64, 256, LARGE_MIB, 2048, 4096, 8192};

struct create_case {
	const struct create_variant *v;
	const struct worker_kind *kind;
};
static struct create_case cases[ARRAY_SIZE(variants)][16];

static void run_create(gb_state *st, const void *data)
{
	const struct create_case *c = data;
	const struct worker_kind *k = c->kind;
	size_t mib = (size_t)gb_range(st, 0);
	bool start = c->v->measure == START_LATENCY;
	const struct task *task = start ? &task_stamp : &task_exit;
	struct task_page *page = task_page();

	if (parent_memory(st, mib, c->v->layout) != 0)
		return;

	struct worker w;
	double cpu_ns = 0, minflt = 0;
	int64_t n = 0;
	while (gb_keep_running(st)) {
		if (start)
			page->start_ns = 0;
		int64_t t0 = now_ns();
		int err = worker_start(&w, k, task, 0, NULL);
		if (err) {
			skip_start_error(st, k, err);
			break;
		}
		err = worker_reap(&w);
		int64_t t1 = now_ns();
		if (err) {
			gb_skip(st, "reaping a %s worker: %s", k->name, strerror(err));
			break;
		}
		if (w.exit.signaled || w.exit.code != 0) {
			char how[64];
			gb_skip(st, "%s worker ended with %s%s", k->name,
				worker_exit_str(&w.exit, how, sizeof how),
				w.exit.code == 127 ? " (could not exec tvp-helper)" : "");
			break;
		}
		int64_t stamp = start ? __atomic_load_n(&page->start_ns, __ATOMIC_ACQUIRE) : t1;
		if (start && stamp < t0) {
			gb_skip(st, "%s worker wrote no start stamp", k->name);
			break;
		}
		gb_set_iteration_time(st, (double)(stamp - t0) * 1e-9);
		cpu_ns += rusage_cpu_ns(&w.exit.ru);
		minflt += (double)w.exit.ru.ru_minflt;
		n++;
	}
	if (gb_error_occurred(st) || n == 0)
		return;
	if (strcmp(k->mode, "process") == 0) {
		gb_counter(st, "child_cpu_ns", cpu_ns / (double)n, GB_COUNTER_DEFAULT);
		gb_counter(st, "child_minflt", minflt / (double)n, GB_COUNTER_DEFAULT);
	}
	if (c->v->layout == MEM_PRIVATE_THP) {
		long thp = mem_self_rollup_kib("AnonHugePages");
		gb_counter(st, "parent_thp_kib", (double)thp, GB_COUNTER_DEFAULT);
	}
}

static bool in_sweep(const struct worker_kind *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(sweep_kinds); i++)
		if (strcmp(sweep_kinds[i], k->name) == 0)
			return true;
	return false;
}

static void register_all(const struct suite_opts *opts)
{
	const long *sizes = opts->profile == PROFILE_FULL ? full_mib : quick_mib;
	size_t nsizes = opts->profile == PROFILE_FULL ? ARRAY_SIZE(full_mib)
						      : ARRAY_SIZE(quick_mib);
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		const struct create_variant *var = &variants[v];
		for (size_t i = 0; i < worker_nkinds && i < ARRAY_SIZE(cases[v]); i++) {
			const struct worker_kind *k = &worker_kinds[i];
			bool sweep = var->sweep && in_sweep(k);
			/* The plain family has every kind at 0; the other layouts only
			 * change the parent's memory, so only the sweep kinds run them. */
			if (var->layout != MEM_PRIVATE && !sweep)
				continue;
			struct create_case *c = &cases[v][i];
			c->v = var;
			c->kind = k;
			char name[128];
			snprintf(name, sizeof name, "%s/%s/%s", var->scenario, k->name, k->mode);
			gb_bench *b = gb_register(name, run_create, c);
			gb_arg_name(b, "parent_mib");
			if (var->layout == MEM_PRIVATE)
				gb_arg(b, 0);
			for (size_t s = 0; sweep && s < nsizes; s++)
				if (!var->only_large || sizes[s] == LARGE_MIB)
					gb_arg(b, sizes[s]);
			gb_use_manual_time(b);
			gb_unit(b, GB_US);
		}
	}
}

const struct scenario scenario_create = {
	.name = "create",
	.desc = "creation cost by worker kind and parent memory (C2)",
	.register_all = register_all,
	.in_a_row = true,
};
