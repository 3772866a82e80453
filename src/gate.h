/* gate.h - the start gate: a pipe that holds workers until one write releases them all
 * (will-it-scale's). Each worker reads one byte; the opener writes one per worker, so
 * the gate works whether or not the workers hold the write end too. */
#ifndef TVP_GATE_H
#define TVP_GATE_H

#include <stddef.h>

struct gate {
	int fd[2];
};

/* Returns 0 or an errno value. The descriptors survive exec, so helpers can wait. */
int gate_open(struct gate *g);
/* Blocks on read end fd until a byte comes. Returns 0, or an errno value (EPIPE at EOF). */
int gate_wait(int fd);
/* Lets n workers through. */
void gate_release(struct gate *g, size_t n);
void gate_close(struct gate *g);

#endif
