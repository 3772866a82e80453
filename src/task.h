/* task.h - what a worker runs.
 *
 * A task is a named function. Workers that run in this program's image (thread, fork,
 * vfork, clone) call it directly; workers that exec (posix_spawn, fork+exec, vfork+exec,
 * sh -c) run the static helper, which looks the task up by name in the registry
 * (task_registry.h). So a scenario names one task and every worker kind able to run it
 * does, whether it execs or not; worker_start refuses a kind a task cannot work under.
 *
 * Tasks talk back through one shared page (a memfd, so nothing is left in /dev/shm):
 * inherited as memory by fork and clone, the same memory for threads, and mapped from
 * its inherited descriptor by the helper.
 */
#ifndef TVP_TASK_H
#define TVP_TASK_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

struct task_page {
	int64_t start_ns;      /* CLOCK_MONOTONIC at the worker's first instruction */
	int64_t runs;          /* how many workers ran a page-writing task */
	cpu_set_t affinity;    /* the worker's own sched_getaffinity */
	int64_t result[4];     /* what a scenario's own task reports */
	int32_t owner;         /* the pid that opened the page: the benchmark process */
	int32_t stop;          /* set by the owner: a producing peer ends its stream */
	char ipc_desc[256];    /* the channel a peer attaches to (see ipc/ipc.h) */
};

/* arg is the task's argument; start_ns is when the worker's own code began, taken
 * before anything else it does (the helper takes it first thing in main). */
typedef int (*task_fn)(long arg, int64_t start_ns);

struct task {
	const char *name;
	const char *desc;
	task_fn fn;
	/* Safe in a vfork child: touches no libc state, only the shared page and the
	 * vDSO clock. vfork workers refuse any other task. */
	bool vfork_safe;
	/* The helper can run it by name: it needs nothing of the parent's memory but the
	 * task page, its argument and inherited descriptors. Exec-based workers refuse any
	 * other task. */
	bool exec;
};

extern const struct task task_exit;      /* returns arg as the exit code at once */
extern const struct task task_stamp;     /* writes start_ns to the page */
extern const struct task task_raise;     /* raises signal arg */
extern const struct task task_affinity;  /* writes its CPU affinity to the page */
extern const struct task task_park;      /* counts itself in, then waits on fd arg */
extern const struct task task_busy;      /* keeps a CPU busy for arg ns, then exits */

/* The shared page: open creates it in this process (the descriptor stays open across
 * exec so helpers can map it); attach maps an inherited one; close unmaps and closes.
 * open and attach return 0 or an errno value. */
int task_page_open(void);
int task_page_attach(int fd);
void task_page_close(void);
struct task_page *task_page(void);
int task_page_fd(void);

#endif
