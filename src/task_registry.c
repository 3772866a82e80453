/* task_registry.c - the table of every task. */
#include "task_registry.h"

#include "cow.h"
#include "ipc/peer.h"
#include "nums.h"
#include "pool.h"
#include "scale.h"

#include <string.h>

const struct task *const task_registry[TASK_NTASKS] = {
	[TASK_EXIT] = &task_exit,
	[TASK_STAMP] = &task_stamp,
	[TASK_RAISE] = &task_raise,
	[TASK_AFFINITY] = &task_affinity,
	[TASK_PARK] = &task_park,
	[TASK_BUSY] = &task_busy,
	[TASK_IPC_PRODUCE] = &task_ipc_produce,
	[TASK_IPC_ECHO] = &task_ipc_echo,
	[TASK_BW_WRITE] = &task_bw_write,
	[TASK_COW_WRITE] = &task_cow_write,
	[TASK_NUMS_APPEND] = &task_nums_append,
	[TASK_SCALE] = &task_scale,
	[TASK_POOL_WORKER] = &task_pool_worker,
};

const struct task *task_find(const char *name)
{
	for (size_t i = 0; i < TASK_NTASKS; i++)
		if (strcmp(task_registry[i]->name, name) == 0)
			return task_registry[i];
	return NULL;
}
