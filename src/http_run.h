/* http_run.h - the servers of the http scenario as running things: start one (the
 * suite's tvp-httpd in a model, or Apache httpd 2.4 in an MPM), measure it from
 * outside (every process of it: CPU time, Pss, the kernel memory of its cgroup),
 * hold idle connections to it, and stop it, leaving nothing behind.
 *
 * Containment: every server goes into one memory cgroup the run makes (v1 or v2,
 * cgmem.h), so its kernel memory is counted and all of its processes can be found and
 * killed, Apache's children too, which are not the run's children and do not get a
 * parent-death signal. A guard process (sh, ignoring SIGINT and SIGTERM) waits on a
 * pipe only the run holds: when the run ends, however it ends (kill -9 included), the
 * guard kills what is left in the cgroup, removes it and the run's temporary folder.
 * Without a cgroup (not root) the suite's servers still run, contained by their
 * parent-death signals, and Apache is refused with the reason.
 */
#ifndef TVP_HTTP_RUN_H
#define TVP_HTTP_RUN_H

#include "http_server.h"

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The servers: the suite's models first (enum http_model), then Apache's MPMs. */
enum { HTTP_APACHE_PREFORK = HTTP_NMODELS, HTTP_APACHE_WORKER, HTTP_APACHE_EVENT,
       HTTP_NSERVERS };

struct http_server_info {
	const char *name;    /* thread_per_conn ... epoll, apache_prefork ... */
	const char *label;
	bool thread;         /* connections held by threads (else processes, or neither) */
	const char *mpm;     /* Apache's MPM, NULL for the suite's */
};
extern const struct http_server_info http_servers[HTTP_NSERVERS];

struct http_peer {
	int server;
	pid_t pid;           /* its first process, our child */
	int port;
};

/* Prepares the run once: RLIMIT_NOFILE raised to its hard limit, the cgroup, the
 * temporary folder and the guard. Returns 0, or an errno value with why (the cgroup is
 * optional: its absence is only recorded, see http_contained). */
int http_env_init(char *why, size_t size);
/* Whether servers are in a cgroup of the run (kernel memory counted, Apache allowed),
 * and why not. */
bool http_contained(const char **why);
/* Stops what runs and undoes http_env_init (the guard then exits). */
void http_env_fini(void);

/* Apache's configuration for a server at this port, folder and capacity, into buf. */
int http_apache_conf(char *buf, size_t size, int server, int port, const char *dir,
		     int capacity);
/* The apache2 program, or NULL (its rows are skipped with the reason). */
const char *http_apache_path(void);

/* Starts server s able to hold capacity connections, on cpus (NULL: anywhere), and
 * waits until it accepts connections. A port in use is never a failure: the suite's
 * server takes a port the kernel picks, Apache another free one. Returns 0, or an
 * errno value with why. */
int http_start(struct http_peer *p, int s, int capacity, const cpu_set_t *cpus, char *why,
	       size_t size);
/* Stops it and every process it made, and waits until they are gone. */
void http_stop(struct http_peer *p);

/* Over every process of the server (its first process and all descendants): */
int http_tree_procs(const struct http_peer *p, int *threads);
/* Own (exact for live threads, ticks for ended ones) and reaped children's. */
double http_tree_cpu_ns(const struct http_peer *p);
/* Waits (wait_ms at most) until no process of the server is ending (no zombie, the
 * same count twice), so a CPU sample loses no child between its parent's read and its
 * own. Returns the processes then, or -1. */
int http_tree_quiet(const struct http_peer *p, long wait_ms);
long http_tree_pss_kib(const struct http_peer *p);
/* The kernel memory charged to the run's cgroup, in KiB, or -1 without one. */
long http_kmem_kib(void);

/* Limits the memory of the run's cgroup (v1 memory.limit_in_bytes, v2 memory.max; swap
 * held to it too, so swap cannot stretch it) to bytes;
 * bytes < 0 lifts the limit. Returns 0 or an errno value (EPERM without a cgroup). */
int http_limit(long long bytes);
/* How many processes the kernel's OOM killer has killed in the run's cgroup (v1
 * memory.oom_control's oom_kill, v2 memory.events'), or -1. */
long http_oom_kills(void);

/* Opens n connections to the server, sends one keep-alive request for the small body on
 * each and reads its answer, waiting while answers keep coming (up to patience_s
 * without one). fds[] gets the sockets (-1 where none). Returns how many were answered
 * with the right body (ten times patience_s at most); the connections stay open, idle,
 * until http_release. */
int http_hold(const struct http_peer *p, int n, double patience_s, int *fds);
void http_release(int *fds, int n);

#endif
