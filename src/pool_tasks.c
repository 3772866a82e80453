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

static int run_busy_who(long arg, int64_t start_ns)
{
	(void)start_ns;
	struct pool_who *who = (struct pool_who *)arg;
	int64_t until = now_ns() + who->ns;
	while (now_ns() < until) {
	}
	__atomic_store_n(&who->tid, (int32_t)gettid(), __ATOMIC_RELEASE);
	return 0;
}

const struct task task_busy_who = {.name = "busy_who",
				   .desc = "keep a CPU busy for ns, then write the worker's tid",
				   .fn = run_busy_who};

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

void pool_notes_sleeps(uint32_t seed, unsigned n, int64_t *ns)
{
	const uint64_t m = 2147483647; /* 2^31 - 1, a prime */
	uint64_t x = seed % m ? seed % m : 1; /* 0 is the generator's one fixed point */
	for (unsigned i = 0; i < n; i++) {
		x = x * 48271 % m; /* below 2^47: no overflow */
		ns[i] = (int64_t)(x % POOL_NOTES_MAX_US) * 1000;
	}
}

int64_t pool_greedy_ns(const int64_t *ns, unsigned n, unsigned workers, int *worker_of,
		       int64_t *start_ns)
{
	int64_t free_at[64] = {0};
	if (workers > 64)
		workers = 64;
	int64_t end = 0;
	for (unsigned i = 0; i < n && workers; i++) {
		unsigned w = 0;
		for (unsigned j = 1; j < workers; j++)
			if (free_at[j] < free_at[w])
				w = j;
		if (worker_of)
			worker_of[i] = (int)w;
		if (start_ns)
			start_ns[i] = free_at[w];
		free_at[w] += ns[i];
		end = free_at[w] > end ? free_at[w] : end;
	}
	return end;
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
