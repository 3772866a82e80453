/* http_tree.c - every process of a running server, read from /proc: how many, their
 * threads, their CPU time (the reaped children's too) and their Pss (http_run.h,
 * http_tree.h). */
#include "http_tree.h"
#include "http_run.h"
#include "mem.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}


static int read_pstat(pid_t pid, struct pstat *s)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (read_text(path, buf, sizeof buf) != 0)
		return -1;
	/* The command may hold spaces and parentheses: the fields start after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	unsigned long long ut, st;
	long long cut, cst;
	int ppid;
	if (sscanf(p + 2, "%c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld %*d %*d %ld",
		   &s->state, &ppid, &ut, &st, &cut, &cst, &s->threads) != 7)
		return -1;
	s->pid = pid;
	s->ppid = ppid;
	s->own = ut + st;
	s->children = (unsigned long long)cut + (unsigned long long)cst;
	return 0;
}

/* Every process of the server: its first and all their descendants. Returns how many
 * are in *out (malloc'd; the caller frees), or -1. */
int http_tree_list(pid_t root, struct pstat **out)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -1;
	size_t cap = 1024, n = 0;
	struct pstat *all = malloc(cap * sizeof *all);
	struct dirent *e;
	while (all && (e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		if (n == cap) {
			struct pstat *m = realloc(all, 2 * cap * sizeof *all);
			if (!m) {
				free(all);
				all = NULL;
				break;
			}
			all = m;
			cap *= 2;
		}
		if (read_pstat((pid_t)pid, &all[n]) == 0)
			n++;
	}
	closedir(d);
	if (!all)
		return -1;
	/* Moves the members to the front, parents before their children's turn. */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (all[i].pid == root) {
			struct pstat t = all[0];
			all[0] = all[i];
			all[i] = t;
			k = 1;
		}
	for (size_t scan = 0; scan < k; scan++)
		for (size_t i = k; i < n; i++)
			if (all[i].ppid == all[scan].pid) {
				struct pstat t = all[k];
				all[k++] = all[i];
				all[i] = t;
			}
	*out = all;
	return (int)k;
}

int http_tree_procs(const struct http_peer *p, int *threads)
{
	struct pstat *s;
	int n = http_tree_list(p->pid, &s);
	if (n < 0)
		return -1;
	long t = 0;
	for (int i = 0; i < n; i++)
		t += s[i].threads;
	free(s);
	if (threads)
		*threads = (int)t;
	return n;
}

/* The CPU time of pid's live threads in ns, exact (schedstat's first field is the
 * scheduler's sum_exec_runtime); 0 where the kernel does not keep it. */
static double live_threads_ns(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	double ns = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char p2[320], buf[128];
		snprintf(p2, sizeof p2, "/proc/%d/task/%s/schedstat", (int)pid, e->d_name);
		if (read_text(p2, buf, sizeof buf) == 0)
			ns += strtod(buf, NULL);
	}
	closedir(d);
	return ns;
}

double http_tree_cpu_ns(const struct http_peer *p)
{
	struct pstat *s;
	int n = http_tree_list(p->pid, &s);
	if (n < 0)
		return -1;
	/* /proc/PID/stat truncates each process's time to clock ticks (10 ms): a forked
	 * child that served its connection in 5 ms reads 0, and a hundred of them, alive
	 * when the sample is read, lost their whole second. Their live threads' exact time
	 * is taken where it is more; the ticks keep a process's ended threads (a thread per
	 * connection) and its reaped children, whose times the kernel sums exactly before
	 * truncating once. */
	double tick = 1e9 / (double)sysconf(_SC_CLK_TCK), t = 0;
	for (int i = 0; i < n; i++) {
		double own = (double)s[i].own * tick, live = live_threads_ns(s[i].pid);
		t += (live > own ? live : own) + (double)s[i].children * tick;
	}
	free(s);
	return t;
}

int http_tree_quiet(const struct http_peer *p, long wait_ms)
{
	/* A child that ends between the walk's read of its parent and its own read is
	 * counted in neither: wait until none is ending (no zombie, the same processes
	 * twice 20 ms apart). */
	int prev = -1, n = -1;
	for (long t = 0; t <= wait_ms; t += 20) {
		struct pstat *s;
		n = http_tree_list(p->pid, &s);
		if (n < 0)
			return -1;
		bool zombie = false;
		for (int i = 0; i < n; i++)
			zombie |= s[i].state == 'Z';
		free(s);
		if (!zombie && n == prev)
			return n;
		prev = zombie ? -1 : n;
		sleep_ms(20);
	}
	return n;
}

long http_tree_pss_kib(const struct http_peer *p)
{
	struct pstat *s;
	int n = http_tree_list(p->pid, &s);
	if (n < 0)
		return -1;
	long pss = 0;
	for (int i = 0; i < n; i++) {
		struct mem_rollup r;
		if (mem_rollup(s[i].pid, &r) == 0) /* a process that just ended has none */
			pss += r.pss;
	}
	free(s);
	return pss;
}
