/* nums.c - the notes' nums example: who sees a worker's writes to a global. */
#include "nums.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

static struct nums nums_global;  /* the notes' module-level list */
static struct nums *nums_target; /* where the worker appends: the global or shared memory */

static int run_append(long arg, int64_t start_ns)
{
	(void)arg;
	(void)start_ns;
	for (int i = 0; i < 3 && nums_target->len < NUMS_MAX; i++)
		nums_target->v[nums_target->len++] = i;
	return 0;
}

/* The worker appends and exits, waiting for nobody: it needs no tie to its owner, and
 * the experiment, timed whole, gets no system call more. */
const struct task task_nums_append = {.name = "nums_append", .desc = "append 0, 1, 2 to nums",
				      .fn = run_append};

int nums_experiment(const struct worker_kind *k, bool shared, struct nums *seen)
{
	if (!worker_can_run(k, &task_nums_append))
		return EINVAL;
	struct nums *list = &nums_global;
	if (shared) {
		list = mmap(NULL, sizeof *list, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			    -1, 0);
		if (list == MAP_FAILED)
			return errno;
	}
	*list = (struct nums){.len = 2, .v = {11, 22}};
	nums_target = list;

	struct worker w;
	int err = worker_start(&w, k, &task_nums_append, 0, NULL);
	if (!err)
		err = worker_reap(&w);
	if (!err && (w.exit.signaled || w.exit.code != 0))
		err = ECHILD;
	if (!err)
		*seen = *list;
	if (shared)
		munmap(list, sizeof *list);
	nums_target = NULL;
	return err;
}
