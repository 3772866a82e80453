/* http_server.h - a minimal HTTP/1.1 server in every worker model (claim C8).
 *
 * One code path answers a request whatever runs it: the models differ only in what
 * holds a connection while it is open. That is where a server's concurrency lives, and
 * what C8's "threads are smaller, so programs are more concurrent" is about:
 *   thread_per_conn   pthread_create for each accepted connection (detached)
 *   fork_per_conn     fork for each accepted connection; the parent reaps
 *   prefork_pool      processes forked ahead, all accepting on the one listening
 *                     socket; the pool grows while none is idle, up to its capacity
 *                     (Apache prefork's shape)
 *   thread_pool       the same with threads (Apache worker's shape, one process)
 *   epoll             one thread, non-blocking sockets and epoll: neither threads nor
 *                     processes (the baseline)
 * Two bodies: /small.txt (HTTP_SMALL_BYTES) and /64k.txt (65536 bytes); anything else is
 * a 404. Keep-alive unless the request says "Connection: close" or is HTTP/1.0.
 */
#ifndef TVP_HTTP_SERVER_H
#define TVP_HTTP_SERVER_H

#include "worker.h"

#include <stdbool.h>
#include <stddef.h>

enum http_model {
	HTTP_THREAD_PER_CONN,
	HTTP_FORK_PER_CONN,
	HTTP_PREFORK_POOL,
	HTTP_THREAD_POOL,
	HTTP_EPOLL,
	HTTP_NMODELS
};

struct http_model_info {
	const char *name;            /* as benchmark names say it */
	const char *label;           /* as tables and figures say it */
	/* The worker kind that holds a connection (its mode is the model's), or -1 for the
	 * epoll loop, which starts no worker. */
	int kind;
	bool pool;                   /* workers made ahead and reused */
	const char *how;
};

extern const struct http_model_info http_models[HTTP_NMODELS];
/* By name, or NULL. */
const struct http_model_info *http_model_find(const char *name);
/* "thread", "process", or "neither" (epoll). */
const char *http_model_mode(enum http_model m);

#define HTTP_SMALL_BYTES 128
#define HTTP_BIG_BYTES 65536
#define HTTP_SMALL_PATH "/small.txt"
#define HTTP_BIG_PATH "/64k.txt"

/* The body served at path (HTTP_SMALL_PATH, HTTP_BIG_PATH), or NULL; *len its length.
 * The bytes are fixed, so a test (or Apache's document root) can compare them. */
const char *http_body(const char *path, size_t *len);

/* A listening TCP socket on 127.0.0.1:port (0: one the kernel picks, free by
 * construction); *bound the port it got. Returns the fd, or -1 with errno set. */
int http_listen(int port, int *bound);

/* Serves on listen_fd with model m until the process is killed. capacity: the most
 * connections a pool holds at once (its largest size). Returns only on a failure of
 * set-up: an errno value. Every process it forks dies with its parent
 * (PR_SET_PDEATHSIG), so killing the server's first process ends them all. */
int http_serve(enum http_model m, int listen_fd, int capacity);

#endif
