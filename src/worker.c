/* worker.c - the worker kinds: how each one starts, and how it is reaped.
 *
 * Children leave only through _exit, so no stdio buffer of the parent is flushed twice
 * and no atexit handler runs in a child.
 */
#include "worker.h"
#include "cglimits.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define CLONE_STACK_SIZE (64 * 1024)

/* --- the live children, for an interrupted run -------------------------------------- */
/* An open-addressed table of pids, so thousands of parked workers cost O(1) each. */

#define LIVE_SLOTS 65536
static pid_t live[LIVE_SLOTS];

static void live_add(pid_t pid)
{
	for (unsigned i = 0; i < LIVE_SLOTS; i++) {
		pid_t *slot = &live[((unsigned)pid + i) % LIVE_SLOTS];
		if (*slot == 0) {
			__atomic_store_n(slot, pid, __ATOMIC_RELAXED);
			return;
		}
	}
}

static void live_remove(pid_t pid)
{
	for (unsigned i = 0; i < LIVE_SLOTS; i++) {
		pid_t *slot = &live[((unsigned)pid + i) % LIVE_SLOTS];
		if (*slot == pid) {
			__atomic_store_n(slot, 0, __ATOMIC_RELAXED);
			return;
		}
		if (*slot == 0)
			return;
	}
}

void worker_kill_all(void)
{
	for (unsigned i = 0; i < LIVE_SLOTS; i++) {
		pid_t pid = __atomic_load_n(&live[i], __ATOMIC_RELAXED);
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			live[i] = 0;
		}
	}
}

/* --- in-image workers -------------------------------------------------------- */

static void *thread_main(void *p)
{
	int64_t start_ns = now_ns();
	struct worker *w = p;
	w->thread_ret = w->task->fn(w->arg, start_ns);
	return NULL;
}

static int start_thread(struct worker *w)
{
	return pthread_create(&w->thread, NULL, thread_main, w);
}

/* Joins a thread worker, waiting or not. Returns 0 with w->exit filled, or the join's
 * error (EBUSY when it still runs and wait is false). */
static int join_thread(struct worker *w, bool wait)
{
	int rc = wait ? pthread_join(w->thread, NULL) : pthread_tryjoin_np(w->thread, NULL);
	if (rc)
		return rc;
	memset(&w->exit, 0, sizeof w->exit);
	w->exit.code = w->thread_ret;
	return 0;
}

static int reap_thread(struct worker *w) { return join_thread(w, true); }

static int start_fork(struct worker *w)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		int64_t start_ns = now_ns();
		_exit(w->task->fn(w->arg, start_ns));
	}
	w->pid = pid;
	return 0;
}

static int start_vfork(struct worker *w)
{
	/* The child borrows the parent's memory and stack until it exits: only tasks
	 * marked vfork_safe (a store to the shared page at most) may run here, which
	 * worker_start has checked (borrows_memory). */
	pid_t pid = vfork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		int64_t start_ns = now_ns();
		_exit(w->task->fn(w->arg, start_ns));
	}
	w->pid = pid;
	return 0;
}

/* Not instrumented: AddressSanitizer cannot follow the switch to a stack it did not
 * make, and would warn that false reports may follow. */
__attribute__((no_sanitize("address"))) static int clone_main(void *p)
{
	int64_t start_ns = now_ns();
	struct worker *w = p;
	_exit(w->task->fn(w->arg, start_ns));
}

static int start_clone(struct worker *w)
{
	/* Raw clone with SIGCHLD and no CLONE_VM: a new process with its own copy of the
	 * address space, running on a stack of its own. Since the child gets a copy, the
	 * parent may unmap its stack as soon as clone returns. */
	char *stack = mmap(NULL, CLONE_STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return errno;
	pid_t pid = clone(clone_main, stack + CLONE_STACK_SIZE, SIGCHLD, w);
	int err = errno;
	munmap(stack, CLONE_STACK_SIZE);
	if (pid < 0)
		return err;
	w->pid = pid;
	return 0;
}

/* --- exec workers: all run tvp-helper TASK ARG PAGE_FD ------------------------ */

static int start_posix_spawn(struct worker *w)
{
	pid_t pid;
	int rc = posix_spawn(&pid, w->argv[0], NULL, NULL, w->argv, environ);
	if (rc)
		return rc;
	w->pid = pid;
	return 0;
}

static int start_fork_exec(struct worker *w)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		execve(w->argv[0], w->argv, environ);
		_exit(127);
	}
	w->pid = pid;
	return 0;
}

/* The same as start_fork_exec but for vfork, written out: a vfork child must not return
 * from the function that called vfork, so the two cannot share a helper. */
static int start_vfork_exec(struct worker *w)
{
	pid_t pid = vfork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		execve(w->argv[0], w->argv, environ);
		_exit(127);
	}
	w->pid = pid;
	return 0;
}

static int start_fork_sh(struct worker *w)
{
	/* lmbench's third rung: a shell starts, parses a command line and execs the
	 * helper (exec, so the helper's own exit status or signal reaches the reaper). */
	static const char script[] = "exec \"$0\" \"$@\"";
	char *argv[] = {"sh", "-c", (char *)script, w->argv[0], w->argv[1], w->argv[2],
			w->argv[3], NULL};
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		execve("/bin/sh", argv, environ);
		_exit(127);
	}
	w->pid = pid;
	return 0;
}

/* Waits for a process worker with flags 0 or WNOHANG. Returns 0 with w->exit filled,
 * EBUSY when WNOHANG finds it still running, or an errno value. */
static int wait_process(struct worker *w, int flags)
{
	int status;
	pid_t got;
	memset(&w->exit, 0, sizeof w->exit);
	while ((got = wait4(w->pid, &status, flags, &w->exit.ru)) < 0)
		if (errno != EINTR)
			return errno;
	if (got == 0)
		return EBUSY;
	live_remove(w->pid);
	w->pid = 0;
	w->exit.signaled = WIFSIGNALED(status);
	w->exit.code = w->exit.signaled ? WTERMSIG(status) : WEXITSTATUS(status);
	return 0;
}

static int reap_process(struct worker *w) { return wait_process(w, 0); }

const struct worker_kind worker_kinds[WORKER_NKINDS] = {
	[KIND_PTHREAD] = {.name = "pthread", .mode = MODE_THREAD, .label = "pthread_create",
			  .how = "pthread_create + pthread_join", .start = start_thread,
			  .reap = reap_thread},
	[KIND_FORK] = {.name = "fork", .mode = MODE_PROCESS, .label = "fork",
		       .how = "fork, the child runs the task", .start = start_fork,
		       .reap = reap_process},
	[KIND_VFORK] = {.name = "vfork", .mode = MODE_PROCESS, .label = "vfork",
			.how = "vfork, the child runs a vfork-safe task", .borrows_memory = true,
			.start = start_vfork, .reap = reap_process},
	[KIND_CLONE] = {.name = "clone", .mode = MODE_PROCESS, .label = "clone",
			.how = "raw clone(SIGCHLD) on its own stack, no shared VM",
			.start = start_clone, .reap = reap_process},
	[KIND_POSIX_SPAWN] = {.name = "posix_spawn", .mode = MODE_PROCESS, .label = "posix_spawn",
			      .how = "posix_spawn of the static helper", .execs = true,
			      .start = start_posix_spawn, .reap = reap_process},
	[KIND_FORK_EXEC] = {.name = "fork_exec", .mode = MODE_PROCESS, .label = "fork+exec",
			    .how = "fork + execve of the static helper", .execs = true,
			    .start = start_fork_exec, .reap = reap_process},
	[KIND_VFORK_EXEC] = {.name = "vfork_exec", .mode = MODE_PROCESS, .label = "vfork+exec",
			     .how = "vfork + execve of the static helper", .execs = true,
			     .start = start_vfork_exec, .reap = reap_process},
	[KIND_FORK_SH] = {.name = "fork_sh", .mode = MODE_PROCESS, .label = "fork+sh -c",
			  .how = "fork + /bin/sh -c running the static helper", .execs = true,
			  .start = start_fork_sh, .reap = reap_process},
#ifdef TVP_TEST_EXTRA_KIND
	/* Built only with -DTVP_TEST_EXTRA_KIND: one more row, started exactly as fork,
	 * for the test that a kind added to this table reaches every scenario and table. */
	[KIND_FORK_TWIN] = {.name = "fork_twin", .mode = MODE_PROCESS, .label = "fork (twin)",
			    /* A quote, so the description's JSON must escape one. */
			    .how = "fork, the child runs the task (a \"twin\" test row)",
			    .start = start_fork, .reap = reap_process},
#endif
};
const size_t worker_nkinds = ARRAY_SIZE(worker_kinds);

const char *worker_mode_name(enum worker_mode m)
{
	static const char *const names[WORKER_NMODES] = {
		[MODE_THREAD] = "thread",
		[MODE_PROCESS] = "process",
	};
	return (unsigned)m < WORKER_NMODES ? names[m] : "?";
}

const struct worker_kind *worker_kind_find(const char *name)
{
	for (size_t i = 0; i < worker_nkinds; i++)
		if (strcmp(worker_kinds[i].name, name) == 0)
			return &worker_kinds[i];
	return NULL;
}

bool worker_can_run(const struct worker_kind *k, const struct task *t)
{
	if (k->execs)
		return t->exec;
	if (k->borrows_memory)
		return t->vfork_safe;
	return true;
}

const char *worker_refusal_str(const struct worker_kind *k, const struct task *t, char *buf,
			       size_t size)
{
	if (worker_can_run(k, t))
		snprintf(buf, size, "%s", "");
	else if (k->execs)
		snprintf(buf, size, "%s cannot run task %s: it execs tvp-helper, and the task "
			 "needs this program's memory", k->name, t->name);
	else
		snprintf(buf, size, "%s cannot run task %s: the child borrows the parent's memory "
			 "and may run only a vfork-safe task", k->name, t->name);
	return buf;
}

static char helper_path[PATH_MAX];

void worker_set_helper_path(const char *path)
{
	snprintf(helper_path, sizeof helper_path, "%s", path ? path : "");
}

const char *worker_helper_path(void)
{
	char *path = helper_path;
	if (path[0])
		return path;
	const char *env = getenv("TVP_HELPER");
	if (env && *env) {
		snprintf(path, sizeof helper_path, "%s", env);
		return path;
	}
	ssize_t n = readlink("/proc/self/exe", path, sizeof helper_path - 1);
	if (n < 0) {
		snprintf(path, sizeof helper_path, "tvp-helper");
		return path;
	}
	path[n] = '\0';
	char *slash = strrchr(path, '/');
	snprintf(slash + 1, sizeof helper_path - (size_t)(slash + 1 - path), "tvp-helper");
	return path;
}

int worker_start(struct worker *w, const struct worker_kind *k, const struct task *t,
		 long arg, const cpu_set_t *affinity)
{
	memset(w, 0, sizeof *w);
	w->kind = k;
	w->task = t;
	w->arg = arg;
	if (!worker_can_run(k, t))
		return EINVAL;
	if (k->execs) {
		snprintf(w->argbuf[0], sizeof w->argbuf[0], "%ld", arg);
		snprintf(w->argbuf[1], sizeof w->argbuf[1], "%d", task_page_fd());
		w->argv[0] = (char *)worker_helper_path();
		w->argv[1] = (char *)t->name;
		w->argv[2] = w->argbuf[0];
		w->argv[3] = w->argbuf[1];
		w->argv[4] = NULL;
	}

	/* A new thread or process inherits the creating thread's CPU set: set it for the
	 * moment of creation, then put ours back (will-it-scale pins the same way). */
	cpu_set_t saved;
	if (affinity) {
		if (sched_getaffinity(0, sizeof saved, &saved) != 0)
			return errno;
		if (sched_setaffinity(0, sizeof *affinity, affinity) != 0)
			return errno;
	}
	int rc = k->start(w);
	if (rc == 0 && w->pid > 0)
		live_add(w->pid);
	/* The worker, if it started, is the caller's to reap whatever happens here. */
	if (affinity && sched_setaffinity(0, sizeof saved, &saved) != 0)
		warn(errno, "sched_setaffinity (restoring the caller's CPU set)");
	return rc;
}

int worker_reap(struct worker *w) { return w->kind->reap(w); }

int worker_try_reap(struct worker *w)
{
	if (w->kind->mode == MODE_THREAD)
		return join_thread(w, false);
	return wait_process(w, WNOHANG);
}

int worker_stop(struct worker *w)
{
	if (w->kind->mode == MODE_THREAD)
		return pthread_cancel(w->thread);
	return kill(w->pid, SIGKILL) == 0 ? 0 : errno;
}

const char *worker_error_str(int err, char *buf, size_t size)
{
	struct rlimit rl;
	struct cg_limits l;
	/* A pids cgroup at its limit (a container's --pids-limit) is what refused: name it
	 * rather than an RLIMIT_NPROC that root is exempt from anyway. */
	if (err == EAGAIN && limits_read(&l) == 0 && l.pids.max >= 0 &&
	    l.pids.current >= l.pids.max - 1)
		snprintf(buf, size, "%s (pids.max %lld of cgroup %s, %lld in use)", strerror(err),
			 l.pids.max, l.pids.dir, l.pids.current);
	else if (err == EAGAIN && getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		snprintf(buf, size, "%s (RLIMIT_NPROC %llu)", strerror(err),
			 (unsigned long long)rl.rlim_cur);
	else
		snprintf(buf, size, "%s", strerror(err));
	return buf;
}

const char *worker_exit_str(const struct worker_exit *ex, char *buf, size_t size)
{
	if (ex->signaled) {
		const char *abbrev = sigabbrev_np(ex->code);
		snprintf(buf, size, "signal SIG%s", abbrev ? abbrev : "?");
	} else {
		snprintf(buf, size, "exit %d", ex->code);
	}
	return buf;
}
