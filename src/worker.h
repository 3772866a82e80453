/* worker.h - one API to start and reap a concurrent worker of any kind.
 *
 * A kind is a row of one table: a thread (pthread_create), a process made by fork,
 * vfork or raw clone running a task in this image, or a process that execs the static
 * helper (posix_spawn, fork+exec, vfork+exec, fork+sh -c). A scenario takes a kind as a
 * parameter; nothing is written twice per kind.
 */
#ifndef TVP_WORKER_H
#define TVP_WORKER_H

#include "task.h"

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

struct worker;

/* A thread of this process, or a process of its own. */
enum worker_mode { MODE_THREAD, MODE_PROCESS, WORKER_NMODES };

/* "thread" or "process", as benchmark names and the JSON say it. */
const char *worker_mode_name(enum worker_mode m);

/* The kinds, in the table's order, which is the order of every table and figure. */
enum worker_kind_id {
	KIND_PTHREAD,
	KIND_FORK,
	KIND_VFORK,
	KIND_CLONE,
	KIND_POSIX_SPAWN,
	KIND_FORK_EXEC,
	KIND_VFORK_EXEC,
	KIND_FORK_SH,
#ifdef TVP_TEST_EXTRA_KIND
	KIND_FORK_TWIN,     /* a second fork, for the test that a new kind reaches everywhere */
#endif
	WORKER_NKINDS
};

struct worker_kind {
	const char *name;   /* as it appears in benchmark names: "fork", "posix_spawn" */
	enum worker_mode mode;
	const char *label;  /* as a table or figure shows it: "pthread_create", "fork+exec" */
	const char *how;    /* what starting one does, in a line */
	bool execs;         /* runs the helper program rather than a function in this image */
	/* The child runs on the parent's memory and stack until it exits (vfork): it may
	 * run only tasks marked vfork_safe. */
	bool borrows_memory;
	int (*start)(struct worker *w);
	int (*reap)(struct worker *w);
};

extern const struct worker_kind worker_kinds[WORKER_NKINDS];
extern const size_t worker_nkinds;
/* By name, for the command line and the tests; the scenarios index by id. */
const struct worker_kind *worker_kind_find(const char *name);

/* Whether a worker of kind k can run task t: an exec-based kind runs tvp-helper, which
 * has only the tasks marked exec; a kind that borrows the parent's memory runs only the
 * vfork-safe ones. Every other pair works. */
bool worker_can_run(const struct worker_kind *k, const struct task *t);
/* Why not, in a sentence naming both ("posix_spawn cannot run task cow_write: ..."); ""
 * when it can. */
const char *worker_refusal_str(const struct worker_kind *k, const struct task *t, char *buf,
			       size_t size);

struct worker_exit {
	bool signaled;      /* killed by a signal rather than exiting */
	int code;           /* exit code, or the signal number */
	struct rusage ru;   /* the child's own usage; zero for a thread */
};

/* One started worker. Filled by worker_start, owned by the caller until reaped. */
struct worker {
	const struct worker_kind *kind;
	const struct task *task;
	long arg;
	pid_t pid;
	pthread_t thread;
	int thread_ret;
	struct worker_exit exit;
	char *argv[8];      /* prepared before fork: a vfork child may not allocate */
	char argbuf[3][24];
};

/* Starts a worker of kind k running task t with arg. affinity, when not NULL, is the
 * CPU set the worker starts on (the calling thread's own set is restored before this
 * returns). Returns 0, or an errno value: EAGAIN at a process or thread limit, EINVAL for
 * a pair that cannot work (worker_can_run; worker_refusal_str says why), refused before
 * anything starts. */
int worker_start(struct worker *w, const struct worker_kind *k, const struct task *t,
		 long arg, const cpu_set_t *affinity);

/* Waits for the worker to end and fills w->exit. Returns 0 or an errno value. */
int worker_reap(struct worker *w);

/* Reaps the worker if it has ended: 0 (w->exit filled), EBUSY if it still runs, or an
 * errno value. */
int worker_try_reap(struct worker *w);

/* Ends a worker that is still running: SIGKILL for a process, pthread_cancel for a
 * thread (which ends at its next cancellation point). Reap it afterwards. */
int worker_stop(struct worker *w);

/* Kills every process worker started and not yet reaped, and reaps it: for a signal
 * handler (async-signal-safe), so an interrupted run leaves no orphan behind. */
void worker_kill_all(void);

/* Why a worker did not start: strerror, and the process limit when that was it
 * ("Resource temporarily unavailable (RLIMIT_NPROC 60)", or "(pids.max 150 of cgroup
 * DIR, 150 in use)" when a pids cgroup is at its limit). */
const char *worker_error_str(int err, char *buf, size_t size);

/* "exit 3" or "signal SIGSEGV" */
const char *worker_exit_str(const struct worker_exit *ex, char *buf, size_t size);

/* Path of tvp-helper: the one set, else $TVP_HELPER, else beside the running program. */
const char *worker_helper_path(void);
/* Sets the helper's path; NULL goes back to the default. */
void worker_set_helper_path(const char *path);

#endif
