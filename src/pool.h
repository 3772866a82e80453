/* pool.h - a pool of workers, threads or processes, with one API: the shape of the notes'
 * multiprocessing.Pool (apply_async, close, join).
 *
 * The workers are started once (a forked process pool, or threads) and take tasks from
 * one pipe, so the kernel hands each task to one idle worker; each result goes into the
 * task's slot in shared memory, and the caller waits on that slot. A process pool
 * watches its workers: a worker that exits or dies on a signal in a task, or runs past
 * the task timeout and is killed, is replaced, and the task it held is reported with
 * what happened to it. No task is handed to a worker twice (each result says how many
 * times a worker took its task, and pool_counts the totals). The same failures in a thread pool
 * end the whole process (see the fault-isolation scenario), except an error returned by
 * the task and a timeout, which cancels the thread and replaces it.
 */
#ifndef TVP_POOL_H
#define TVP_POOL_H

#include "worker.h"

#include <stdint.h>
#include <sys/types.h>

/* A task: returns 0 and sets *result, or returns an error code of its own (> 0). */
typedef int (*pool_fn)(int64_t arg, int64_t *result);

enum pool_status {
	POOL_OK,        /* value: the task's result */
	POOL_ERROR,     /* code: the error the task returned */
	POOL_EXITED,    /* code: the exit status of the worker that ran it */
	POOL_SIGNALED,  /* code: the signal that killed the worker */
	POOL_TIMEOUT,   /* the task ran past the pool's timeout; its worker was ended */
};

struct pool_result {
	enum pool_status status;
	int64_t value;
	int code;
	int worker;           /* which worker slot ran it (a replacement takes the slot over) */
	pid_t tid;            /* the OS id of the worker that ran it: its thread id, which for
			       * a process worker is its pid; 0 if no worker took it */
	unsigned runs;        /* how many times a worker took this task: 1, never more */
	int64_t start_ns, end_ns;
};

struct pool;

struct pool_opts {
	int64_t task_timeout_ns;  /* 0: none */
};

/* kind is one that runs this image's code (pthread, fork, clone; EINVAL for another).
 * Returns NULL with errno set. */
struct pool *pool_create(const struct worker_kind *kind, unsigned workers,
			 const struct pool_opts *opts);

/* Queues fn(arg); *handle identifies it for pool_wait. Returns 0, EPIPE after close,
 * EBUSY when every slot holds a result nobody waited for. */
int pool_submit(struct pool *p, pool_fn fn, int64_t arg, unsigned *handle);

/* Waits for the task's end. Returns 0 and fills *r, or an errno value. */
int pool_wait(struct pool *p, unsigned handle, struct pool_result *r);

/* No more tasks (submit fails after it). */
void pool_close(struct pool *p);
/* Waits until every task has ended and every worker is gone. EINVAL before close. */
int pool_join(struct pool *p);
/* Frees the pool; a pool not joined has its workers killed and reaped first. */
void pool_destroy(struct pool *p);

/* What each worker of a pool runs: its argument points at the pool, so it runs only in
 * this image. */
extern const struct task task_pool_worker;

/* Workers replaced so far, and the mean time from noticing a dead worker to its
 * replacement being started, in ns. */
unsigned pool_replacements(const struct pool *p, int64_t *mean_ns);

/* The pid of process worker i (0 for a thread pool or a worker not running). */
pid_t pool_worker_pid(const struct pool *p, unsigned i);

/* What the pool has done so far, counted where it happens, so "a pool reuses its
 * workers" and "no task runs twice" are measured rather than assumed. */
struct pool_counts {
	uint64_t submitted;         /* tasks pool_submit accepted */
	uint64_t started;           /* times a worker took a task (a task taken twice counts 2) */
	unsigned workers_created;   /* workers started: the first ones and every replacement */
};
void pool_counts(const struct pool *p, struct pool_counts *c);

/* When worker slot i's current worker was started by the owner (created_ns) and when it
 * ran its first instruction of the worker loop (up_ns, 0 until it has), CLOCK_MONOTONIC:
 * whether a pool makes its workers up front or on demand. */
int64_t pool_worker_created_ns(const struct pool *p, unsigned i);
int64_t pool_worker_up_ns(const struct pool *p, unsigned i);

/* What the caller saw, as one outcome clause of the label grammar (docs/results.md):
 * ["result",V], ["error",CODE], ["exited",STATUS], ["killed","SIGNAME"], ["timed_out"].
 * Codes, not words: the report holds the words, in its catalogue. */
const char *pool_outcome(const struct pool_result *r, char *buf, size_t size);

#endif
