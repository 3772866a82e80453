/* minimal.h - a minimal parent: tvp-helper serving commands over a pipe.
 *
 * tvp-bench is a fat parent: it carries libstdc++, Google Benchmark and hwloc's topology,
 * and fork copies the page tables of all of it (its fork round trip is 1.3-2.2x that of a
 * small C program's). To show what creating a worker costs without the harness's own
 * address space, the creation and footprint scenarios also ask a small static program
 * to create their workers: tvp-helper started with the task "serve". It reads one
 * command a line from a pipe, creates the workers itself, takes the time itself with
 * CLOCK_MONOTONIC around exactly what tvp-bench would have timed, and writes the result
 * back a line. tvp-bench reports that time as the iteration's manual time: the pipe's
 * own round trip is outside what is timed.
 *
 * Commands (one line each) and replies:
 *   create KIND TASK    start a worker of KIND running TASK (exit or stamp), reap it:
 *                       "ok NS CPU_NS MINFLT SIGNALED CODE"; NS is the round trip, or
 *                       for stamp the create call to the stamp the worker wrote
 *   park KIND N         start N parked workers (park.h) and wait until all are in:
 *                       "ok NS STARTED PID..." (pids of process workers; none for
 *                       threads), or "err ERRNO STARTED why"; release must follow
 *   release             release and reap the parked workers: "ok BAD"
 *   ping                "ok": the server is up, its exec done (minimal_start waits for
 *                       it, so what is read of the server afterwards is the server's)
 * An error of a command is "err ERRNO why". End of file on the command pipe ends the
 * server. The server dies with tvp-bench (tie_to_owner), and its workers with it.
 */
#ifndef TVP_MINIMAL_H
#define TVP_MINIMAL_H

#include "worker.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What tvp-helper runs when started with it; its argument carries the two pipes. */
extern const struct task task_serve;

struct minimal {
	struct worker w;     /* the server, a posix_spawn worker: reaped by minimal_stop */
	int cmd, rep;        /* our ends: commands out, replies in */
	char why[256];       /* the last error, in words ("park: fork ...: Resource ...") */
};

/* Starts a server and waits for its first answer. Returns 0 or an errno value (m->why
 * says which call failed; the server is reaped then). The task page must be open: the
 * server maps it as every helper does. */
int minimal_start(struct minimal *m);
/* Ends the server (end of file on its pipe) and reaps it. Returns 0, or an errno value
 * (EPROTO when it ended other than with exit 0). */
int minimal_stop(struct minimal *m);

struct minimal_trip {
	int64_t ns;          /* round trip, or create call to the worker's stamp */
	double cpu_ns;       /* the child's user+system time (wait4), 0 for a thread */
	double minflt;
	struct worker_exit exit;
};
/* One worker of kind k running t (task_exit or task_stamp) created and reaped by the
 * server. Returns 0 or an errno value (m->why). */
int minimal_create(struct minimal *m, const struct worker_kind *k, const struct task *t,
		   struct minimal_trip *trip);

struct minimal_park {
	int64_t ns;          /* from the first start to the last worker counted in */
	size_t started;
	pid_t *pids;         /* started pids of process workers (malloc'd), NULL for threads */
};
/* n parked workers of kind k in the server. Returns 0 or an errno value (m->why);
 * either way minimal_release must follow (the server holds what it started). */
int minimal_park(struct minimal *m, const struct worker_kind *k, size_t n,
		 struct minimal_park *p);
/* Releases and reaps them; *bad is how many ended other than with exit 0. Frees
 * p->pids. Returns 0 or an errno value. */
int minimal_release(struct minimal *m, struct minimal_park *p, size_t *bad);

#endif
