/* gate.h - the start gate: a pipe that holds workers until one write releases them all
 * (will-it-scale's). Each worker reads one byte; the opener writes one per worker.
 *
 * A worker process waits at the gate for its opener, so it must not outlive it: before
 * it waits it joins the gate (gate_join), which ties it to the opener and closes the
 * write end it inherited, so that an opener's death kills it, and a gate nobody can
 * write to any more reads as end of file rather than holding it for ever.
 */
#ifndef TVP_GATE_H
#define TVP_GATE_H

#include <stddef.h>
#include <sys/types.h>

struct gate {
	int fd[2];
	pid_t opener;       /* the process that opened it, and releases it */
};

/* Returns 0 or an errno value. The descriptors survive exec, so helpers can wait. */
int gate_open(struct gate *g);

/* The gate as one task argument, and back: a worker started by exec has only that. */
long gate_arg(const struct gate *g);
struct gate gate_from_arg(long arg);

/* In a worker, before it waits. A process of its own (not a thread of the opener) is
 * tied to the opener (tie_to_owner) and closes the write end it inherited; a thread
 * leaves both as they are, since they are the opener's own. Returns 0, or ESRCH when
 * the opener is already gone: the worker must leave. A system call or two: do it
 * outside what is timed. */
int gate_join(struct gate *g);

/* Blocks on the read end until a byte comes. Returns 0, or an errno value (EPIPE at
 * end of file: the opener and every other writer are gone). */
int gate_wait(const struct gate *g);
/* Lets n workers through. */
void gate_release(struct gate *g, size_t n);
void gate_close(struct gate *g);

#endif
