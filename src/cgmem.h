/* cgmem.h - a memory cgroup of the run's own for a server, on cgroup v1 or v2: made
 * below the caller's memory cgroup, processes moved in, its memory limited, its kernel
 * memory and its OOM kills read, removed.
 *
 * v1: memory.limit_in_bytes (and memory.memsw.limit_in_bytes where there is one, so swap
 * cannot stretch the limit), memory.kmem.usage_in_bytes, memory.oom_control's oom_kill.
 * v2: memory.max (and memory.swap.max 0), memory.stat's kernel bytes (its "kernel" line,
 * or kernel_stack + pagetables + percpu + slab on a kernel before 5.18), memory.events'
 * oom_kill. On v2 the memory controller must be enabled in the parent's
 * cgroup.subtree_control: it is asked for (and left on: other children of that cgroup
 * may rely on it by then), and where the parent holds processes (v2's
 * no-internal-process rule) or the caller may not, the cgroup is refused with the reason.
 *
 * Every path but the caller's own cgroup is given, so the tests drive both versions on
 * a tree of plain files (tests/test_http.c); where the caller's cgroup is, cglimits.c
 * reads (tests/test_limits.c, on fixture trees).
 * Unlike mem.h's cgroup (v1 only, for footprint's exact kernel counter) this one needs
 * no kernel counter: a limit and an OOM count are enough to count connections held. */
#ifndef TVP_CGMEM_H
#define TVP_CGMEM_H

#include <stddef.h>
#include <sys/types.h>

struct cgmem {
	int version;        /* 1 or 2 */
	char dir[512];      /* the cgroup made */
	char home[512];     /* the caller's memory cgroup, where it was made */
};

/* Makes HOME/name (the controller enabled first on v2). Returns 0, or an errno value
 * with why in words. */
int cgmem_make_in(struct cgmem *cg, int version, const char *home, const char *name,
		  char *why, size_t size);
/* The same below the caller's own memory cgroup (cglimits.h's limits_memory_home). */
int cgmem_make(struct cgmem *cg, const char *name, char *why, size_t size);

int cgmem_enter(const struct cgmem *cg, pid_t pid);
/* Limits the cgroup's memory to bytes, swap included; bytes < 0 lifts the limit.
 * Returns 0 or an errno value. */
int cgmem_limit(const struct cgmem *cg, long long bytes);
/* The kernel memory charged to the cgroup, in KiB, or -1 where the kernel does not say. */
long cgmem_kernel_kib(const struct cgmem *cg);
/* How many processes the OOM killer has killed in the cgroup, or -1. */
long cgmem_oom_kills(const struct cgmem *cg);
/* Removes it (its processes must have ended); retried for a second while one exits. */
int cgmem_remove(struct cgmem *cg);

#endif
