/* park.h - many workers at once, parked at a start gate.
 *
 * Starts n workers of one kind, each of which counts itself in on the task page and
 * then blocks reading one byte from a pipe (will-it-scale's start gate). The caller can
 * look at the system while they all exist, then release and reap them all. A limit hit
 * on the way (EAGAIN at RLIMIT_NPROC or threads-max) stops the starting, never the
 * program: what was started is still released and reaped.
 */
#ifndef TVP_PARK_H
#define TVP_PARK_H

#include "gate.h"
#include "worker.h"

#include <stddef.h>

struct park {
	struct worker *workers;
	size_t n;           /* asked for */
	size_t started;     /* actually started */
	int err;            /* errno that stopped the starting, or 0 */
	struct gate gate;
};

/* Starts up to n parked workers. Returns 0 when all started, else the errno value that
 * stopped it (p->started says how many run). Always call park_release afterwards. The
 * task page must be open. A worker process joins the gate (gate.h) before it counts
 * itself in: it dies with this process, so none outlives a killed owner. */
int park_start(struct park *p, const struct worker_kind *k, size_t n);

/* Waits until every started worker has counted itself in. Returns 0, or ETIMEDOUT. */
int park_wait(struct park *p, int timeout_ms);

/* Opens the gate for every started worker and reaps them all. Returns how many ended
 * other than with exit code 0. */
size_t park_release(struct park *p);

/* A one-line reason for p->err: "fork, the child runs the task: Resource temporarily
 * unavailable after 57 of 100 workers (RLIMIT_NPROC 60)". */
const char *park_error_str(const struct park *p, char *buf, size_t size);

#endif
