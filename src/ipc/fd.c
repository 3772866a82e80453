/* fd.c - the descriptor-based transports: a pipe each way, a UNIX socketpair (stream or
 * seqpacket), and TCP over loopback. The peer's ends are inherited descriptors; the
 * description is their numbers (TCP: the port the peer connects to). */
#include "ipc/ipc.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Which descriptor a side reads or writes for a direction. */
static int fd_for(const struct ipc_chan *c, int dir, bool writing)
{
	bool parent = c->side == 0;
	/* up: peer writes [3], parent reads [0]; down: parent writes [1], peer reads [2]. */
	if (dir == IPC_UP)
		return parent ? c->fd[0] : c->fd[3];
	(void)writing;
	return parent ? c->fd[1] : c->fd[2];
}

static int stream_send(struct ipc_chan *c, int dir, const void *buf)
{
	return ipc_write_all(fd_for(c, dir, true), buf, c->msg_size);
}

static int stream_recv(struct ipc_chan *c, int dir, void *buf)
{
	return ipc_read_all(fd_for(c, dir, false), buf, c->msg_size);
}

static void describe_fds(const struct ipc_chan *c, char *buf, size_t size)
{
	snprintf(buf, size, "%d,%d", c->fd[2], c->fd[3]);
}

static int attach_fds(struct ipc_chan *c, const char *desc)
{
	if (sscanf(desc, "%d,%d", &c->fd[2], &c->fd[3]) != 2)
		return EINVAL;
	return 0;
}

/* The parent closes everything it still holds. A peer closes only what it opened
 * itself (its TCP socket): the descriptors it was handed are the parent's own when the
 * peer is a thread, and die with it when the peer is a process. */
static void close_side(struct ipc_chan *c)
{
	if (c->side == 0 || c->peer_opened)
		ipc_close_fds(c);
	for (int i = 0; i < 4; i++)
		c->fd[i] = -1;
}

/* --- pipe ----------------------------------------------------------------------- */

static int pipe_create(struct ipc_chan *c, char *reason, size_t reason_size)
{
	(void)reason;
	(void)reason_size;
	int up[2], down[2];
	if (pipe(up) != 0)
		return errno;
	if (pipe(down) != 0) {
		int err = errno;
		close(up[0]);
		close(up[1]);
		return err;
	}
	c->fd[0] = up[0];
	c->fd[3] = up[1];
	c->fd[1] = down[1];
	c->fd[2] = down[0];
	return 0;
}

const struct ipc_transport ipc_pipe = {
	.name = "pipe", .desc = "a pipe each way",
	.processes = true, .kernel = true,
	.create = pipe_create, .describe = describe_fds, .attach = attach_fds,
	.send = stream_send, .recv = stream_recv, .close = close_side,
};

#ifdef TVP_TEST_EXTRA_TRANSPORT
/* Built only with -DTVP_TEST_EXTRA_TRANSPORT (make extra-transport): the pipe again
 * under another name, a kernel transport beside ring.c's user-space shm_twin, so the
 * test's table has eleven transports, one more than the report's palette. */
const struct ipc_transport ipc_pipe_twin = {
	.name = "pipe_twin", .desc = "a pipe each way again (a test build's extra row)",
	.processes = true, .kernel = true,
	.create = pipe_create, .describe = describe_fds, .attach = attach_fds,
	.send = stream_send, .recv = stream_recv, .close = close_side,
};
#endif

/* --- UNIX socketpair -------------------------------------------------------------- */

static int socketpair_create(struct ipc_chan *c, int type, char *reason, size_t reason_size)
{
	int sv[2];
	if (socketpair(AF_UNIX, type, 0, sv) != 0)
		return errno;
	if (type == SOCK_SEQPACKET) {
		/* One message must fit the send buffer whole; ask for room for two, which
		 * net.core.wmem_max caps. */
		int want = c->msg_size > (1 << 29) ? 1 << 30 : (int)(2 * c->msg_size + 4096);
		for (int i = 0; i < 2; i++)
			setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &want, sizeof want);
		int got = 0;
		socklen_t len = sizeof got;
		getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &got, &len);
		/* The kernel doubles what it grants and keeps some for itself. */
		if ((size_t)got < c->msg_size + 4096) {
			snprintf(reason, reason_size, "a %zu-byte message does not fit the socket "
				 "send buffer (%d bytes; net.core.wmem_max)", c->msg_size, got);
			close(sv[0]);
			close(sv[1]);
			return EMSGSIZE;
		}
	}
	c->fd[0] = c->fd[1] = sv[0];
	c->fd[2] = c->fd[3] = sv[1];
	return 0;
}

static int stream_pair_create(struct ipc_chan *c, char *reason, size_t reason_size)
{
	return socketpair_create(c, SOCK_STREAM, reason, reason_size);
}

static int seqpacket_pair_create(struct ipc_chan *c, char *reason, size_t reason_size)
{
	return socketpair_create(c, SOCK_SEQPACKET, reason, reason_size);
}

/* One message per send and per recv: the socket keeps the boundaries. */
static int seqpacket_send(struct ipc_chan *c, int dir, const void *buf)
{
	ssize_t n;
	while ((n = send(fd_for(c, dir, true), buf, c->msg_size, 0)) < 0 && errno == EINTR) {
	}
	if (n < 0)
		return errno;
	return (size_t)n == c->msg_size ? 0 : EPROTO;
}

static int seqpacket_recv(struct ipc_chan *c, int dir, void *buf)
{
	ssize_t n;
	while ((n = recv(fd_for(c, dir, false), buf, c->msg_size, 0)) < 0 && errno == EINTR) {
	}
	if (n < 0)
		return errno;
	if (n == 0)
		return EPIPE;
	return (size_t)n == c->msg_size ? 0 : EPROTO;
}

const struct ipc_transport ipc_unix_stream = {
	.name = "unix_stream", .desc = "a UNIX stream socketpair",
	.processes = true, .kernel = true,
	.create = stream_pair_create, .describe = describe_fds, .attach = attach_fds,
	.send = stream_send, .recv = stream_recv, .close = close_side,
};

const struct ipc_transport ipc_unix_seqpacket = {
	.name = "unix_seqpacket", .desc = "a UNIX seqpacket socketpair",
	.processes = true, .kernel = true,
	.create = seqpacket_pair_create, .describe = describe_fds, .attach = attach_fds,
	.send = seqpacket_send, .recv = seqpacket_recv, .close = close_side,
};

/* --- TCP over loopback ------------------------------------------------------------ */
/* The parent listens on an ephemeral port of 127.0.0.1 (fd[2] holds the listener until
 * accept); the peer connects to it. */

static void tune(int fd)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int tcp_create(struct ipc_chan *c, char *reason, size_t reason_size)
{
	(void)reason;
	(void)reason_size;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0)
		return errno;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	if (bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 1) != 0 ||
	    getsockname(l, (struct sockaddr *)&a, &len) != 0) {
		int err = errno;
		close(l);
		return err;
	}
	c->fd[2] = l;
	c->id = ntohs(a.sin_port);
	return 0;
}

static void tcp_describe(const struct ipc_chan *c, char *buf, size_t size)
{
	snprintf(buf, size, "%d", c->id);
}

static int tcp_attach(struct ipc_chan *c, const char *desc)
{
	int port;
	if (sscanf(desc, "%d", &port) != 1)
		return EINVAL;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return errno;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) {
		int err = errno;
		close(s);
		return err;
	}
	tune(s);
	c->fd[2] = c->fd[3] = s;
	c->peer_opened = true;
	return 0;
}

static int tcp_accept(struct ipc_chan *c)
{
	int s;
	while ((s = accept(c->fd[2], NULL, NULL)) < 0 && errno == EINTR) {
	}
	if (s < 0)
		return errno;
	close(c->fd[2]);
	c->fd[2] = -1;
	tune(s);
	c->fd[0] = c->fd[1] = s;
	return 0;
}

const struct ipc_transport ipc_tcp = {
	.name = "tcp", .desc = "TCP over loopback (127.0.0.1)",
	.processes = true, .kernel = true,
	.create = tcp_create, .describe = tcp_describe, .attach = tcp_attach, .accept = tcp_accept,
	.send = stream_send, .recv = stream_recv, .close = close_side,
};
