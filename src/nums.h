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

/* Runs the experiment with one worker of kind k (pthread, fork or clone) and copies
 * what the parent sees afterwards into *seen. Returns 0 or an errno value (EINVAL for
 * a kind that execs or is vfork: neither can run it). */
int nums_experiment(const struct worker_kind *k, bool shared, struct nums *seen);

#endif
