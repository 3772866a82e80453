/* pool_faults.c - the pool scenario's failure rows (pool_bench.h): what a caller sees
 * when a task fails, and whether a crash or a stray write reaches the others (C6, C7);
 * bench/pool.c's opening comment names the rows. */
#include "pool_bench.h"
#include "pool.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TIMEOUT_NS 50000000 /* 50 ms */

/* In the pool of kind k: three slow tasks in flight, then the failing one, then one more
 * task to show whether the pool still works. Fills what the caller saw. */
struct outcome {
	struct pool_result failed;
	int lost;             /* of the three others, how many returned no result */
	int next_ok;          /* the task after the failure ran */
	int64_t replace_ns;
	int64_t recover_ns;   /* from the failure's result to the next task's */
	struct pool_counts n; /* five submitted: are five taken, none twice? */
	int twice;            /* tasks a worker took more than once */
};

static int fault_in_pool(const struct worker_kind *k, const struct pool_failure *f,
			 struct outcome *o)
{
	struct pool_opts opts = {.task_timeout_ns = TIMEOUT_NS};
	struct pool *p = pool_create(k, 4, &opts);
	if (!p)
		return errno;
	unsigned others[3], bad, next;
	for (int i = 0; i < 3; i++)
		pool_submit(p, pool_task_sleep, 20000000, &others[i]);
	pool_submit(p, f->fn, f->arg, &bad);
	pool_wait(p, bad, &o->failed);
	int64_t t_failed = now_ns();
	pool_submit(p, pool_task_busy, 0, &next);
	struct pool_result r;
	pool_wait(p, next, &r);
	o->recover_ns = now_ns() - t_failed;
	o->next_ok = r.status == POOL_OK;
	o->twice = (o->failed.runs > 1) + (r.runs > 1);
	o->lost = 0;
	for (int i = 0; i < 3; i++) {
		o->lost += pool_wait(p, others[i], &r) != 0 || r.status != POOL_OK;
		o->twice += r.runs > 1;
	}
	pool_replacements(p, &o->replace_ns);
	pool_counts(p, &o->n);
	pool_close(p);
	pool_join(p);
	pool_destroy(p);
	return 0;
}

void poolb_fault(gb_state *st, const void *data)
{
	const struct pool_case *c = data;
	const struct pool_failure *f = &pool_failures[c->failure];
	bool threads = c->kind->mode == MODE_THREAD;
	struct outcome o = {0};
	int survived = 1;
	char what[128] = "";
	while (gb_keep_running(st)) {
		int64_t t0 = now_ns();
		if (threads && f->kills_process) {
			/* A sacrificial child holds the thread pool: what it dies of is what a
			 * program with a thread pool dies of. */
			fflush(NULL);
			pid_t pid = fork();
			if (pid == 0) {
				/* A sanitizer build catches SIGSEGV to print a report, and in
				 * this child its report waits for ever on its symbolizer; the
				 * default action is what a program with a thread pool dies of. */
				signal(SIGSEGV, SIG_DFL);
				struct outcome mine;
				_exit(fault_in_pool(c->kind, f, &mine) == 0 ? 0 : 100);
			}
			int status = 0;
			waitpid(pid, &status, 0);
			survived = !(WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status)));
			o.lost = 3;
			const char *sig = WIFSIGNALED(status) ? sigabbrev_np(WTERMSIG(status)) : NULL;
			if (WIFSIGNALED(status))
				snprintf(what, sizeof what, "[[\"process_killed\",\"SIG%s\"],"
					 "[\"lost\",%d]]", sig ? sig : "?", o.lost);
			else
				snprintf(what, sizeof what, "[[\"process_exited\",%d],[\"lost\",%d]]",
					 WEXITSTATUS(status), o.lost);
			o.next_ok = 0;
		} else {
			int err = fault_in_pool(c->kind, f, &o);
			if (err) {
				skip_start_error(st, c->kind, err);
				return;
			}
			char clause[96];
			snprintf(what, sizeof what, "[%s]",
				 pool_outcome(&o.failed, clause, sizeof clause));
			survived = o.next_ok;
		}
		gb_set_iteration_time(st, (double)(now_ns() - t0) * 1e-9);
	}
	gb_set_label(st, what);
	gb_counter(st, "pool_survived", survived, 0);
	gb_counter(st, "results_lost", o.lost, 0);
	gb_counter(st, "seen_status", survived ? (double)o.failed.status : -1.0, 0);
	gb_counter(st, "replacement_us", (double)o.replace_ns / 1e3, 0);
	gb_counter(st, "recover_us", survived ? (double)o.recover_ns / 1e3 : 0, 0);
	if (!(threads && f->kills_process)) {
		/* Where the caller lives to count: a process that died counts nothing. */
		gb_counter(st, "tasks_submitted", (double)o.n.submitted, 0);
		gb_counter(st, "tasks_started", (double)o.n.started, 0);
		gb_counter(st, "tasks_run_twice", o.twice, 0);
	}
}

void poolb_scribble(gb_state *st, const void *data)
{
	const struct pool_case *c = data;
	int intact = 0;
	while (gb_keep_running(st)) {
		pool_victim_fill();
		struct pool *p = pool_create(c->kind, 2, NULL);
		if (!p) {
			skip_start_error(st, c->kind, errno);
			return;
		}
		unsigned h;
		struct pool_result r;
		pool_submit(p, pool_task_scribble, 0, &h);
		pool_wait(p, h, &r);
		intact = pool_victim_intact();
		pool_close(p);
		pool_join(p);
		pool_destroy(p);
		gb_set_iteration_time(st, 1e-6);
	}
	gb_counter(st, "owner_data_intact", intact, 0);
	gb_set_label(st, intact ? "[[\"owner_intact\"]]" : "[[\"owner_overwritten\"]]");
}
