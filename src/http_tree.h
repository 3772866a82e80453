/* http_tree.h - a server's processes as /proc lists them: shared by http_tree.c, which
 * measures them, and http_run.c, which stops them. */
#ifndef TVP_HTTP_TREE_H
#define TVP_HTTP_TREE_H

#include <sys/types.h>

struct pstat {
	pid_t pid, ppid;
	char state;               /* R, S, Z ... */
	unsigned long long own, children; /* utime + stime, cutime + cstime: clock ticks */
	long threads;
};

/* Every process of the server: its first and all their descendants. Returns how many
 * are in *out (malloc'd; the caller frees), or -1. */
int http_tree_list(pid_t root, struct pstat **out);

#endif
