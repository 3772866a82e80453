/* pool_tasks.c - tasks that work, and tasks that fail in every way the notes' question
 * about a pool worker's exception could mean. */
#include "pool_tasks.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

volatile int64_t pool_victim[VICTIM_WORDS];

int pool_task_busy(int64_t ns, int64_t *result)
{
	int64_t t0 = now_ns();
	while (now_ns() - t0 < ns) {
	}
	*result = ns;
	return 0;
}

int pool_task_sleep(int64_t ns, int64_t *result)
{
	struct timespec ts = {ns / 1000000000, ns % 1000000000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
	*result = ns;
	return 0;
}

int pool_task_error(int64_t code, int64_t *result)
{
	*result = 0;
	return (int)code;
}

int pool_task_exit(int64_t status, int64_t *result)
{
	(void)result;
	exit((int)status); /* what a careless task does: atexit handlers and all */
}

int pool_task_segv(int64_t unused, int64_t *result)
{
	(void)unused;
	(void)result;
	/* A stray write to memory the task may not touch: a page mapped without access, so
	 * the fault is the hardware's, as a wild pointer's would be. */
	volatile int *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*p = 1;
	return 0;
}

int pool_task_abort(int64_t unused, int64_t *result)
{
	(void)unused;
	(void)result;
	abort();
}

int pool_task_hang(int64_t unused, int64_t *result)
{
	(void)unused;
	(void)result;
	for (;;)
		pause();
}

void pool_victim_fill(void)
{
	for (int i = 0; i < VICTIM_WORDS; i++)
		pool_victim[i] = i;
}

int pool_victim_intact(void)
{
	for (int i = 0; i < VICTIM_WORDS; i++)
		if (pool_victim[i] != i)
			return 0;
	return 1;
}

int pool_task_scribble(int64_t unused, int64_t *result)
{
	(void)unused;
	for (int i = 0; i < VICTIM_WORDS; i++)
		pool_victim[i] = -1; /* a stray write over memory that is not its own */
	*result = 0;
	return 0;
}

const struct pool_failure pool_failures[POOL_NFAILURES] = {
	[FAILURE_ERROR] = {.name = "error", .desc = "the task returns an error code",
			   .fn = pool_task_error, .arg = 7},
	[FAILURE_EXIT] = {.name = "exit", .desc = "the task calls exit(3)", .fn = pool_task_exit,
			  .arg = 3, .kills_process = true},
	[FAILURE_SEGV] = {.name = "segv", .desc = "the task writes to a page it may not touch",
			  .fn = pool_task_segv, .kills_process = true},
	[FAILURE_ABORT] = {.name = "abort", .desc = "the task calls abort()",
			   .fn = pool_task_abort, .kills_process = true},
	[FAILURE_TIMEOUT] = {.name = "timeout", .desc = "the task hangs past the pool's timeout",
			     .fn = pool_task_hang},
};
