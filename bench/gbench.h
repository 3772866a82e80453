/* gbench.h - the C face of Google Benchmark.
 *
 * Everything that measures in tvp is C; Google Benchmark is C++. This header is the
 * whole contract between the two: an opaque state handed to a benchmark function, an
 * opaque handle for registration, and a main-side API that lets the suite parse its
 * own flags after Google Benchmark has taken its --benchmark_* ones.
 *
 * Error convention: inside a benchmark, report with gb_skip() and return; the rest of
 * the JSON survives. Only harness set-up may die().
 */
#ifndef TVP_GBENCH_H
#define TVP_GBENCH_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gb_state gb_state;       /* benchmark::State */
typedef struct gb_bench gb_bench;       /* benchmark::internal::Benchmark */
typedef void (*gb_fn)(gb_state *st, const void *data);

/* Counter flags: the values of benchmark::Counter::Flags, so they can be or-ed. */
enum gb_counter_flags {
	GB_COUNTER_DEFAULT = 0,
	GB_COUNTER_RATE = 1 << 0,           /* divided by the elapsed time */
	GB_COUNTER_AVG_THREADS = 1 << 1,
	GB_COUNTER_ITER_INVARIANT = 1 << 2, /* multiplied by the iteration count */
	GB_COUNTER_AVG_ITERATIONS = 1 << 3, /* divided by the iteration count */
	GB_COUNTER_INVERT = 1 << 31,
};

enum gb_unit { GB_NS, GB_US, GB_MS, GB_S };

/* --- inside a benchmark ------------------------------------------------ */
bool gb_keep_running(gb_state *st);
bool gb_keep_running_batch(gb_state *st, int64_t n);
int64_t gb_range(const gb_state *st, int index);
int64_t gb_iterations(const gb_state *st);
void gb_pause(gb_state *st);
void gb_resume(gb_state *st);
void gb_set_iteration_time(gb_state *st, double seconds);
void gb_counter(gb_state *st, const char *name, double value, unsigned flags);
void gb_set_bytes_processed(gb_state *st, int64_t bytes);
void gb_set_items_processed(gb_state *st, int64_t items);
void gb_set_label(gb_state *st, const char *label);
bool gb_error_occurred(const gb_state *st);
/* Marks the run as failed with a printf-formatted reason. The caller must leave its
 * loop and return; Google Benchmark then reports error_occurred in the JSON. */
void gb_skip(gb_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- registration ---------------------------------------------------------- */
/* data is passed back to fn untouched; it must outlive the run. */
gb_bench *gb_register(const char *name, gb_fn fn, const void *data);
gb_bench *gb_arg(gb_bench *b, int64_t value);
gb_bench *gb_args2(gb_bench *b, int64_t a, int64_t b2);
gb_bench *gb_range_mult(gb_bench *b, int64_t lo, int64_t hi, int mult);
gb_bench *gb_arg_name(gb_bench *b, const char *name);
gb_bench *gb_arg_names2(gb_bench *b, const char *a, const char *b2);
gb_bench *gb_use_real_time(gb_bench *b);
gb_bench *gb_use_manual_time(gb_bench *b);
gb_bench *gb_unit(gb_bench *b, enum gb_unit unit);
gb_bench *gb_repetitions(gb_bench *b, int n);
gb_bench *gb_min_time(gb_bench *b, double seconds);
gb_bench *gb_fixed_iterations(gb_bench *b, int64_t n);

/* --- main side ------------------------------------------------------------- */
/* Takes Google Benchmark's own flags out of argv (and handles --help by printing
 * the suite's help after its own). With $TVP_PROGRESS set to a file, each benchmark
 * writes its name there before it runs (what a death interrupted). */
void gb_init(int *argc, char **argv, void (*help)(void));
void gb_add_context(const char *key, const char *value);
/* The same for a long value: whole in the JSON, only its length on the console. */
void gb_add_context_quiet(const char *key, const char *value);
/* Runs what was registered and matches --benchmark_filter; returns how many ran. A
 * JSON --benchmark_out is flushed after each benchmark, so a killed run's file holds
 * every benchmark it finished. */
int gb_run(void);
void gb_shutdown(void);

#ifdef __cplusplus
}
#endif
#endif
