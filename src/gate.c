/* gate.c - the pipe start gate. */
#include "gate.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* The three fit one 64-bit argument: descriptors below 2^21 (the kernel's nr_open is
 * 2^20 by default), a pid below 2^22 (PID_MAX_LIMIT). */
#define FD_BITS 21
#define FD_MASK ((1ULL << FD_BITS) - 1)

int gate_open(struct gate *g)
{
	g->fd[0] = g->fd[1] = -1;
	g->opener = getpid();
	if (pipe(g->fd) != 0)
		return errno;
	if ((uint64_t)g->fd[0] > FD_MASK || (uint64_t)g->fd[1] > FD_MASK) {
		gate_close(g);
		return EMFILE;
	}
	return 0;
}

long gate_arg(const struct gate *g)
{
	return (long)((uint64_t)g->fd[0] | (uint64_t)g->fd[1] << FD_BITS |
		      (uint64_t)g->opener << (2 * FD_BITS));
}

struct gate gate_from_arg(long arg)
{
	uint64_t v = (uint64_t)arg;
	return (struct gate){.fd = {(int)(v & FD_MASK), (int)(v >> FD_BITS & FD_MASK)},
			     .opener = (pid_t)(v >> (2 * FD_BITS))};
}

int gate_join(struct gate *g)
{
	if (getpid() == g->opener)
		return 0;
	if (!tie_to_owner(g->opener))
		return ESRCH;
	if (g->fd[1] >= 0)
		close(g->fd[1]);
	g->fd[1] = -1;
	return 0;
}

int gate_wait(const struct gate *g)
{
	char c;
	ssize_t n;
	while ((n = read(g->fd[0], &c, 1)) < 0 && errno == EINTR) {
	}
	return n == 1 ? 0 : n == 0 ? EPIPE : errno;
}

void gate_release(struct gate *g, size_t n)
{
	char ones[4096];
	memset(ones, 1, sizeof ones);
	/* The pipe holds 64 KiB, and readers drain it while we write. */
	while (n > 0 && g->fd[1] >= 0) {
		ssize_t w = write(g->fd[1], ones, n < sizeof ones ? n : sizeof ones);
		if (w < 0 && errno != EINTR)
			break;
		if (w > 0)
			n -= (size_t)w;
	}
}

void gate_close(struct gate *g)
{
	for (int i = 0; i < 2; i++)
		if (g->fd[i] >= 0)
			close(g->fd[i]);
	g->fd[0] = g->fd[1] = -1;
}
