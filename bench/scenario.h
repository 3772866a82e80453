/* scenario.h - the contract between the suite's main and a scenario file.
 *
 * A scenario file registers its benchmarks from the options of the run and ends with
 * one const struct scenario. main lists the scenarios in one explicit array, so the order
 * of a run is visible in one place:
 *   create      creation cost by worker kind and parent memory (C2)
 *   footprint   memory per idle worker, user and kernel (C1)
 *   cow         copy-on-write: what a forked child copies when it writes (C2)
 *   globals     the notes' nums example: who sees a worker's writes (C3)
 *   scale       N workers at once, threads against processes, by placement (C8)
 *   ipc         messages between two workers: throughput, latency, Queue(3) (C4, C7)
 *   bw_lmbench  lmbench's bw_pipe and bw_unix method, runs with ipc (see runs_with)
 *   perf_ref    perf bench sched pipe, the pipe ping-pong's peer reference, runs with ipc
 *   pool        pools against a worker per task, failures, isolation (C5, C6, C7)
 *   http        HTTP servers under wrk: worker models and Apache's MPMs (C8)
 *
 * Benchmark names (schema 2) have one shape, which bench_register builds and nothing
 * else writes:
 *   SCENARIO/VARIANT/MODE/measure:MEASURE[/kind:KIND][/key:value]...[/arg:N]...
 * then Google Benchmark's [/iterations:N][/repeats:N] and /manual_time or /real_time.
 * SCENARIO is the scenario's name; VARIANT what the family varies (a worker kind, a
 * transport, a workload, a way); MODE the mode of the worker kind that runs it;
 * (scenario, measure) is a family, and the scenario lists its families with a line
 * each. kind:KIND follows where the variant is not itself the worker kind; key:value
 * pairs a row fixes (pin:POLICY, layout:LAYOUT) come next, then the numeric arguments
 * Google Benchmark sweeps. Values are integers or identifiers ([a-z0-9_]).
 *
 * bench_register also records every family as it registers (its variants, its
 * arguments and every value given), and tvp-bench --describe publishes that record
 * with the tables beside it (worker kinds, transports, ...), so the description can
 * never disagree with the names. Counters carry their unit in their name.
 */
#ifndef TVP_SCENARIO_H
#define TVP_SCENARIO_H

#include "gbench.h"
#include "pin.h"
#include "profile.h"
#include "worker.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct suite_opts {
	enum profile profile;
	enum pin_policy pin;
	int repetitions;    /* per benchmark */
	double min_time;    /* seconds per repetition */
	bool interleaved;   /* repetitions interleaved at random with other benchmarks' */
};

/* One family of a scenario: what its measure is, in a line. */
struct scenario_family {
	const char *measure;
	const char *desc;
};

#define SCENARIO_MAX_FAMILIES 8

struct scenario {
	const char *name;   /* selects it with --scenario; the first component of its names */
	const char *desc;
	void (*register_all)(const struct suite_opts *opts);
	/* Repetitions one after another, not interleaved with other benchmarks'. Then a
	 * comparison between two of its benchmarks compares two blocks of time as much as
	 * two conditions (a slow minute of a shared machine falls on one side), and must
	 * carry no p-value. No C scenario asks for it: create and cow, which keep a
	 * parent's memory (up to GiBs) between benchmarks of the same shape, interleave
	 * too, and pay for making that memory again when the shape changes (README, "How
	 * it measures"). Kept for a scenario that cannot interleave. */
	bool in_a_row;
	/* Registered in the same tvp-bench process as that scenario, right after it, so
	 * that their repetitions interleave: choosing it (--scenario) registers this one
	 * too, and --list, which names one process of a whole run per line, leaves this one
	 * out. Chosen alone, it still runs alone. NULL: a process of its own. */
	const struct scenario *runs_with;
	/* Its families, in the order of the description; the list ends at a NULL measure. */
	struct scenario_family families[SCENARIO_MAX_FAMILIES];
};

extern const struct scenario scenario_create;
extern const struct scenario scenario_footprint;
extern const struct scenario scenario_cow;
extern const struct scenario scenario_globals;
extern const struct scenario scenario_scale;
extern const struct scenario scenario_ipc;
extern const struct scenario scenario_bw_lmbench;
extern const struct scenario scenario_perf_ref;
extern const struct scenario scenario_pool;
extern const struct scenario scenario_http;

/* --- registration ------------------------------------------------------------------- */

#define BENCH_MAX_FIXED 4   /* key:value pairs a row fixes, kind:KIND aside */
#define BENCH_MAX_ARGS 2    /* numeric arguments Google Benchmark sweeps */

struct bench_fixed {
	const char *key, *value;
};

enum bench_time { BENCH_MANUAL_TIME, BENCH_REAL_TIME };

/* One registration: a name, and the numeric argument values given to it afterwards
 * (bench_arg). Strings must outlive the run, as data must unless it is copied. */
struct bench_row {
	const struct scenario *scenario;
	const char *measure;              /* one of the scenario's families */
	/* The worker kind that runs it, if one does: it gives the mode, and the variant
	 * unless variant is set, in which case the name says kind:KIND. */
	const struct worker_kind *kind;
	const char *variant;
	enum worker_mode mode;            /* when no worker kind runs it */
	struct bench_fixed fixed[BENCH_MAX_FIXED];  /* in name order; ends at a NULL key */
	const char *arg_names[BENCH_MAX_ARGS];     /* in name order; ends at NULL */
	gb_fn fn;
	/* Handed to fn. With data_size, a copy the registration owns, so a scenario builds
	 * its case on the stack; without, the pointer itself (static data). */
	const void *data;
	size_t data_size;
	enum bench_time time;
	enum gb_unit unit;
	int64_t iterations;               /* 0: as many as the minimum time asks */
	int repetitions;                  /* 0: the run's */
};

struct bench;

/* Builds the name, registers it with Google Benchmark with its argument names, time,
 * unit and counts, and records it in its family. A row that breaks the contract (a
 * measure the scenario does not list, a name that is not an identifier, a family whose
 * rows disagree on their arguments, a record full) is a die() here, at registration. */
struct bench *bench_register(const struct bench_row *row);
/* Adds a run at these argument values (one per arg_names entry) and records them. */
struct bench *bench_arg(struct bench *b, int64_t v);
struct bench *bench_args2(struct bench *b, int64_t v0, int64_t v1);

/* Whether bench_register hands rows to Google Benchmark (the scenario runs) or only
 * records them (a scenario not chosen still appears in the description). */
void bench_set_live(bool live);
/* Whether each registration keeps only its first argument set (tvp-bench --smoke). */
void bench_set_smoke(bool on);
/* Frees what registration made; after the run. */
void bench_free_all(void);

struct json;
/* Writes the families recorded for scenario s as the JSON array "families". */
void bench_describe_families(struct json *j, const struct scenario *s);

#endif
