/* create.c - creation cost (claim C2): what it costs to get a concurrent worker.
 *
 * Two families, each run with every worker kind of the table, and with every row saying
 * which program created the workers (parent:PARENT):
 *   create/KIND/MODE/measure:round_trip/parent:PARENT/layout:LAYOUT/parent_mib:N
 *       create, the worker exits at once, reap, with the parent holding N MiB of touched
 *       memory in the layout: private (4 KiB pages; N = 0 for every kind, the sweep for
 *       pthread, fork, vfork and posix_spawn), thp (transparent huge pages, the sweep),
 *       maps (64 KiB mappings) and shared (MAP_SHARED), the last two at 1024 MiB only
 *   create/KIND/MODE/measure:start/parent:PARENT/layout:private/parent_mib:0
 *       from the create call to the worker's first instruction (a CLOCK_MONOTONIC stamp
 *       it writes)
 * PARENT is tvp (this program, a fat parent: libstdc++, Google Benchmark, hwloc) on every
 * row, and minimal (tvp-helper serve, a static program of a dozen mappings: minimal.h)
 * on the rows of an empty parent, the creation ladder: the difference is the cost of
 * the harness's own address space.
 * Timed: the create call through the reap (or to the stamp), as manual time; in the
 * minimal parent the helper takes the same two clock readings around the same calls and
 * sends the difference back, one iteration at a time (the pipe is outside the time).
 * Not timed: the parent's memory set-up, made once per size and layout and kept between
 * runs; the minimal parent's start, once per run of the benchmark function.
 * Counters: child_cpu_ns and child_minflt, from wait4, per worker (Google Benchmark's
 * CPU time sees only the parent); parent_thp_kib, the parent's AnonHugePages;
 * parent_rss_kib and parent_maps, the creating parent's resident memory (VmRSS) and
 * number of mappings, read after the loop.
 */
#include "scenario.h"
#include "common.h"
#include "mem.h"
#include "minimal.h"
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

/* Who creates the workers: this program, or the minimal parent. */
enum parent_id { PARENT_TVP, PARENT_MINIMAL };
static const char *const parent_names[] = {[PARENT_TVP] = "tvp", [PARENT_MINIMAL] = "minimal"};

struct create_case {
	const struct create_family *f;
	const struct worker_kind *kind;
	enum parent_id parent;
};

/* One iteration's outcome, wherever the worker was created. */
struct trip {
	int64_t ns;
	double cpu_ns, minflt;
	struct worker_exit exit;
};

/* Creates and reaps one worker here, timing it. Returns 0, or an errno value after
 * skipping the benchmark with the reason. */
static int trip_here(gb_state *st, const struct worker_kind *k, bool start, struct trip *t)
{
	struct task_page *page = task_page();
	struct worker w;
	if (start)
		page->start_ns = 0;
	int64_t t0 = now_ns();
	int err = worker_start(&w, k, start ? &task_stamp : &task_exit, 0, NULL);
	if (err) {
		skip_start_error(st, k, err);
		return err;
	}
	err = worker_reap(&w);
	int64_t t1 = now_ns();
	if (err) {
		gb_skip(st, "reaping a %s worker: %s", k->name, strerror(err));
		return err;
	}
	int64_t stamp = start ? __atomic_load_n(&page->start_ns, __ATOMIC_ACQUIRE) : t1;
	if (start && stamp < t0 && w.exit.code == 0 && !w.exit.signaled) {
		gb_skip(st, "%s worker wrote no start stamp", k->name);
		return EPROTO;
	}
	*t = (struct trip){.ns = stamp - t0, .cpu_ns = rusage_cpu_ns(&w.exit.ru),
			   .minflt = (double)w.exit.ru.ru_minflt, .exit = w.exit};
	return 0;
}

/* The same, done by the minimal parent, which times it itself. */
static int trip_minimal(gb_state *st, struct minimal *m, const struct worker_kind *k,
			bool start, struct trip *t)
{
	struct minimal_trip mt;
	int err = minimal_create(m, k, start ? &task_stamp : &task_exit, &mt);
	if (err) {
		gb_skip(st, "%s", m->why);
		return err;
	}
	*t = (struct trip){.ns = mt.ns, .cpu_ns = mt.cpu_ns, .minflt = mt.minflt,
			   .exit = mt.exit};
	return 0;
}

/* parent_rss_kib and parent_maps of the process that created the workers. */
static void parent_counters(gb_state *st, pid_t pid)
{
	gb_counter(st, "parent_rss_kib", (double)mem_status_kib(pid, "VmRSS"), 0);
	gb_counter(st, "parent_maps", (double)mem_maps_count(pid), 0);
}

static void run_create(gb_state *st, const void *data)
{
	const struct create_case *c = data;
	const struct worker_kind *k = c->kind;
	size_t mib = (size_t)gb_range(st, 0);
	bool start = c->f->start, minimal = c->parent == PARENT_MINIMAL;
	struct minimal m;

	if (parent_memory(st, mib, c->f->layout) != 0)
		return;
	if (minimal && minimal_start(&m) != 0) {
		gb_skip(st, "%s", m.why);
		return;
	}
	double cpu_ns = 0, minflt = 0;
	int64_t n = 0;
	while (gb_keep_running(st)) {
		struct trip t;
		if ((minimal ? trip_minimal(st, &m, k, start, &t) : trip_here(st, k, start, &t)) != 0)
			break;
		if (t.exit.signaled || t.exit.code != 0) {
			char how[64];
			gb_skip(st, "%s worker ended with %s%s", k->name,
				worker_exit_str(&t.exit, how, sizeof how),
				t.exit.code == 127 ? " (could not exec tvp-helper)" : "");
			break;
		}
		gb_set_iteration_time(st, (double)t.ns * 1e-9);
		cpu_ns += t.cpu_ns;
		minflt += t.minflt;
		n++;
	}
	if (!gb_error_occurred(st) && n > 0) {
		if (k->mode == MODE_PROCESS) {
			gb_counter(st, "child_cpu_ns", cpu_ns / (double)n, GB_COUNTER_DEFAULT);
			gb_counter(st, "child_minflt", minflt / (double)n, GB_COUNTER_DEFAULT);
		}
		if (c->f->layout == MEM_PRIVATE_THP) {
			long thp = mem_self_rollup_kib("AnonHugePages");
			gb_counter(st, "parent_thp_kib", (double)thp, GB_COUNTER_DEFAULT);
		}
		parent_counters(st, minimal ? m.w.pid : 0);
	}
	if (minimal && minimal_stop(&m) != 0 && !gb_error_occurred(st))
		gb_skip(st, "%s", m.why);
}

static bool in_sweep(const struct worker_kind *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(sweep_kinds); i++)
		if (&worker_kinds[sweep_kinds[i]] == k)
			return true;
	return false;
}

static struct bench *register_case(const struct create_case *c)
{
	return bench_register(&(struct bench_row){
		.scenario = &scenario_create, .measure = c->f->measure, .kind = c->kind,
		.fixed = {{"parent", parent_names[c->parent]},
			  {"layout", mem_layouts[c->f->layout].name}},
		.arg_names = {"parent_mib"}, .fn = run_create, .data = c, .data_size = sizeof *c,
		.time = BENCH_MANUAL_TIME, .unit = GB_US});
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
			struct create_case c = {f, k, PARENT_TVP};
			struct bench *b = register_case(&c);
			if (f->layout == MEM_PRIVATE)
				bench_arg(b, 0);
			for (size_t s = 0; sweep && s < nsizes; s++)
				if (!f->only_large || sizes[s] == LARGE_MIB)
					bench_arg(b, sizes[s]);
			/* The ladder again from the minimal parent, right after this one's, so
			 * their repetitions run close together in time. */
			if (f->layout == MEM_PRIVATE) {
				c.parent = PARENT_MINIMAL;
				bench_arg(register_case(&c), 0);
			}
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
			       "parent holding memory in a layout; the parent is tvp-bench, or "
			       "the minimal static helper (parent:minimal)"},
		{"start", "from the create call to the worker's first instruction, from either "
			  "parent"},
	},
};
