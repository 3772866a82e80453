/* http.c - where concurrency lives: HTTP servers under wrk (claim C8).
 *
 *   http/SERVER/MODE/measure:rate/conn:CONN/body:BODY/pin:PIN/connections:N
 *   http/SERVER/MODE/measure:memory/connections:N
 * SERVER is one of the suite's models (src/http_server.h: thread_per_conn,
 * fork_per_conn, prefork_pool, thread_pool, epoll) or Apache httpd 2.4 in an MPM
 * (apache_prefork, apache_worker, apache_event), all serving the same bodies; MODE says
 * what holds a connection (thread or process; the epoll loop is one process and holds
 * none). CONN keepalive, or close: a connection per request, where making the worker
 * enters the cost. PIN split: wrk on the first PU and the server on the others (on 2
 * PUs the client and the server would otherwise compete for the same two); none: both
 * anywhere.
 *
 * rate (manual time: wrk's window): wrk with one thread and N connections for a fixed
 * window (1 s, full profile 2 s, a second more per 2,500 connections); counters
 * requests_per_s, latency p50_us and p99_us, errors (socket errors and
 * non-2xx), timeouts, server_cpu_ns_per_request (the CPU time of every process of the
 * server over the window, its children's alive or reaped, per request answered),
 * server_processes and server_threads (counted during the window), warmup_s and
 * warmup_answered (the row's warm-up: as many connections held, answered and closed
 * before its first window, so a pool has grown to the level). A server stays up across
 * the rows of its model, so the repetitions run in a row (a server started afresh for
 * each would be measured ramping up, and Apache's start would dominate); its
 * comparisons carry no p-value (scenario.h, in_a_row).
 * memory (manual time: opening the connections): a fresh server for the row's first
 * repetition, the later ones on it; N idle keep-alive connections held open after one
 * answered request each; counters kib_per_conn, the Pss of every process of the server
 * plus the kernel memory of its cgroup, minus the same when fresh with none open, per
 * connection held; total_kib_per_conn, all of it per connection held (the workers a
 * server made ahead included); pss_kib_per_conn and kmem_kib_per_conn apart; held (how
 * many were answered); server_processes and server_threads then.
 *
 * held (manual time: the sweep): a fresh server in a cgroup limited to LIMIT MiB
 * (v1 memory.limit_in_bytes and memsw, v2 memory.max and memory.swap.max 0), idle
 * keep-alive connections added a step at a time (a 40th of the cap, 10,000), each
 * repetition a fresh server; counter held, the last total that stood whole
 * (every connection answered, no OOM kill in the cgroup, the server alive), oom_kills;
 * the label says what ended the sweep.
 *   http/SERVER/MODE/measure:held/limit_mib:LIMIT
 *
 * A level the descriptor limit or the kernel's task limits cannot hold, wrk or apache2
 * missing, or Apache without a cgroup to contain its children: the row is skipped with
 * the reason.
 */
#include "common.h"
#include "http_bench.h"
#include "http_run.h"
#include "scenario.h"
#include "util.h"
#include "wrk.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int httpb_window_s;
int httpb_capacity;
double httpb_patience_s;

/* The server that runs now, kept across the rows of its model (a memory row's
 * repetitions, then its rate rows: see register_all), started with the server's PUs
 * apart from wrk's where the machine has two (split). warm_*: the rate row and level it
 * was last warmed up for; mem_*: the memory row it was started fresh for, and its
 * memory then. */
static struct {
	struct http_peer peer;
	bool running, split;
	const void *warm_case;
	int warm_conns, warm_answered;
	double warm_s;
	const void *mem_row;
	int mem_conns;
	long base_pss, base_kmem;
} cur;

/* How long a warm-up may wait for one more answer (ten times that in all). */
double httpb_warm_patience_s;

void httpb_stop_current(void)
{
	if (cur.running)
		http_stop(&cur.peer);
	cur.running = false;
	cur.warm_case = cur.mem_row = NULL;
}

static void at_end(void)
{
	httpb_stop_current();
	http_env_fini();
}

/* wrk on the first PU, the server on every other. */
static bool split_sets(cpu_set_t *wrk, cpu_set_t *server)
{
	if (pin_npus() < 2 || !pin_place(PIN_COMPACT, 0, 2, wrk, NULL, 0))
		return false;
	pin_all_pus(server);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, wrk))
			CPU_CLR(c, server);
	return CPU_COUNT(server) > 0;
}

/* A kernel-wide limit on tasks, or LONG_MAX where it cannot be read. */
static long sys_limit(const char *path)
{
	char buf[64];
	return read_text(path, buf, sizeof buf) == 0 ? strtol(buf, NULL, 10) : LONG_MAX;
}

/* Why this many connections cannot be held here by server s, or NULL. */
const char *httpb_level_refusal(int s, int conns, char *buf, size_t size)
{
	struct rlimit rl;
	/* wrk and the server each need a descriptor per connection, and a few more; the
	 * run raises its soft limit to the hard one (http_env_init), which they inherit. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
	    (long long)rl.rlim_max < conns + 64LL) {
		snprintf(buf, size, "RLIMIT_NOFILE %llu cannot hold %d connections",
			 (unsigned long long)rl.rlim_max, conns);
		return buf;
	}
	/* A worker per connection is a task per connection: the kernel's limits on tasks
	 * (every process's threads count) must leave room for them. */
	if (s == HTTP_EPOLL || s == HTTP_APACHE_EVENT)
		return NULL;
	static const char *const limits[] = {"/proc/sys/kernel/threads-max",
					     "/proc/sys/kernel/pid_max"};
	for (size_t i = 0; i < ARRAY_SIZE(limits); i++) {
		long max = sys_limit(limits[i]);
		if (max < conns + 1024L) {
			snprintf(buf, size, "%s %ld cannot hold %d connections", limits[i] + 10, max,
				 conns);
			return buf;
		}
	}
	return NULL;
}

int httpb_start(gb_state *st, struct http_peer *p, int server, const cpu_set_t *cpus)
{
	static bool registered;
	if (!registered) {
		atexit(at_end);
		registered = true;
	}
	char why[600];
	int err = http_start(p, server, httpb_capacity, cpus, why, sizeof why);
	if (err)
		gb_skip(st, "%s: %s", http_servers[server].name, why);
	return err;
}

bool httpb_alive(const struct http_peer *p)
{
	return waitpid(p->pid, NULL, WNOHANG) == 0;
}

/* Grows the server to this many connections before its first measured window at a
 * level: conns idle keep-alive connections opened and answered (a pool makes its
 * workers as they queue: Apache prefork by 1, 2, 4 ... 32 processes a second from its
 * shipped StartServers 5, seven seconds to 100), then closed, so the window measures
 * a server that can hold them, not one growing under wrk. Returns the seconds it took
 * and, in *answered, how many it answered. */
static double warm_up(const struct http_peer *p, int conns, int *answered)
{
	int *fds = malloc((size_t)conns * sizeof *fds);
	if (!fds) {
		*answered = 0;
		return 0;
	}
	int64_t t0 = now_ns();
	*answered = http_hold(p, conns, httpb_warm_patience_s, fds);
	int64_t t1 = now_ns();
	http_release(fds, conns);
	free(fds);
	return (double)(t1 - t0) * 1e-9;
}

/* The server's processes and threads, sampled in wrk's window (wrk_probe). */
struct in_window {
	const struct http_peer *peer;
	int procs, threads;
};

static void sample_in_window(void *arg)
{
	struct in_window *w = arg;
	w->procs = http_tree_procs(w->peer, &w->threads);
}

void httpb_run_rate(gb_state *st, const void *data)
{
	const struct rate_case *c = data;
	int conns = (int)gb_range(st, 0);
	char why[600];
	if (httpb_level_refusal(c->server, conns, why, sizeof why)) {
		gb_skip(st, "%s", why);
		return;
	}
	if (!wrk_path()) {
		gb_skip(st, "wrk is not installed (Debian package wrk; make deps)");
		return;
	}
	cpu_set_t wrk_cpus, server_cpus;
	if (c->split && !split_sets(&wrk_cpus, &server_cpus)) {
		gb_skip(st, "one PU: wrk and the server cannot run apart");
		return;
	}
	if (cur.running && (cur.peer.server != c->server || cur.split != c->split ||
			    !httpb_alive(&cur.peer)))
		httpb_stop_current();
	if (!cur.running) {
		if (httpb_start(st, &cur.peer, c->server, c->split ? &server_cpus : NULL) != 0)
			return;
		cur.running = true;
		cur.split = c->split;
	}
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", cur.peer.port,
		 c->big ? HTTP_BIG_PATH : HTTP_SMALL_PATH);
	/* wrk's window holds its connecting too: 10,000 connections take seconds to open
	 * on two PUs, so the window grows by a second per 2,500 connections. */
	int secs = httpb_window_s + conns / 2500;
	/* Once a row and level, on its first repetition: the later ones find the server as
	 * the last window left it. */
	if (cur.warm_case != data || cur.warm_conns != conns) {
		cur.warm_s = warm_up(&cur.peer, conns, &cur.warm_answered);
		cur.warm_case = data;
		cur.warm_conns = conns;
	}
	struct wrk_result r = {0};
	double cpu = 0;
	/* Sampled at 60% of the window: every connection open and busy (wrk opens them
	 * first), none closing yet. */
	struct in_window w = {&cur.peer, 0, 0};
	struct wrk_probe probe = {0.6 * secs, sample_in_window, &w};
	while (gb_keep_running(st)) {
		/* Every child of the last window reaped first, and after: a child ending
		 * while the tree is read would be counted in neither its own time nor its
		 * parent's. */
		http_tree_quiet(&cur.peer, 2000);
		double cpu0 = http_tree_cpu_ns(&cur.peer);
		int err = wrk_run(url, conns, secs, c->close, c->split ? &wrk_cpus : NULL, &probe,
				  &r, why, sizeof why);
		http_tree_quiet(&cur.peer, 2000);
		double cpu1 = http_tree_cpu_ns(&cur.peer);
		if (!err && !httpb_alive(&cur.peer)) {
			snprintf(why, sizeof why, "the server died during the run");
			err = ECHILD;
		}
		/* Not a rate of zero to compare: a window in which nothing came back says the
		 * server (or this machine) could not serve that many connections in it. */
		if (!err && r.requests == 0) {
			snprintf(why, sizeof why, "no request answered within wrk's %d s window at "
				 "%d connections (%ld errors, %ld timeouts)", secs, conns, r.errors,
				 r.timeouts);
			err = ETIMEDOUT;
		}
		if (err) {
			gb_skip(st, "%s: %s", http_servers[c->server].name, why);
			httpb_stop_current();
			return;
		}
		gb_set_iteration_time(st, r.seconds);
		cpu = cpu1 - cpu0;
	}
	gb_counter(st, "requests_per_s", r.requests_per_s, 0);
	gb_counter(st, "p50_us", r.p50_us, 0);
	gb_counter(st, "p99_us", r.p99_us, 0);
	gb_counter(st, "errors", (double)r.errors, 0);
	gb_counter(st, "timeouts", (double)r.timeouts, 0);
	/* What the errors were: a server closing connections under wrk (read) is not one
	 * refusing them (connect) nor one answering 5xx. */
	gb_counter(st, "connect_errors", (double)r.connect_errors, 0);
	gb_counter(st, "read_errors", (double)r.read_errors, 0);
	gb_counter(st, "write_errors", (double)r.write_errors, 0);
	gb_counter(st, "non_2xx", (double)r.non_2xx, 0);
	gb_counter(st, "requests", (double)r.requests, 0);
	if (r.requests > 0)
		gb_counter(st, "server_cpu_ns_per_request", cpu / (double)r.requests, 0);
	gb_counter(st, "server_processes", w.procs, 0);
	gb_counter(st, "server_threads", w.threads, 0);
	/* The row's warm-up, the same on each of its repetitions. */
	gb_counter(st, "warmup_s", cur.warm_s, 0);
	gb_counter(st, "warmup_answered", cur.warm_answered, 0);
}

static void settle(void)
{
	/* Lets the server finish what the last answers set off (a worker going idle,
	 * memory freed) before its memory is read: every answer is in by then, so what is
	 * left is a worker's return to read(). */
	struct timespec ts = {0, 100000000};
	nanosleep(&ts, NULL);
}

static long memory_now(const struct http_peer *p, long *pss, long *kmem)
{
	*pss = http_tree_pss_kib(p);
	*kmem = http_kmem_kib();
	return *pss + (*kmem > 0 ? *kmem : 0);
}

void httpb_run_memory(gb_state *st, const void *data)
{
	const struct memory_case *c = data;
	int conns = (int)gb_range(st, 0);
	char why[600];
	if (httpb_level_refusal(c->server, conns, why, sizeof why)) {
		gb_skip(st, "%s", why);
		return;
	}
	int *fds = malloc((size_t)conns * sizeof *fds);
	if (!fds) {
		gb_skip(st, "malloc: %s", strerror(ENOMEM));
		return;
	}
	cpu_set_t wrk_cpus, server_cpus;
	bool split = split_sets(&wrk_cpus, &server_cpus);
	double total_d = 0, pss_d = 0, kmem_d = 0;
	int held = 0, procs = 0, threads = 0;
	while (gb_keep_running(st)) {
		/* A fresh server for the row's first repetition, its baseline read then: a
		 * pool grown by an earlier row would hide its cost. The later repetitions
		 * hold the connections again on the same server (the baseline is the fresh
		 * one's): Apache prefork takes seven seconds to grow to 100 processes, and a
		 * fresh one each time cost the quick profile fourteen. The repetitions then
		 * run in a row, as the scenario's others do (in_a_row: no p-value). The
		 * server is placed as the rate rows' (split), which then run on it. */
		if (!cur.running || cur.mem_row != data || cur.mem_conns != conns ||
		    cur.peer.server != c->server || !httpb_alive(&cur.peer)) {
			httpb_stop_current();
			if (httpb_start(st, &cur.peer, c->server, split ? &server_cpus : NULL) != 0)
				break;
			cur.running = true;
			cur.split = split;
			cur.mem_row = data;
			cur.mem_conns = conns;
			/* One request first, so what a server makes on its first (buffers,
			 * lazily loaded code) is in the baseline, not charged to the
			 * connections. */
			int one = -1;
			http_hold(&cur.peer, 1, httpb_patience_s, &one);
			http_release(&one, 1);
			settle();
			memory_now(&cur.peer, &cur.base_pss, &cur.base_kmem);
		}
		int64_t t0 = now_ns();
		held = http_hold(&cur.peer, conns, httpb_patience_s, fds);
		int64_t t1 = now_ns();
		settle();
		long pss, kmem;
		long total = memory_now(&cur.peer, &pss, &kmem);
		procs = http_tree_procs(&cur.peer, &threads);
		http_release(fds, conns);
		if (held == 0) {
			httpb_stop_current();
			gb_skip(st, "%s answered none of %d connections", http_servers[c->server].name,
				conns);
			break;
		}
		gb_set_iteration_time(st, (double)(t1 - t0) * 1e-9);
		total_d = (double)total / held;
		pss_d = (double)(pss - cur.base_pss) / held;
		kmem_d = kmem >= 0 && cur.base_kmem >= 0 ? (double)(kmem - cur.base_kmem) / held : -1;
	}
	free(fds);
	if (gb_error_occurred(st))
		return;
	gb_counter(st, "kib_per_conn", pss_d + (kmem_d > 0 ? kmem_d : 0), 0);
	/* Everything the server holds while it holds them, over how many: what holding
	 * them costs the program, the workers it made ahead for them included (Apache
	 * worker's 128 threads are in its baseline, not in kib_per_conn). */
	gb_counter(st, "total_kib_per_conn", total_d, 0);
	gb_counter(st, "pss_kib_per_conn", pss_d, 0);
	if (kmem_d >= 0)
		gb_counter(st, "kmem_kib_per_conn", kmem_d, 0);
	gb_counter(st, "held", held, 0);
	gb_counter(st, "baseline_pss_kib", (double)cur.base_pss, 0);
	gb_counter(st, "baseline_kib", (double)(cur.base_pss + (cur.base_kmem > 0 ? cur.base_kmem : 0)), 0);
	gb_counter(st, "server_processes", procs, 0);
	gb_counter(st, "server_threads", threads, 0);
	if (held < conns) {
		char label[64];
		snprintf(label, sizeof label, "held %d of %d", held, conns);
		gb_set_label(st, label);
	}
}
