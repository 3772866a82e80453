/* pool.c - worker pools against a worker per task; what a caller sees when a task fails;
 * what a crash or a stray write does to the others (claims C5, C6, C7).
 *
 *   pool/pool/MODE/measure:throughput/kind:KIND/task_ns:T/workers:W
 *       a pool of W workers (KIND fork or pthread) runs busy tasks of T ns
 *   pool/per_task/MODE/measure:throughput/kind:KIND/task_ns:T/workers:W
 *       one fresh worker per task, W at a time (KIND fork, pthread, or posix_spawn of
 *       tvp-helper)
 *   pool/pool/MODE/measure:notes/kind:KIND
 *       the notes' Pool(3): 10 tasks sleeping a seeded random 0-30 ms (the same sleeps as
 *       Python's Pool(3) in bench/py_bench.py); each repetition's own schedule
 *   pool/pool/MODE/measure:fault/kind:KIND/failure:FAILURE
 *       a task that returns an error, calls exit(3), writes where it may not, aborts, or
 *       hangs past the timeout (src/pool_tasks.h); then one more task
 *   pool/pool/MODE/measure:scribble/kind:KIND
 *       a task writes over memory that is not its own; is the pool's owner's copy intact?
 * Timed (manual time): one iteration is a batch of 4 x W tasks (at most 256), submitted
 * at once, from the first submit to the last result; us_per_task divides by the batch.
 * Thread pools meet exit, SIGSEGV and abort inside a sacrificial child, so the run
 * survives.
 *
 * Counted, so the notes' "a pool reuses its workers" is a measurement: distinct_workers,
 * the distinct kernel ids (gettid: a thread's own id, a process's pid) of the workers
 * that ran the tasks of one repetition, against tasks, the tasks it ran; and for pools
 * tasks_submitted, tasks_started (times a worker took a task) and tasks_run_twice.
 * pid_max may be as low as 32768 and ids wrap; a repetition starts far fewer workers.
 */
#include "common.h"
#include "pool_bench.h"
#include "pool.h"
#include "pool_tasks.h"
#include "scenario.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const long quick_task_ns[] = {0, 1000, 10000, 100000, 1000000};

/* --- throughput ----------------------------------------------------------------------- */

#define MAX_BATCH 256

/* The kernel ids of the workers that ran a repetition's tasks, all of them, counted
 * after the timing. */
struct ids {
	pid_t *v;
	size_t n, cap;
};

static int ids_add(struct ids *s, const pid_t *v, size_t n)
{
	if (s->n + n > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		while (cap < s->n + n)
			cap *= 2;
		pid_t *grown = realloc(s->v, cap * sizeof *grown);
		if (!grown)
			return ENOMEM;
		s->v = grown;
		s->cap = cap;
	}
	memcpy(s->v + s->n, v, n * sizeof *v);
	s->n += n;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* How many distinct ids; sorts them. An id of 0 (no worker said who it was) is not one. */
static size_t ids_distinct(struct ids *s)
{
	if (s->n == 0)
		return 0; /* nothing ran (a skipped benchmark): no array to sort */
	qsort(s->v, s->n, sizeof *s->v, cmp_pid);
	size_t d = 0;
	for (size_t i = 0; i < s->n; i++)
		d += s->v[i] != 0 && (i == 0 || s->v[i] != s->v[i - 1]);
	return d;
}

/* batch tasks, each on a worker of its own, w at a time. Workers that run in this image
 * write their kernel id into who[] (shared memory: a forked worker writes the parent's
 * page); an exec-based worker's id is the pid its starter got. */
static int per_task_batch(const struct worker_kind *k, unsigned w, unsigned batch, int64_t ns,
			  struct pool_who *who, pid_t *tids)
{
	struct worker *ws = calloc(w, sizeof *ws);
	int err = ws ? 0 : ENOMEM;
	for (unsigned done = 0; !err && done < batch; done += w) {
		unsigned started = 0;
		for (; started < w && done + started < batch && !err; started++) {
			struct pool_who *me = &who[done + started];
			*me = (struct pool_who){.ns = ns};
			err = k->execs ? worker_start(&ws[started], k, &task_busy, ns, NULL)
				       : worker_start(&ws[started], k, &task_busy_who, (long)me, NULL);
		}
		if (err)
			started--;
		for (unsigned i = 0; i < started; i++) {
			pid_t pid = ws[i].pid; /* taken before the reap clears it */
			worker_reap(&ws[i]);
			tids[done + i] = k->execs ? pid
						  : __atomic_load_n(&who[done + i].tid, __ATOMIC_ACQUIRE);
		}
	}
	free(ws);
	return err;
}

static int pool_batch(struct pool *p, unsigned batch, int64_t ns, pid_t *tids, unsigned *twice)
{
	unsigned h[MAX_BATCH];
	for (unsigned i = 0; i < batch; i++) {
		int err = pool_submit(p, pool_task_busy, ns, &h[i]);
		if (err)
			return err;
	}
	for (unsigned i = 0; i < batch; i++) {
		struct pool_result r;
		int err = pool_wait(p, h[i], &r);
		if (err)
			return err;
		if (r.status != POOL_OK)
			return EIO;
		tids[i] = r.tid;
		*twice += r.runs > 1;
	}
	return 0;
}

static void run_throughput(gb_state *st, const void *data)
{
	const struct pool_case *c = data;
	int64_t ns = gb_range(st, 0);
	unsigned w = (unsigned)gb_range(st, 1), batch = 4 * w > MAX_BATCH ? MAX_BATCH : 4 * w;
	struct pool *p = NULL;
	if (c->way == POOL_WAY && !(p = pool_create(c->kind, w, NULL))) {
		skip_start_error(st, c->kind, errno);
		return;
	}
	/* Shared, so a forked per-task worker's write reaches this process. */
	struct pool_who *who = mmap(NULL, MAX_BATCH * sizeof *who, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (who == MAP_FAILED) {
		gb_skip(st, "mmap: %s", strerror(errno));
		pool_destroy(p);
		return;
	}
	struct ids seen = {0};
	pid_t tids[MAX_BATCH];
	unsigned twice = 0;
	int64_t total_ns = 0;
	while (gb_keep_running(st)) {
		int64_t t0 = now_ns();
		int err = p ? pool_batch(p, batch, ns, tids, &twice)
			    : per_task_batch(c->kind, w, batch, ns, who, tids);
		int64_t t1 = now_ns();
		if (!err)
			err = ids_add(&seen, tids, batch);
		if (err) {
			skip_start_error(st, c->kind, err);
			break;
		}
		total_ns += t1 - t0;
		gb_set_iteration_time(st, (double)(t1 - t0) * 1e-9);
	}
	double tasks = (double)gb_iterations(st) * batch;
	if (tasks > 0) {
		/* The time per task beyond the task's own work spread over the CPUs the
		 * workers can use: what the pool (or making a worker) costs per task. */
		unsigned cpus = pin_npus() < w ? pin_npus() : w;
		double us = (double)total_ns / 1e3 / tasks;
		gb_counter(st, "us_per_task", us, 0);
		gb_counter(st, "overhead_us_per_task", us - (double)ns / 1e3 / (cpus ? cpus : 1), 0);
		gb_counter(st, "tasks", tasks, 0);
		gb_counter(st, "distinct_workers", (double)ids_distinct(&seen), 0);
	}
	if (p) {
		struct pool_counts n;
		pool_counts(p, &n);
		/* The whole benchmark call: the pool outlives the iterations. */
		gb_counter(st, "tasks_submitted", (double)n.submitted, 0);
		gb_counter(st, "tasks_started", (double)n.started, 0);
		gb_counter(st, "tasks_run_twice", twice, 0);
		gb_counter(st, "workers_created", n.workers_created, 0);
		pool_close(p);
		pool_join(p);
		pool_destroy(p);
	}
	free(seen.v);
	munmap(who, MAX_BATCH * sizeof *who);
	gb_set_items_processed(st, gb_iterations(st) * batch);
}

/* --- the notes' Pool(3) --------------------------------------------------------------- */

/* Numbers the workers that ran the tasks by first appearance, in task order (the worker
 * of task 0 is 0, the next new one 1, ...), as Python's Pool(3) numbers its pids, so the
 * two schedules are drawn alike. Returns how many distinct workers there were. */
static int number_workers(const struct pool_result *r, int n, int *lane)
{
	pid_t seen[POOL_NOTES_TASKS];
	int distinct = 0;
	for (int i = 0; i < n; i++) {
		lane[i] = -1;
		for (int j = 0; j < distinct; j++)
			if (seen[j] == r[i].tid)
				lane[i] = j;
		if (lane[i] < 0 && r[i].tid) {
			seen[distinct] = r[i].tid;
			lane[i] = distinct++;
		}
	}
	return distinct;
}

static void run_notes(gb_state *st, const void *data)
{
	const struct pool_case *c = data;
	enum { TASKS = POOL_NOTES_TASKS, WORKERS = POOL_NOTES_WORKERS };
	struct pool_result r[TASKS];
	int64_t sleep_ns[TASKS], t0 = 0, sum = 0, longest = 0;
	int64_t created[WORKERS], up[WORKERS];
	struct pool_counts n = {0};
	/* random.random() * 3 s in the notes; 0-30 ms here from the generator Python's
	 * Pool(3) shares, so every run, C or Python, draws the same ten sleeps. */
	pool_notes_sleeps(POOL_NOTES_SEED, TASKS, sleep_ns);
	for (int i = 0; i < TASKS; i++) {
		sum += sleep_ns[i];
		longest = sleep_ns[i] > longest ? sleep_ns[i] : longest;
	}
	while (gb_keep_running(st)) {
		struct pool *p = pool_create(c->kind, WORKERS, NULL);
		if (!p) {
			skip_start_error(st, c->kind, errno);
			return;
		}
		unsigned h[TASKS];
		t0 = now_ns();
		for (int i = 0; i < TASKS; i++) {
			int err = pool_submit(p, pool_task_sleep, sleep_ns[i], &h[i]);
			if (err) {
				gb_skip(st, "pool_submit: %s", strerror(err));
				pool_destroy(p);
				return;
			}
		}
		pool_close(p);
		pool_join(p); /* as the notes do: close, then join */
		int64_t t1 = now_ns();
		for (int i = 0; i < TASKS; i++)
			pool_wait(p, h[i], &r[i]);
		for (int j = 0; j < WORKERS; j++) {
			created[j] = pool_worker_created_ns(p, j);
			up[j] = pool_worker_up_ns(p, j);
		}
		pool_counts(p, &n);
		pool_destroy(p);
		gb_set_iteration_time(st, (double)(t1 - t0) * 1e-9);
	}
	/* The fair ideal: the same in-order hand-out with no overhead; and the bound that
	 * no schedule, in order or not, can beat. */
	gb_counter(st, "ideal_ms", (double)pool_greedy_ns(sleep_ns, TASKS, WORKERS, NULL, NULL) / 1e6,
		   0);
	gb_counter(st, "bound_ms", (double)(sum / WORKERS > longest ? sum / WORKERS : longest) / 1e6,
		   0);
	int lane[TASKS], twice = 0;
	gb_counter(st, "distinct_workers", number_workers(r, TASKS, lane), 0);
	char name[32];
	for (int i = 0; i < TASKS; i++) {
		snprintf(name, sizeof name, "task%d_worker", i);
		gb_counter(st, name, lane[i], 0);
		snprintf(name, sizeof name, "task%d_sleep_ms", i);
		gb_counter(st, name, (double)sleep_ns[i] / 1e6, 0);
		snprintf(name, sizeof name, "task%d_start_ms", i);
		gb_counter(st, name, (double)(r[i].start_ns - t0) / 1e6, 0);
		snprintf(name, sizeof name, "task%d_end_ms", i);
		gb_counter(st, name, (double)(r[i].end_ns - t0) / 1e6, 0);
		twice += r[i].runs > 1;
	}
	/* When the workers began, against the first submit (negative: before it). The
	 * notes say a worker is made when a task comes and the pool is not full; this pool
	 * makes all of them in pool_create. */
	int made = 0, ready = 0;
	for (int j = 0; j < WORKERS; j++) {
		snprintf(name, sizeof name, "worker%d_up_ms", j);
		gb_counter(st, name, (double)(up[j] - t0) / 1e6, 0);
		made += created[j] < t0;
		ready += up[j] && up[j] < t0;
	}
	gb_counter(st, "workers_created_before_submit", made, 0);
	gb_counter(st, "workers_up_before_submit", ready, 0);
	gb_counter(st, "workers_created", n.workers_created, 0);
	gb_counter(st, "tasks_submitted", (double)n.submitted, 0);
	gb_counter(st, "tasks_started", (double)n.started, 0);
	gb_counter(st, "tasks_run_twice", twice, 0);
}

/* --- registration --------------------------------------------------------------------- */

/* Registers a row of the pool scenario: the family's own fields in row, the case here. */
static struct bench *add(struct bench_row row, enum way way, enum worker_kind_id kind,
			 enum pool_failure_id failure)
{
	struct pool_case c = {way, &worker_kinds[kind], failure};
	row.scenario = &scenario_pool;
	row.variant = way == POOL_WAY ? "pool" : "per_task";
	row.kind = c.kind;
	row.data = &c;
	row.data_size = sizeof c;
	row.time = BENCH_MANUAL_TIME;
	return bench_register(&row);
}

static void register_all(const struct suite_opts *opts)
{
	unsigned npus = pin_npus();
	long ws[] = {1, npus, 2 * npus};
	size_t nws = opts->profile == PROFILE_FULL || npus > 1 ? 3 : 2;
	static const struct {
		enum way way;
		enum worker_kind_id kind;
	} ways[] = {
		{POOL_WAY, KIND_FORK},
		{POOL_WAY, KIND_PTHREAD},
		{PER_TASK, KIND_FORK},
		{PER_TASK, KIND_PTHREAD},
		{PER_TASK, KIND_POSIX_SPAWN},
	};
	for (size_t i = 0; i < ARRAY_SIZE(ways); i++) {
		struct bench *b = add((struct bench_row){.measure = "throughput",
							 .arg_names = {"task_ns", "workers"},
							 .fn = run_throughput, .unit = GB_US},
				      ways[i].way, ways[i].kind, 0);
		for (size_t t = 0; t < ARRAY_SIZE(quick_task_ns); t++)
			for (size_t w = 0; w < nws; w++)
				if (w == 0 || ws[w] != ws[w - 1])
					bench_args2(b, quick_task_ns[t], ws[w]);
	}
	static const enum worker_kind_id kinds[] = {KIND_FORK, KIND_PTHREAD};
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		add((struct bench_row){.measure = "notes", .fn = run_notes, .unit = GB_MS,
				       .iterations = 1},
		    POOL_WAY, kinds[k], 0);
		for (int f = 0; f < POOL_NFAILURES; f++)
			add((struct bench_row){.measure = "fault",
					       .fixed = {{"failure", pool_failures[f].name}},
					       .fn = poolb_fault, .unit = GB_MS, .iterations = 1},
			    POOL_WAY, kinds[k], (enum pool_failure_id)f);
		add((struct bench_row){.measure = "scribble", .fn = poolb_scribble, .unit = GB_NS,
				       .iterations = 1},
		    POOL_WAY, kinds[k], 0);
	}
}

const struct scenario scenario_pool = {
	.name = "pool",
	.desc = "pools against a worker per task, failures, isolation (C5, C6, C7)",
	.register_all = register_all,
	.families = {
		{"throughput", "batches of busy tasks through a pool, or a fresh worker per "
			       "task, from the first submit to the last result"},
		{"notes", "the notes' Pool(3): ten random sleeps on three workers, and the "
			  "schedule"},
		{"fault", "a task that fails in one way, then one more task: what the caller "
			  "sees, and whether the pool survives"},
		{"scribble", "a task writes over memory that is not its own: is the owner's "
			     "copy intact?"},
	},
};
