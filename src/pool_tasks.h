/* pool_tasks.h - the tasks the pool scenarios and tests give a pool: work of a set
 * length, and each way a task can fail. */
#ifndef TVP_POOL_TASKS_H
#define TVP_POOL_TASKS_H

#include "pool.h"

#include <stdbool.h>
#include <stdint.h>

int pool_task_busy(int64_t ns, int64_t *result);     /* CPU busy for ns; result ns */
int pool_task_sleep(int64_t ns, int64_t *result);    /* sleeps ns; result ns */
int pool_task_error(int64_t code, int64_t *result);  /* returns error code */
int pool_task_exit(int64_t status, int64_t *result); /* exit(status) in the worker */
int pool_task_segv(int64_t unused, int64_t *result); /* a write to a page without access */
int pool_task_abort(int64_t unused, int64_t *result);
int pool_task_hang(int64_t unused, int64_t *result); /* sleeps forever (a cancellation point) */

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
