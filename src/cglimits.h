/* cglimits.h - the memory and pids limits of the cgroups the caller is in, read, not
 * guessed.
 *
 * Inside a container or a CI job /proc/meminfo's MemAvailable is the host's: the limit
 * that ends a run there (the OOM killer at memory.max, EAGAIN from fork at pids.max)
 * is the cgroup's. Both cgroup versions are read: v1 (memory.limit_in_bytes,
 * memory.usage_in_bytes, memory.oom_control; pids.max, pids.current) and v2
 * (memory.max, memory.current, memory.events; pids.max, pids.current), whichever
 * holds the controller. A limit set on an ancestor binds too, so the path is walked up
 * to the hierarchy's root and the lowest limit kept, with the cgroup that sets it. */
#ifndef TVP_CGLIMITS_H
#define TVP_CGLIMITS_H

#include <stddef.h>

/* One controller's limit: version 0 when the controller was not found. */
struct cg_limit {
	int version;            /* 1 or 2; 0: no such controller mounted */
	long long max;          /* the lowest limit on the path (bytes or tasks); -1: none */
	long long current;      /* what the cgroup that sets it uses now; -1 if unknown */
	char dir[512];          /* that cgroup's directory (the caller's own with no limit) */
};

struct cg_limits {
	struct cg_limit memory, pids;
};

/* Reads the limits from a /proc/PID/cgroup and a /proc/PID/mountinfo file, each mount
 * point taken under prefix ("" for the machine, a fixture tree's folder in tests).
 * Returns 0 or an errno value of opening the two files; a controller that is not
 * found is version 0, not an error. */
int limits_read_from(const char *cgroup_file, const char *mountinfo_file, const char *prefix,
		     struct cg_limits *l);
/* The same for the caller. */
int limits_read(struct cg_limits *l);

/* The caller's memory cgroup directory from the same two files (cgmem.h makes a
 * server's cgroup below it): on a v1 hierarchy with the memory controller if one is
 * mounted and names the caller, else on v2's. Returns 0 with *version (1 or 2) and dir
 * set, EOPNOTSUPP when no memory cgroup holds the caller, ENAMETOOLONG, or an errno
 * value of opening the files. */
int limits_memory_home(const char *cgroup_file, const char *mountinfo_file, const char *prefix,
		       int *version, char *dir, size_t size);

/* The memory this process may still take, in KiB: MemAvailable of /proc/meminfo, or
 * less where the memory cgroup's limit minus its usage is less. why says which
 * ("MemAvailable" or "the memory cgroup's limit of N MiB (M MiB in use)"). -1 when
 * neither can be read. */
long limits_available_kib(char *why, size_t size);

/* How many tasks the memory cgroup's OOM killer has killed (v1 memory.oom_control's
 * oom_kill, v2 memory.events' oom_kill) in dir, or -1. */
long long limits_oom_kills(const char *dir, int version);

/* After EAGAIN from fork, clone or pthread_create: " (pids.max N of cgroup DIR, M in
 * use)" when a pids cgroup limits the caller, else "" (buf holds it). */
const char *limits_pids_note(char *buf, size_t size);

#endif
