/* gate.c - the pipe start gate. */
#include "gate.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int gate_open(struct gate *g)
{
	g->fd[0] = g->fd[1] = -1;
	return pipe(g->fd) == 0 ? 0 : errno;
}

int gate_wait(int fd)
{
	char c;
	ssize_t n;
	while ((n = read(fd, &c, 1)) < 0 && errno == EINTR) {
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
