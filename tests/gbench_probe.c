/* gbench_probe.c - benchmarks registered from C through the wrapper, run by the tests,
 * which then read the JSON: every wrapper call used here must show in it. */
#include "gbench.h"

#include <stdio.h>
#include <string.h>

static const int probe_data = 42;

static void run_manual(gb_state *st, const void *data)
{
	if (*(const int *)data != 42) {
		gb_skip(st, "data pointer not passed through");
		return;
	}
	while (gb_keep_running(st))
		gb_set_iteration_time(st, 1e-6 * (double)gb_range(st, 0));
	gb_counter(st, "plain_kib", 7, GB_COUNTER_DEFAULT);
	gb_counter(st, "per_iter_ns", 1000.0 * (double)gb_iterations(st), GB_COUNTER_AVG_ITERATIONS);
	gb_counter(st, "events_per_s", 5, GB_COUNTER_RATE);
	gb_set_bytes_processed(st, 4096 * gb_iterations(st));
	gb_set_items_processed(st, gb_iterations(st));
	gb_set_label(st, "probe-label");
}

static void run_batch(gb_state *st, const void *data)
{
	(void)data;
	volatile unsigned long sink = 0;
	while (gb_keep_running_batch(st, 8)) {
		gb_pause(st);
		sink++;
		gb_resume(st);
		for (int i = 0; i < 100; i++)
			sink += (unsigned long)i;
	}
	gb_counter(st, "range_sum", (double)(gb_range(st, 0) + gb_range(st, 1)), 0);
}

static void run_range(gb_state *st, const void *data)
{
	(void)data;
	while (gb_keep_running(st)) {
	}
	gb_counter(st, "range0", (double)gb_range(st, 0), 0);
}

static void run_skip(gb_state *st, const void *data)
{
	(void)data;
	gb_skip(st, "probe skipped: %s %d", "reason", 7);
	while (gb_keep_running(st)) {
	}
}

int main(int argc, char **argv)
{
	gb_init(&argc, argv, NULL);
	gb_add_context("probe_key", "probe_value");

	gb_bench *b = gb_register("probe/manual/thread", run_manual, &probe_data);
	gb_arg_name(gb_arg(gb_arg(b, 3), 5), "us");
	gb_unit(gb_use_manual_time(gb_fixed_iterations(b, 10)), GB_US);

	b = gb_register("probe/batch/process", run_batch, NULL);
	gb_arg_names2(gb_args2(b, 2, 4), "a", "b");
	gb_repetitions(gb_min_time(gb_use_real_time(b), 0.01), 3);

	gb_range_mult(gb_register("probe/range/thread", run_range, NULL), 1, 64, 8);
	gb_register("probe/skip/process", run_skip, NULL);

	int ran = gb_run();
	gb_shutdown();
	return ran > 0 ? 0 : 1;
}
