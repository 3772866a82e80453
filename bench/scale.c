/* scale.c - N workers at once, threads against processes, under placement (claim C8).
 *
 *   scale/WORKLOAD/MODE/measure:rate/kind:KIND/pin:POLICY/workers:N
 * KIND is pthread or fork; POLICY none (every worker may run on every PU), compact
 * (worker i on PU i in hwloc's logical order) or scatter (workers spread over packages,
 * then cores). N runs from 1 to twice the PUs the topology reports; compact and scatter
 * run at N equal to the PUs, where placement matters most. Workloads: see src/scale.h.
 * Timed (manual time): a fixed window after the gate opens, between two reads of the
 * counters; start-up and the stop are outside it. Counters: ops_per_s (all workers) and
 * ops_per_s_per_worker; where /proc/interrupts has a "TLB:" line (x86),
 * tlb_shootdowns_per_s and tlb_shootdowns_per_op, the TLB-shootdown interrupts all CPUs
 * took in the window (read just outside it). They are machine-wide: the cpu workload,
 * which maps nothing, gives the background of the other processes beside each run.
 * One iteration per repetition: each starts its workers afresh.
 * Unpinned rows with N > 1 also carry speedup: the repetition's rate over that of one
 * worker of the same kind measured beside it in the same repetition (before the N
 * workers in one repetition, after them in the next); the row's time and rate stay the
 * N workers' alone.
 *
 * false_sharing and false_sharing_shared differ only in where the packed counters live:
 * a global array (a process adds in its own copy, so shares no line) or MAP_SHARED
 * memory (processes share the lines as threads do).
 */
#include "common.h"
#include "scale.h"
#include "scenario.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct scale_case {
	enum scale_workload workload;
	const struct worker_kind *kind;
	enum pin_policy policy;
};

static const enum worker_kind_id kinds[] = {KIND_PTHREAD, KIND_FORK};
static const enum pin_policy policies[] = {PIN_NONE, PIN_COMPACT, PIN_SCATTER};
static double window_s;

/* A warm-up after the gate, so the window sees every worker already running. */
#define WARMUP_NS 10000000

static void sleep_ns(int64_t ns)
{
	struct timespec ts = {ns / 1000000000, ns % 1000000000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

/* One window's reading: operations, seconds, TLB shootdowns (-1 without a "TLB:" line). */
struct window {
	double ops, secs, tlb;
};

/* Starts n workers, releases them, and reads their counters across one window. Returns
 * 0, or -1 after skipping the benchmark with the reason. */
static int one_window(gb_state *st, const struct scale_case *c, unsigned n,
		      const cpu_set_t *cpus, uint64_t buffer, struct window *out)
{
	struct scale_run r;
	int err = scale_start(&r, c->kind, c->workload, n, cpus, 0, buffer);
	if (err) {
		skip_start_error(st, c->kind, err);
		return -1;
	}
	scale_release(&r);
	sleep_ns(WARMUP_NS);
	/* The interrupt counts just outside the window: reading /proc/interrupts is a few
	 * microseconds that the rate should not include. */
	uint64_t tlb0 = 0, tlb1 = 0;
	bool have_tlb = scale_tlb_shootdowns(&tlb0) == 0;
	int64_t t0 = now_ns();
	uint64_t ops0 = scale_ops(&r);
	sleep_ns((int64_t)(window_s * 1e9));
	uint64_t ops1 = scale_ops(&r);
	int64_t t1 = now_ns();
	have_tlb = have_tlb && scale_tlb_shootdowns(&tlb1) == 0;
	if (scale_finish(&r) != 0) {
		gb_skip(st, "a %s worker of %s failed", c->kind->name,
			scale_workloads[c->workload].name);
		return -1;
	}
	out->secs = (double)(t1 - t0) * 1e-9;
	out->ops = (double)(ops1 - ops0);
	out->tlb = have_tlb ? (double)(tlb1 - tlb0) : -1;
	return 0;
}

/* Repetitions each unpinned N > 1 case has run, for the order of its pair. */
static unsigned pair_reps[SCALE_NWORKLOADS][2][SCALE_MAX_WORKERS + 1];

static void run_scale(gb_state *st, const void *data)
{
	const struct scale_case *c = data;
	unsigned n = (unsigned)gb_range(st, 0);
	static cpu_set_t cpus[SCALE_MAX_WORKERS];
	for (unsigned i = 0; i < n; i++)
		if (!pin_place(c->policy, i, n, &cpus[i], NULL, 0))
			pin_all_pus(&cpus[i]); /* unpinned, whatever the benchmark thread is bound to */
	/* Twice the last-level cache, so the stream comes from memory. */
	unsigned long long llc = pin_llc_bytes();
	uint64_t buffer = llc ? 2 * llc : 64ULL << 20;
	/* Unpinned N > 1: one worker's window runs beside the N workers' in the same
	 * repetition, before it in one repetition and after it in the next, and the
	 * repetition's speed-up is its own N over its own one worker. A speed-up against the
	 * median of the N = 1 row's repetitions, taken minutes apart on a shared machine,
	 * lets one slow N = 1 repetition fake a speed-up at every N. */
	bool paired = c->policy == PIN_NONE && n > 1;
	unsigned *order = &pair_reps[c->workload][c->kind->mode == MODE_PROCESS][n];

	struct window w = {0, 0, -1}, one = {0, 0, -1};
	while (gb_keep_running(st)) {
		bool one_first = paired && (*order)++ % 2 == 0;
		if (one_first && one_window(st, c, 1, cpus, buffer, &one) != 0)
			break;
		if (one_window(st, c, n, cpus, buffer, &w) != 0)
			break;
		if (paired && !one_first && one_window(st, c, 1, cpus, buffer, &one) != 0)
			break;
		gb_set_iteration_time(st, w.secs);
	}
	if (gb_error_occurred(st))
		return;
	double rate = w.ops / w.secs;
	gb_counter(st, "ops_per_s", rate, 0);
	gb_counter(st, "ops_per_s_per_worker", rate / n, 0);
	if (paired && one.ops > 0)
		gb_counter(st, "speedup", scale_speedup(one.ops, one.secs, w.ops, w.secs), 0);
	/* No "TLB:" line (not x86): no counter, rather than a zero that was not measured. */
	if (w.tlb >= 0) {
		gb_counter(st, "tlb_shootdowns_per_s", w.tlb / w.secs, 0);
		gb_counter(st, "tlb_shootdowns_per_op", w.ops > 0 ? w.tlb / w.ops : 0, 0);
	}
	gb_set_label(st, scale_workloads[c->workload].unit);
}

static void register_all(const struct suite_opts *opts)
{
	window_s = opts->profile == PROFILE_FULL ? 0.25 : 0.1;
	unsigned npus = pin_npus(), counts[32], ncounts = 0;
	/* 1, 2, 4, ... up to twice the PUs, with the PU count itself always in. */
	for (unsigned v = 1; v <= 2 * npus && ncounts < 30; v *= 2)
		counts[ncounts++] = v;
	if (counts[ncounts - 1] != 2 * npus)
		counts[ncounts++] = 2 * npus;
	bool has_npus = false;
	for (unsigned i = 0; i < ncounts; i++)
		has_npus |= counts[i] == npus;
	if (!has_npus)
		counts[ncounts++] = npus;

	for (size_t p = 0; p < ARRAY_SIZE(policies); p++) {
		for (int w = 0; w < SCALE_NWORKLOADS; w++) {
			for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
				struct scale_case c = {(enum scale_workload)w, &worker_kinds[kinds[k]],
						       policies[p]};
				struct bench *b = bench_register(&(struct bench_row){
					.scenario = &scenario_scale, .measure = "rate",
					.variant = scale_workloads[w].name, .kind = c.kind,
					.fixed = {{"pin", pin_policies[policies[p]].name}},
					.arg_names = {"workers"}, .fn = run_scale, .data = &c,
					.data_size = sizeof c, .time = BENCH_MANUAL_TIME,
					.unit = GB_MS, .iterations = 1});
				for (unsigned i = 0; i < ncounts; i++)
					if (policies[p] == PIN_NONE || counts[i] == npus)
						bench_arg(b, counts[i]);
			}
		}
	}
}

const struct scenario scenario_scale = {
	.name = "scale",
	.desc = "N workers at once, threads against processes, by placement (C8)",
	.register_all = register_all,
	.families = {
		{"rate", "operations per second of N workers released together by a start "
			 "gate, in a fixed window"},
	},
};
