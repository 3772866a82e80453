/* http_server.c - the suite's HTTP server's five ways to hold a connection
 * (http_server.h) over one request path (http_request.c). Nothing here times anything;
 * bench/http.c drives it with wrk from outside. */
#include "http_server.h"
#include "http_request.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const struct http_model_info http_models[HTTP_NMODELS] = {
	[HTTP_THREAD_PER_CONN] = {"thread_per_conn", "thread per connection", KIND_PTHREAD, false,
				  "pthread_create for each accepted connection"},
	[HTTP_FORK_PER_CONN] = {"fork_per_conn", "fork per connection", KIND_FORK, false,
				"fork for each accepted connection"},
	[HTTP_PREFORK_POOL] = {"prefork_pool", "pre-forked pool", KIND_FORK, true,
			       "processes forked ahead accept on one socket; grows while none is idle"},
	[HTTP_THREAD_POOL] = {"thread_pool", "thread pool", KIND_PTHREAD, true,
			      "threads made ahead accept on one socket; grows while none is idle"},
	[HTTP_EPOLL] = {"epoll", "epoll loop", -1, false,
			"one thread, non-blocking sockets, epoll: no worker per connection"},
};

const struct http_model_info *http_model_find(const char *name)
{
	for (int m = 0; m < HTTP_NMODELS; m++)
		if (strcmp(http_models[m].name, name) == 0)
			return &http_models[m];
	return NULL;
}

const char *http_model_mode(enum http_model m)
{
	int k = http_models[m].kind;
	return k < 0 ? "neither" : k == KIND_PTHREAD ? "thread" : "process";
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

/* A forked child dies with its parent: the bench kills only the server's first
 * process, and a pool's or a connection's process must not outlive it. */
static void die_with_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
}

/* --- a worker per connection ----------------------------------------------------- */

static void *conn_thread(void *arg)
{
	int fd = (int)(intptr_t)arg;
	http_serve_conn(fd);
	close(fd);
	return NULL;
}

static int serve_thread_per_conn(int lfd)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		int fd = http_accept_one(lfd);
		if (fd < 0)
			return errno;
		pthread_t t;
		/* At a thread limit the connection is refused (closed), as a server that
		 * cannot make a worker must: the client counts the error. */
		if (pthread_create(&t, &attr, conn_thread, (void *)(intptr_t)fd) != 0)
			close(fd);
	}
}

/* The parent reaps every connection's child as it ends, so their CPU time reaches the
 * parent's children's time, where the bench reads it. */
static void *reaper(void *arg)
{
	(void)arg;
	for (;;) {
		if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD)
			sleep_ms(5);
	}
	return NULL;
}

static int serve_fork_per_conn(int lfd)
{
	pthread_t t;
	int err = pthread_create(&t, NULL, reaper, NULL);
	if (err)
		return err;
	pid_t self = getpid();
	for (;;) {
		int fd = http_accept_one(lfd);
		if (fd < 0)
			return errno;
		pid_t pid = fork();
		if (pid == 0) {
			die_with_parent(self);
			close(lfd);
			http_serve_conn(fd);
			_exit(0);
		}
		close(fd); /* the child has it; at a process limit (fork failed), refused */
	}
}

/* --- a pool of workers made ahead, growing while none is idle ---------------------- */

#define POOL_START 5 /* Apache's StartServers default */

struct pool_count {
	atomic_int idle, total;
};

static void pool_loop(int lfd, struct pool_count *pc)
{
	for (;;) {
		int fd = http_accept_one(lfd);
		if (fd < 0)
			return;
		atomic_fetch_sub(&pc->idle, 1);
		http_serve_conn(fd);
		close(fd);
		atomic_fetch_add(&pc->idle, 1);
	}
}

static struct pool_count *thread_pool_count;
static int thread_pool_fd;

static void *pool_thread(void *arg)
{
	(void)arg;
	pool_loop(thread_pool_fd, thread_pool_count);
	return NULL;
}

/* Adds one worker to the pool. Returns 0 or an errno value. */
static int pool_add(bool threads, int lfd, struct pool_count *pc)
{
	atomic_fetch_add(&pc->idle, 1);
	atomic_fetch_add(&pc->total, 1);
	if (threads) {
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_t t;
		int err = pthread_create(&t, &attr, pool_thread, NULL);
		pthread_attr_destroy(&attr);
		if (err == 0)
			return 0;
		errno = err;
	} else {
		pid_t self = getpid(), pid = fork();
		if (pid == 0) {
			die_with_parent(self);
			pool_loop(lfd, pc);
			_exit(1);
		}
		if (pid > 0)
			return 0;
	}
	int err = errno;
	atomic_fetch_sub(&pc->idle, 1);
	atomic_fetch_sub(&pc->total, 1);
	return err;
}

/* The pool's first process watches the idle count and adds workers while it is zero,
 * doubling as Apache does (but every few ms, where Apache looks once a second): a
 * pool never shrinks, and never passes capacity. */
static int serve_pool(bool threads, int lfd, int capacity)
{
	struct pool_count *pc = mmap(NULL, sizeof *pc, PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pc == MAP_FAILED)
		return errno;
	atomic_init(&pc->idle, 0);
	atomic_init(&pc->total, 0);
	thread_pool_count = pc;
	thread_pool_fd = lfd;
	for (int i = 0; i < POOL_START && i < capacity; i++)
		if (pool_add(threads, lfd, pc) != 0)
			return errno;
	for (;;) {
		while (!threads && waitpid(-1, NULL, WNOHANG) > 0) {
		}
		int total = atomic_load(&pc->total);
		if (atomic_load(&pc->idle) <= 0 && total < capacity) {
			int add = total < capacity - total ? total : capacity - total;
			for (int i = 0; i < (add > 0 ? add : 1); i++)
				if (pool_add(threads, lfd, pc) != 0)
					break; /* at a limit: the pool stays as large as it got */
		}
		sleep_ms(2);
	}
}

/* --- one thread, epoll ------------------------------------------------------------ */

struct econn {
	int fd;
	bool want_out, close_after;
	size_t len, outlen, off;
	const char *out;
	char buf[REQ_BUF];
};

/* Moves one connection on as far as it goes without blocking. Returns 0, or -1 when it
 * is done (closed by the peer, asked to close, or failed): the caller frees it. */
static int econn_step(int ep, struct econn *c)
{
	for (;;) {
		while (c->out && c->off < c->outlen) {
			ssize_t w = send(c->fd, c->out + c->off, c->outlen - c->off, MSG_NOSIGNAL);
			if (w >= 0) {
				c->off += (size_t)w;
				continue;
			}
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -1;
			if (!c->want_out) {
				struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
				if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
					return -1;
				c->want_out = true;
			}
			return 0;
		}
		if (c->out) {
			c->out = NULL;
			if (c->close_after)
				return -1;
		}
		char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
		if (end) {
			size_t hlen = (size_t)(end + 4 - c->buf);
			http_answer(c->buf, hlen, &c->out, &c->outlen, &c->close_after);
			c->off = 0;
			memmove(c->buf, c->buf + hlen, c->len - hlen);
			c->len -= hlen;
			continue;
		}
		if (c->len == sizeof c->buf)
			return -1;
		ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - c->len);
		if (r > 0) {
			c->len += (size_t)r;
			continue;
		}
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			return -1;
		if (r < 0 && errno == EINTR)
			continue;
		if (c->want_out) {
			struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
			if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
				return -1;
			c->want_out = false;
		}
		return 0;
	}
}

static int serve_epoll(int lfd)
{
	int fl = fcntl(lfd, F_GETFL);
	if (fl < 0 || fcntl(lfd, F_SETFL, fl | O_NONBLOCK) != 0)
		return errno;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return errno;
	struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev) != 0)
		return errno;
	struct epoll_event evs[256];
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		for (int i = 0; i < n; i++) {
			struct econn *c = evs[i].data.ptr;
			if (!c) {
				int fd;
				while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					c = calloc(1, sizeof *c);
					struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
					if (!c || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
						free(c);
						close(fd);
						continue;
					}
					c->fd = fd;
				}
				continue;
			}
			if (econn_step(ep, c) != 0) {
				close(c->fd); /* removes it from the epoll set too */
				free(c);
			}
		}
	}
}

/* --- set-up ----------------------------------------------------------------------- */

int http_listen(int port, int *bound)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	/* A backlog as deep as the kernel allows (somaxconn caps it): a sweep opens its
	 * connections all at once. */
	if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 65535) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &al) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	*bound = ntohs(a.sin_port);
	return fd;
}

int http_serve(enum http_model m, int lfd, int capacity)
{
	if ((unsigned)m >= HTTP_NMODELS || capacity < 1)
		return EINVAL;
	signal(SIGPIPE, SIG_IGN);
	int err = http_make_replies();
	if (err)
		return err;
	switch (m) {
	case HTTP_THREAD_PER_CONN:
		return serve_thread_per_conn(lfd);
	case HTTP_FORK_PER_CONN:
		return serve_fork_per_conn(lfd);
	case HTTP_PREFORK_POOL:
		return serve_pool(false, lfd, capacity);
	case HTTP_THREAD_POOL:
		return serve_pool(true, lfd, capacity);
	case HTTP_EPOLL:
		return serve_epoll(lfd);
	default:
		return EINVAL;
	}
}
