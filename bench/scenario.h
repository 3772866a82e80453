/* scenario.h - the contract between the suite's main and a scenario file.
 *
 * A scenario file registers its benchmarks from the options of the run and ends with
 * one const struct scenario. main lists the scenarios in one explicit array, so the order
 * of a run is visible in one place.
 *
 * Benchmark names are scenario/variant/mode/arg:value; Google Benchmark appends
 * /manual_time or /real_time. Counters carry their unit in their name.
 */
#ifndef TVP_SCENARIO_H
#define TVP_SCENARIO_H

#include "gbench.h"
#include "pin.h"

#include <stdbool.h>

enum profile { PROFILE_QUICK, PROFILE_FULL };

struct suite_opts {
	enum profile profile;
	enum pin_policy pin;
	int repetitions;    /* per benchmark */
	double min_time;    /* seconds per repetition */
	bool interleaved;   /* repetitions interleaved at random with other benchmarks' */
};

struct scenario {
	const char *name;   /* selects it with --scenario */
	const char *desc;
	void (*register_all)(const struct suite_opts *opts);
	/* Repetitions one after another, not interleaved with other benchmarks': the
	 * scenario keeps a parent's memory (up to GiBs) across the benchmarks that ask for
	 * the same shape, and interleaving would make and touch it again every repetition. */
	bool in_a_row;
};

extern const struct scenario scenario_create;
extern const struct scenario scenario_footprint;
extern const struct scenario scenario_cow;
extern const struct scenario scenario_globals;
extern const struct scenario scenario_scale;
extern const struct scenario scenario_ipc;
extern const struct scenario scenario_pool;

#endif
