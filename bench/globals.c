/* globals.c - the notes' nums example (claim C3): does the parent see a worker's writes
 * to a global list?
 *
 *   globals/KIND/MODE/measure:nums/shared:0   the list is a global of the program
 *   globals/KIND/MODE/measure:nums/shared:1   the list is in MAP_SHARED memory mapped
 *                                before the worker starts (the alternative processes need)
 * KIND is every kind of the table that can run the task (pthread, fork, clone: the list
 * is this program's global, so neither an exec'd helper nor a vfork child can).
 * Counter parent_sees_items: how many items the parent sees after the worker appended
 * three to [11, 22] (5: it saw the writes; 2: it did not). Timed (manual time): one whole
 * experiment, set-up of the shared mapping included, so shared:1 minus shared:0 is what
 * the shared alternative costs per worker.
 */
#include "common.h"
#include "nums.h"
#include "scenario.h"
#include "util.h"

#include <stdio.h>
#include <string.h>


static void run_globals(gb_state *st, const void *data)
{
	const struct worker_kind *k = data;
	bool shared = gb_range(st, 0) != 0;
	struct nums seen = {0};
	while (gb_keep_running(st)) {
		int64_t t0 = now_ns();
		int err = nums_experiment(k, shared, &seen);
		int64_t t1 = now_ns();
		if (err) {
			skip_start_error(st, k, err);
			break;
		}
		gb_set_iteration_time(st, (double)(t1 - t0) * 1e-9);
	}
	if (gb_error_occurred(st))
		return;
	gb_counter(st, "parent_sees_items", seen.len, 0);
	char label[64];
	int len = snprintf(label, sizeof label, "[");
	for (int i = 0; i < seen.len && len < (int)sizeof label - 8; i++)
		len += snprintf(label + len, sizeof label - (size_t)len, "%s%d", i ? ", " : "",
				seen.v[i]);
	snprintf(label + len, sizeof label - (size_t)len, "]");
	gb_set_label(st, label);
}

static void register_all(const struct suite_opts *opts)
{
	(void)opts;
	for (size_t i = 0; i < worker_nkinds; i++) {
		const struct worker_kind *k = &worker_kinds[i];
		if (!worker_can_run(k, &task_nums_append))
			continue;
		struct bench *b = bench_register(&(struct bench_row){
			.scenario = &scenario_globals, .measure = "nums", .kind = k,
			.arg_names = {"shared"}, .fn = run_globals, .data = k,
			.time = BENCH_MANUAL_TIME, .unit = GB_US});
		bench_arg(bench_arg(b, 0), 1);
	}
}

const struct scenario scenario_globals = {
	.name = "globals",
	.desc = "the notes' nums example: who sees a worker's writes (C3)",
	.register_all = register_all,
	.families = {
		{"nums", "a worker appends to the notes' global list; what the parent sees "
			 "afterwards"},
	},
};
