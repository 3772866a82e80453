/* nums.h - the notes' global-variable example (claim C3), as an experiment.
 *
 * The notes keep a global list nums = [11, 22]; a child process appends 0, 1, 2 and
 * prints it, then the parent (and a second child) still see [11, 22]. Here a worker of
 * any in-image kind appends the same three numbers to a global array, and the parent
 * reads what it sees afterwards: a thread's writes land in the one address space, a
 * process's in its own copy. With shared set, the array lives in MAP_SHARED memory
 * mapped before the worker starts, and every kind's writes are seen.
 */
#ifndef TVP_NUMS_H
#define TVP_NUMS_H

#include "worker.h"

#include <stdbool.h>

#define NUMS_MAX 8

struct nums {
	int len;
	int v[NUMS_MAX];
};

/* The worker's task: append 0, 1, 2 to the list. It runs in this image only (the list
 * is this program's global), so the kinds that run it are those worker_can_run allows. */
extern const struct task task_nums_append;

/* Runs the experiment with one worker of kind k and copies what the parent sees
 * afterwards into *seen. Returns 0 or an errno value (EINVAL for a kind that cannot run
 * task_nums_append: one that execs, or vfork). */
int nums_experiment(const struct worker_kind *k, bool shared, struct nums *seen);

#endif
