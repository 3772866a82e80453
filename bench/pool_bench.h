/* pool_bench.h - what bench/pool.c's rows share with bench/pool_faults.c's: the case a
 * row runs, and the failure and scribble rows' functions, which pool.c registers. */
#ifndef TVP_POOL_BENCH_H
#define TVP_POOL_BENCH_H

#include "common.h"
#include "pool_tasks.h"

enum way { POOL_WAY, PER_TASK };

struct pool_case {
	enum way way;
	const struct worker_kind *kind;
	enum pool_failure_id failure;   /* measure:fault */
};

/* measure:fault: a task fails in the case's way inside a pool, then one more task. */
void poolb_fault(gb_state *st, const void *data);
/* measure:scribble: a task writes over memory that is not its own. */
void poolb_scribble(gb_state *st, const void *data);

#endif
