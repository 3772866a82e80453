/* create.c - creation cost (claim C2): what it costs to get a concurrent worker.
 *
 * Two families, each run with every worker kind of the table:
 *   create/KIND/MODE/measure:round_trip/layout:LAYOUT/parent_mib:N
 *       create, the worker exits at once, reap, with the parent holding N MiB of touched
 *       memory in the layout: private (4 KiB pages; N = 0 for every kind, the sweep for
 *       pthread, fork, vfork and posix_spawn), thp (transparent huge pages, the sweep),
 *       maps (64 KiB mappings) and shared (MAP_SHARED), the last two at 1024 MiB only
 *   create/KIND/MODE/measure:start/layout:private/parent_mib:0
 *       from the create call to the worker's first instruction (a CLOCK_MONOTONIC stamp
 *       it writes)
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

/* One registration per kind of each of these; the kinds come from the table. */
struct create_family {
	const char *measure;
	bool start;          /* to the first instruction, not the round trip */
	enum mem_layout layout;
	bool sweep;          /* parent sizes beyond 0 */
	bool only_large;     /* just the one large size the layout comparison uses */
};

static const struct create_family families[] = {
	{.measure = "round_trip", .layout = MEM_PRIVATE, .sweep = true},
	{.measure = "round_trip", .layout = MEM_PRIVATE_THP, .sweep = true},
	{.measure = "round_trip", .layout = MEM_MANY_MAPS, .sweep = true, .only_large = true},
	{.measure = "round_trip", .layout = MEM_SHARED, .sweep = true, .only_large = true},
	{.measure = "start", .start = true, .layout = MEM_PRIVATE},
};

/* The kinds the memory sweep runs: the four "A fork() in the road" compares. */
static const enum worker_kind_id sweep_kinds[] = {KIND_PTHREAD, KIND_FORK, KIND_VFORK,
						  KIND_POSIX_SPAWN};

#define LARGE_MIB 1024
static const long quick_mib[] = {64, 256, LARGE_MIB};
static const long full_mib[] = {64, 256, LARGE_MIB, 2048, 4096, 8192};

struct create_case {
	const struct create_family *f;
	const struct worker_kind *kind;
};

static void run_create(gb_state *st, const void *data)
{
	const struct create_case *c = data;
	const struct worker_kind *k = c->kind;
	size_t mib = (size_t)gb_range(st, 0);
	bool start = c->f->start;
	const struct task *task = start ? &task_stamp : &task_exit;
	struct task_page *page = task_page();

	if (parent_memory(st, mib, c->f->layout) != 0)
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
	if (k->mode == MODE_PROCESS) {
		gb_counter(st, "child_cpu_ns", cpu_ns / (double)n, GB_COUNTER_DEFAULT);
		gb_counter(st, "child_minflt", minflt / (double)n, GB_COUNTER_DEFAULT);
	}
	if (c->f->layout == MEM_PRIVATE_THP) {
		long thp = mem_self_rollup_kib("AnonHugePages");
		gb_counter(st, "parent_thp_kib", (double)thp, GB_COUNTER_DEFAULT);
	}
}

static bool in_sweep(const struct worker_kind *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(sweep_kinds); i++)
		if (&worker_kinds[sweep_kinds[i]] == k)
			return true;
	return false;
}

static void register_all(const struct suite_opts *opts)
{
	const long *sizes = opts->profile == PROFILE_FULL ? full_mib : quick_mib;
	size_t nsizes = opts->profile == PROFILE_FULL ? ARRAY_SIZE(full_mib)
						      : ARRAY_SIZE(quick_mib);
	for (size_t v = 0; v < ARRAY_SIZE(families); v++) {
		const struct create_family *f = &families[v];
		for (size_t i = 0; i < worker_nkinds; i++) {
			const struct worker_kind *k = &worker_kinds[i];
			bool sweep = f->sweep && in_sweep(k);
			/* The private layout has every kind at 0; the other layouts only
			 * change the parent's memory, so only the sweep kinds run them. */
			if (f->layout != MEM_PRIVATE && !sweep)
				continue;
			struct create_case c = {f, k};
			struct bench *b = bench_register(&(struct bench_row){
				.scenario = &scenario_create, .measure = f->measure, .kind = k,
				.fixed = {{"layout", mem_layouts[f->layout].name}},
				.arg_names = {"parent_mib"}, .fn = run_create, .data = &c,
				.data_size = sizeof c, .time = BENCH_MANUAL_TIME, .unit = GB_US});
			if (f->layout == MEM_PRIVATE)
				bench_arg(b, 0);
			for (size_t s = 0; sweep && s < nsizes; s++)
				if (!f->only_large || sizes[s] == LARGE_MIB)
					bench_arg(b, sizes[s]);
		}
	}
}

const struct scenario scenario_create = {
	.name = "create",
	.desc = "creation cost by worker kind and parent memory (C2)",
	.register_all = register_all,
	.in_a_row = false, /* interleaved: in a row, blocks of time faked differences */
	.families = {
		{"round_trip", "create a worker that exits at once, and reap it, with the "
			       "parent holding memory in a layout"},
		{"start", "from the create call to the worker's first instruction"},
	},
};
