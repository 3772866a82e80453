/* pool_tasks.h - the tasks the pool scenarios and tests give a pool: work of a set
 * length, and each way a task can fail. */
#ifndef TVP_POOL_TASKS_H
#define TVP_POOL_TASKS_H

#include "pool.h"
#include "task.h"

#include <stdbool.h>
#include <stdint.h>

int pool_task_busy(int64_t ns, int64_t *result);     /* CPU busy for ns; result ns */
int pool_task_sleep(int64_t ns, int64_t *result);    /* sleeps ns; result ns */
int pool_task_error(int64_t code, int64_t *result);  /* returns error code */
int pool_task_exit(int64_t status, int64_t *result); /* exit(status) in the worker */
int pool_task_segv(int64_t unused, int64_t *result); /* a write to a page without access */
int pool_task_abort(int64_t unused, int64_t *result);
int pool_task_hang(int64_t unused, int64_t *result); /* sleeps forever (a cancellation point) */

/* A worker per task that says who it was: task_busy_who's arg points at one of these in
 * memory the worker shares with its starter (MAP_SHARED for a forked worker); it stays
 * busy for ns, then writes its gettid() into tid. Threads of one process share a pid
 * and a glibc reuses a finished thread's pthread_t, so only the kernel's id tells
 * workers apart. It runs in this image only (thread, fork, clone). */
struct pool_who {
	int64_t ns;
	int32_t tid;
};
extern const struct task task_busy_who;

/* The notes' Pool(3): ten tasks, each sleeping random.random() * 3 s, on three workers;
 * here 0-30 ms, the same shape a hundred times faster. The sleeps come from one seeded
 * generator that bench/py_bench.py implements line for line (POOL_NOTES_* there too), so
 * the C pools and Python's Pool(3) run the same ten sleeps and their schedules can be
 * set side by side. */
#define POOL_NOTES_TASKS 10
#define POOL_NOTES_WORKERS 3
#define POOL_NOTES_SEED 20261127u
#define POOL_NOTES_MAX_US 30000

/* n sleeps in ns, whole µs in [0, POOL_NOTES_MAX_US): the Park-Miller "minimal standard"
 * generator, x <- 48271 x mod (2^31 - 1), from seed, each sleep x mod POOL_NOTES_MAX_US µs.
 * Chosen for being three lines in any language with exact integers, not for its quality
 * (the modulo's bias is below 2e-5 here). */
void pool_notes_sleeps(uint32_t seed, unsigned n, int64_t *ns);

/* The greedy in-order schedule of n tasks of ns each on `workers` workers with no
 * overhead: each task, in submission order, goes to the worker that is free first (the
 * lowest-numbered one on a tie), which is what a pool with free hand-offs does. Fills
 * worker_of[i] and start_ns[i] (either may be NULL) and returns the makespan. */
int64_t pool_greedy_ns(const int64_t *ns, unsigned n, unsigned workers, int *worker_of,
		       int64_t *start_ns);

/* The ways a task fails, the pool scenario's failure:NAME; the table's order is the
 * order of the report's table. */
enum pool_failure_id {
	FAILURE_ERROR,
	FAILURE_EXIT,
	FAILURE_SEGV,
	FAILURE_ABORT,
	FAILURE_TIMEOUT,
	POOL_NFAILURES
};

struct pool_failure {
	const char *name;
	const char *desc;
	pool_fn fn;           /* the failing task */
	int64_t arg;
	bool kills_process;   /* in a thread pool, it ends the whole process */
};
extern const struct pool_failure pool_failures[POOL_NFAILURES];

/* The memory a scribbling task ruins: the owner of a thread pool shares it, the owner of
 * a process pool does not. */
#define VICTIM_WORDS 1024
extern volatile int64_t pool_victim[VICTIM_WORDS];
void pool_victim_fill(void);
int pool_victim_intact(void);
int pool_task_scribble(int64_t unused, int64_t *result);

#endif
