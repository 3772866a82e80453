/* footprint_kernel.h - where bench/footprint.c reads a worker's kernel memory from:
 * the sources, best first, the reading taken each side of a build-up, and how far off
 * each source may be (footprint.c's opening comment says what each counts). */
#ifndef TVP_FOOTPRINT_KERNEL_H
#define TVP_FOOTPRINT_KERNEL_H

#include "mem.h"

#include <stddef.h>
#include <sys/types.h>

/* The values of the kernel_source counter, best first. */
enum kernel_source { KSRC_MEMCG = 1, KSRC_PROC = 2, KSRC_MEMINFO = 3 };

/* The kernel's memory before and after, by whichever source is in use. */
struct kernel_reading {
	struct mem_kernel info;   /* /proc/meminfo, always */
	long info_spread;         /* how far its samples were apart */
	long cgroup_kib;          /* the cgroup's kmem, or -1 */
};

/* The kernel's memory now: the cgroup's kmem (cg, or NULL: none) and /proc/meminfo's
 * three counters. Returns 0 or an errno value. */
int kernel_read(const struct mem_cgroup *cg, struct kernel_reading *r);
/* How far /proc/meminfo's three counters may lag the truth, in KiB. */
long meminfo_resolution_kib(void);
/* One task's kernel stack in KiB, counted once per run; 0 when it cannot be read. */
long kernel_stack_size_kib(void);
/* The kernel source of one repetition, best first (cg made and parent in it for
 * KSRC_MEMCG); note says why a source was passed over. */
enum kernel_source choose_source(struct mem_cgroup *cg, pid_t parent, char *note,
				 size_t size);

#endif
