/* task_registry.h - every task a worker can run, in one table.
 *
 * The registry sees every task of the library, from the basic ones (task.h) to those
 * of the scenarios' work (ipc peers, copy-on-write, nums, scale, the pool's workers), so
 * that tvp-helper can look a task up by name and a test can check every kind against
 * every task. It is the only file that includes them all; the tasks themselves know
 * nothing of it.
 */
#ifndef TVP_TASK_REGISTRY_H
#define TVP_TASK_REGISTRY_H

#include "task.h"

#include <stddef.h>

enum task_id {
	TASK_EXIT,
	TASK_STAMP,
	TASK_RAISE,
	TASK_AFFINITY,
	TASK_PARK,
	TASK_BUSY,
	TASK_IPC_PRODUCE,
	TASK_IPC_ECHO,
	TASK_BW_WRITE,
	TASK_COW_WRITE,
	TASK_NUMS_APPEND,
	TASK_SCALE,
	TASK_POOL_WORKER,
	TASK_NTASKS
};

extern const struct task *const task_registry[TASK_NTASKS];

/* The task of that name, or NULL. */
const struct task *task_find(const char *name);

#endif
