/* peer.c - the producing and echoing peers. */
#include "ipc/peer.h"
#include "ipc/ipc.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* A peer process must not outlive the benchmark: a queue or ring would keep it blocked
 * forever. Threads die with their process anyway. */
static int start(struct ipc_chan *c, void **buf)
{
	struct task_page *page = task_page();
	if (getpid() != page->owner && !tie_to_owner(page->owner))
		return PEER_ATTACH;
	if (ipc_attach(c, page->ipc_desc) != 0)
		return PEER_ATTACH;
	*buf = malloc(c->msg_size);
	if (!*buf) {
		c->t->close(c);
		return PEER_MEMORY;
	}
	memset(*buf, 0, c->msg_size); /* present before the first message */
	return 0;
}

static int finish(struct ipc_chan *c, void *buf, int rc)
{
	free(buf);
	c->t->close(c);
	return rc;
}

static int run_produce(long arg, int64_t start_ns)
{
	(void)arg;
	(void)start_ns;
	struct ipc_chan c;
	void *buf;
	int rc = start(&c, &buf);
	if (rc)
		return rc;
	/* TVP_IPC_LOSE=N: message N is never sent, as if the transport had lost it. A fault
	 * for the tests, which hold every consumer to notice the gap; read once, so the
	 * loop pays one compare. */
	const char *lose_env = getenv("TVP_IPC_LOSE");
	uint64_t lose = lose_env && *lose_env ? strtoull(lose_env, NULL, 10) : UINT64_MAX;
	for (uint64_t seq = 0;; seq++) {
		bool last = __atomic_load_n(&task_page()->stop, __ATOMIC_RELAXED);
		if (seq == lose && !last)
			continue;
		if (last)
			ipc_stamp_last(buf, c.msg_size, seq);
		else
			ipc_stamp(buf, c.msg_size, seq);
		if (c.t->send(&c, IPC_UP, buf) != 0)
			return finish(&c, buf, PEER_SEND);
		if (last)
			break;
	}
	return finish(&c, buf, 0);
}

/* This thread's user + system time, ns; -1 if the kernel will not say. */
static int64_t thread_cpu_ns(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		return -1;
	return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000 +
	       (int64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000;
}

static int run_echo(long arg, int64_t start_ns)
{
	(void)arg;
	(void)start_ns;
	struct ipc_chan c;
	void *buf;
	task_page()->result[PEER_CPU_NS] = -1;
	int rc = start(&c, &buf);
	if (rc)
		return rc;
	int64_t cpu0 = thread_cpu_ns();
	/* Pings come numbered from 0; the one that ends them is echoed too, so the parent
	 * knows the peer saw it. */
	for (uint64_t seq = 0;; seq++) {
		if (c.t->recv(&c, IPC_DOWN, buf) != 0)
			return finish(&c, buf, PEER_RECV);
		if (c.t->send(&c, IPC_UP, buf) != 0)
			return finish(&c, buf, PEER_SEND);
		if (ipc_is_last(buf, c.msg_size, seq))
			break;
	}
	int64_t cpu1 = thread_cpu_ns();
	task_page()->result[PEER_CPU_NS] = cpu0 >= 0 && cpu1 >= 0 ? cpu1 - cpu0 : -1;
	return finish(&c, buf, 0);
}

/* lmbench's writer: the page describes "WRITE_FD READ_FD"; the read end is the parent's
 * and is closed here, so the writer learns the reader has gone from EPIPE. */
static int run_bw_write(long arg, int64_t start_ns)
{
	(void)start_ns;
	struct task_page *page = task_page();
	int wfd, rfd;
	if (getpid() != page->owner && !tie_to_owner(page->owner))
		return PEER_ATTACH;
	if (sscanf(page->ipc_desc, "%d %d", &wfd, &rfd) != 2)
		return PEER_ATTACH;
	close(rfd);
	signal(SIGPIPE, SIG_IGN);
	size_t chunk = (size_t)arg;
	char *buf = malloc(chunk);
	if (!buf)
		return PEER_MEMORY;
	memset(buf, 0, chunk);
	for (;;) {
		ssize_t n = write(wfd, buf, chunk);
		if (n < 0 && errno != EINTR)
			break;
	}
	int rc = errno == EPIPE || errno == ECONNRESET ? 0 : PEER_SEND;
	free(buf);
	close(wfd);
	return rc;
}

const struct task task_ipc_produce = {.name = "ipc_produce",
				      .desc = "send stamped messages up until told to stop",
				      .fn = run_produce, .exec = true};
const struct task task_ipc_echo = {.name = "ipc_echo", .desc = "send every message back",
				   .fn = run_echo, .exec = true};
/* Not exec: the pipe's descriptors are close-on-exec, as lmbench's are its own. */
const struct task task_bw_write = {.name = "bw_write",
				   .desc = "write arg-byte chunks until the reader goes",
				   .fn = run_bw_write};
