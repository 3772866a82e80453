/* pool.c - the pool: a task pipe, result slots in shared memory, and a watch over the
 * workers. */
#include "pool.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 4096
#define STOP UINT32_MAX
#define WATCH_NS 5000000  /* how often a waiting caller looks at the workers */

enum { FREE, QUEUED, RUNNING, DONE };

struct slot {
	uint32_t state;
	int32_t worker;
	int32_t tid;               /* gettid() of the worker that took it */
	uint32_t runs;             /* times a worker took it */
	pool_fn fn;
	int64_t arg;
	int64_t value;
	int32_t status, code;
	int64_t start_ns, end_ns;
};

/* What each worker slot's current worker tells the owner. */
struct worker_state {
	int32_t current;           /* the slot it runs, or -1 */
	int64_t up_ns;             /* when it entered the worker loop; 0 before */
};

struct shared {
	struct slot slot[SLOTS];
	uint64_t started;          /* tasks taken by workers, all workers together */
	struct worker_state w[];
};

struct pool {
	const struct worker_kind *kind;
	unsigned n;
	struct pool_opts opts;
	struct shared *sh;
	size_t sh_size;
	int fd[2];                 /* the task pipe */
	pid_t owner;               /* the process that made the pool */
	struct worker *workers;
	struct worker_id *ids;
	bool *alive;
	int64_t *created_ns;       /* when the owner started each slot's current worker */
	unsigned next;
	uint64_t submitted;
	bool closed, joined;
	unsigned created, replaced;
	int64_t replace_ns;
};

/* What a starting worker is handed: its pool and its number. A thread reads it in the
 * same memory, a forked worker in its copy. */
struct worker_id {
	struct pool *pool;
	unsigned index;
};

static long futex(uint32_t *addr, int op, uint32_t val, const struct timespec *t)
{
	return syscall(SYS_futex, addr, op, val, t, NULL, 0);
}

static void finish_slot(struct slot *s, int status, int code, int64_t value)
{
	s->end_ns = now_ns();
	s->status = status;
	s->code = code;
	s->value = value;
	__atomic_store_n(&s->state, DONE, __ATOMIC_RELEASE);
	futex(&s->state, FUTEX_WAKE, INT_MAX, NULL);
}

/* A worker: take a slot number from the pipe, run it, report, until told to stop. */
static int run_pool_worker(long arg, int64_t start_ns)
{
	(void)start_ns;
	const struct worker_id *id = (const struct worker_id *)arg;
	struct pool *p = id->pool;
	unsigned index = id->index;
	/* First thing: when this worker could first have taken a task. */
	__atomic_store_n(&p->sh->w[index].up_ns, now_ns(), __ATOMIC_RELEASE);
	if (p->kind->mode == MODE_PROCESS) {
		if (!tie_to_owner(p->owner))
			return 0;
		/* Only the owner writes tasks: with the write end closed here, a worker
		 * whose owner is gone reads end-of-file instead of waiting for ever. */
		close(p->fd[1]);
	}
	/* The kernel's id of this thread: a thread pool's workers share one pid, and a
	 * process worker's is its pid. Taken once; it does not change. */
	int32_t tid = (int32_t)gettid();
	for (;;) {
		uint32_t idx;
		ssize_t got = read(p->fd[0], &idx, sizeof idx);
		if (got < 0 && errno == EINTR)
			continue;
		if (got != sizeof idx || idx == STOP)
			return 0;
		struct slot *s = &p->sh->slot[idx];
		s->worker = (int32_t)index;
		s->tid = tid;
		s->start_ns = now_ns();
		/* Counted as the task is taken, before it runs: a task a worker dies in
		 * still counts, so a retry would show as runs 2. */
		__atomic_add_fetch(&s->runs, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&p->sh->started, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&p->sh->w[index].current, (int32_t)idx, __ATOMIC_RELEASE);
		__atomic_store_n(&s->state, RUNNING, __ATOMIC_RELEASE);
		int64_t value = 0;
		int rc = s->fn(s->arg, &value);
		__atomic_store_n(&p->sh->w[index].current, -1, __ATOMIC_RELEASE);
		finish_slot(s, rc ? POOL_ERROR : POOL_OK, rc, value);
	}
}

const struct task task_pool_worker = {.name = "pool_worker",
				      .desc = "take tasks from the pool's pipe",
				      .fn = run_pool_worker};

static int start_worker(struct pool *p, unsigned i)
{
	/* A worker that calls exit() would flush our stdio buffers a second time. */
	if (p->kind->mode == MODE_PROCESS)
		fflush(NULL);
	p->sh->w[i].current = -1;
	p->sh->w[i].up_ns = 0;
	p->ids[i] = (struct worker_id){p, i};
	p->created_ns[i] = now_ns();
	int err = worker_start(&p->workers[i], p->kind, &task_pool_worker, (long)&p->ids[i], NULL);
	p->alive[i] = err == 0;
	p->created += err == 0;
	return err;
}

struct pool *pool_create(const struct worker_kind *kind, unsigned workers,
			 const struct pool_opts *opts)
{
	struct pool *p = calloc(1, sizeof *p);
	bool can = worker_can_run(kind, &task_pool_worker);
	if (!p || workers == 0 || !can) {
		free(p);
		errno = workers == 0 || !can ? EINVAL : ENOMEM;
		return NULL;
	}
	p->kind = kind;
	p->n = workers;
	if (opts)
		p->opts = *opts;
	p->fd[0] = p->fd[1] = -1;
	p->owner = getpid();
	p->sh_size = sizeof(struct shared) + workers * sizeof(struct worker_state);
	p->sh = mmap(NULL, p->sh_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	p->workers = calloc(workers, sizeof *p->workers);
	p->alive = calloc(workers, sizeof *p->alive);
	p->ids = calloc(workers, sizeof *p->ids);
	p->created_ns = calloc(workers, sizeof *p->created_ns);
	int err = 0;
	if (p->sh == MAP_FAILED || !p->workers || !p->alive || !p->ids || !p->created_ns)
		err = ENOMEM;
	else if (pipe2(p->fd, O_CLOEXEC) != 0)
		err = errno;
	for (unsigned i = 0; !err && i < workers; i++)
		err = start_worker(p, i);
	if (err) {
		if (p->sh == MAP_FAILED)
			p->sh = NULL;
		pool_destroy(p);
		errno = err;
		return NULL;
	}
	return p;
}

int pool_submit(struct pool *p, pool_fn fn, int64_t arg, unsigned *handle)
{
	if (p->closed)
		return EPIPE;
	uint32_t idx = p->next % SLOTS;
	struct slot *s = &p->sh->slot[idx];
	if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != FREE)
		return EBUSY;
	*s = (struct slot){.state = QUEUED, .worker = -1, .fn = fn, .arg = arg};
	ssize_t w;
	while ((w = write(p->fd[1], &idx, sizeof idx)) < 0 && errno == EINTR) {
	}
	if (w != sizeof idx) {
		s->state = FREE;
		return w < 0 ? errno : EIO;
	}
	p->next++;
	p->submitted++;
	*handle = idx;
	return 0;
}

/* Looks after the workers: a process that has ended takes its task down with it and is
 * replaced; a task past the timeout has its worker ended. */
static void watch(struct pool *p)
{
	int64_t now = now_ns();
	for (unsigned i = 0; i < p->n; i++) {
		if (!p->alive[i])
			continue;
		int32_t idx = __atomic_load_n(&p->sh->w[i].current, __ATOMIC_ACQUIRE);
		struct slot *s = idx >= 0 ? &p->sh->slot[idx] : NULL;
		bool late = s && p->opts.task_timeout_ns &&
			    now - s->start_ns > p->opts.task_timeout_ns &&
			    __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == RUNNING;
		struct worker *w = &p->workers[i];
		if (late) {
			worker_stop(w);
			worker_reap(w);
		} else if (worker_try_reap(w) != 0) {
			continue; /* alive and in time */
		}
		int64_t noticed = now_ns();
		p->alive[i] = false;
		if (s && __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == RUNNING) {
			if (late)
				finish_slot(s, POOL_TIMEOUT, 0, 0);
			else
				finish_slot(s, w->exit.signaled ? POOL_SIGNALED : POOL_EXITED,
					    w->exit.code, 0);
		}
		if (!p->joined && start_worker(p, i) == 0) {
			p->replaced++;
			p->replace_ns += now_ns() - noticed;
		}
	}
}

/* Until the slot's task has ended. */
static int wait_done(struct pool *p, uint32_t idx)
{
	struct slot *s = &p->sh->slot[idx];
	for (;;) {
		uint32_t state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
		if (state == DONE)
			return 0;
		if (state == FREE)
			return EINVAL;
		struct timespec t = {0, WATCH_NS};
		futex(&s->state, FUTEX_WAIT, state, &t);
		if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != DONE)
			watch(p);
	}
}

int pool_wait(struct pool *p, unsigned handle, struct pool_result *r)
{
	if (handle >= SLOTS)
		return EINVAL;
	int err = wait_done(p, handle);
	if (err)
		return err;
	struct slot *s = &p->sh->slot[handle];
	*r = (struct pool_result){.status = (enum pool_status)s->status, .value = s->value,
				  .code = s->code, .worker = s->worker, .tid = s->tid,
				  .runs = s->runs, .start_ns = s->start_ns, .end_ns = s->end_ns};
	__atomic_store_n(&s->state, FREE, __ATOMIC_RELEASE);
	return 0;
}

void pool_close(struct pool *p) { p->closed = true; }

int pool_join(struct pool *p)
{
	if (!p->closed)
		return EINVAL;
	if (p->joined)
		return 0;
	for (uint32_t i = 0; i < SLOTS; i++) {
		uint32_t state = __atomic_load_n(&p->sh->slot[i].state, __ATOMIC_ACQUIRE);
		if (state == QUEUED || state == RUNNING)
			wait_done(p, i);
	}
	p->joined = true;
	uint32_t stop = STOP;
	for (unsigned i = 0; i < p->n; i++)
		if (write(p->fd[1], &stop, sizeof stop) != sizeof stop)
			break;
	for (unsigned i = 0; i < p->n; i++) {
		if (p->alive[i])
			worker_reap(&p->workers[i]);
		p->alive[i] = false;
	}
	return 0;
}

void pool_destroy(struct pool *p)
{
	if (!p)
		return;
	for (unsigned i = 0; p->alive && i < p->n; i++) {
		if (p->alive[i]) {
			worker_stop(&p->workers[i]);
			worker_reap(&p->workers[i]);
		}
	}
	for (int i = 0; i < 2; i++)
		if (p->fd[i] >= 0)
			close(p->fd[i]);
	if (p->sh)
		munmap(p->sh, p->sh_size);
	free(p->workers);
	free(p->alive);
	free(p->ids);
	free(p->created_ns);
	free(p);
}

unsigned pool_replacements(const struct pool *p, int64_t *mean_ns)
{
	if (mean_ns)
		*mean_ns = p->replaced ? p->replace_ns / p->replaced : 0;
	return p->replaced;
}

pid_t pool_worker_pid(const struct pool *p, unsigned i)
{
	return i < p->n && p->alive[i] ? p->workers[i].pid : 0;
}

void pool_counts(const struct pool *p, struct pool_counts *c)
{
	*c = (struct pool_counts){.submitted = p->submitted,
				  .started = __atomic_load_n(&p->sh->started, __ATOMIC_ACQUIRE),
				  .workers_created = p->created};
}

int64_t pool_worker_created_ns(const struct pool *p, unsigned i)
{
	return i < p->n ? p->created_ns[i] : 0;
}

int64_t pool_worker_up_ns(const struct pool *p, unsigned i)
{
	return i < p->n ? __atomic_load_n(&p->sh->w[i].up_ns, __ATOMIC_ACQUIRE) : 0;
}

const char *pool_outcome(const struct pool_result *r, char *buf, size_t size)
{
	const char *sig;
	switch (r->status) {
	case POOL_OK:
		snprintf(buf, size, "[\"result\",%lld]", (long long)r->value);
		break;
	case POOL_ERROR:
		snprintf(buf, size, "[\"error\",%d]", r->code);
		break;
	case POOL_EXITED:
		snprintf(buf, size, "[\"exited\",%d]", r->code);
		break;
	case POOL_SIGNALED:
		sig = sigabbrev_np(r->code);
		snprintf(buf, size, "[\"killed\",\"SIG%s\"]", sig ? sig : "?");
		break;
	case POOL_TIMEOUT:
		snprintf(buf, size, "[\"timed_out\"]");
		break;
	}
	return buf;
}
