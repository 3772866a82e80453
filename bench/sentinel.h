/* sentinel.h - a handful of short probes of the machine's state, taken before a run and
 * after each scenario (tvp-bench --probe), so a report can tell a machine's physics on
 * that day from a claim's: a page fault ten times dearer than usual, two vCPUs far
 * apart, two CPUs that do the work of one.
 *
 * Each probe is well under a second; together about half a second. Values:
 *   first_touch_ns   a new page's first write (allocate and zero), per page
 *   cow_fault_ns     a forked child's first write to a page its parent touched, per page
 *   syscall_ns       a null system call (getppid)
 *   switch_ns        a pipe round trip between two processes on one PU (two switches)
 *   cacheline_ns     a cache line's round trip between the first two PUs (0 on one PU)
 *   memcpy_cache_gbs memcpy of 16 KiB again and again, GB/s
 *   memcpy_mem_gbs   memcpy of 64 MiB, GB/s
 *   parallel_pus     how many PUs' worth of a spin loop all PUs do at once: the PUs on
 *                    an idle machine, fewer where the host gives less
 */
#ifndef TVP_SENTINEL_H
#define TVP_SENTINEL_H

#include "json.h"

/* Runs every probe and writes one object of their values into j under key. Returns 0
 * or an errno value (a probe that cannot run writes null and the rest go on). */
int sentinel_probe(struct json *j, const char *key);

#endif
