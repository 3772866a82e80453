/* cow.h - writing into memory a fork shares, and what the kernel does about it.
 *
 * After fork, parent and child share every private page read-only; the first write to
 * one, from either side, faults and copies it (copy-on-write). cow_write writes one byte
 * into an evenly spread fraction of the pages of a region and says what that cost the
 * calling thread: time, minor faults, and the bytes that became private and dirty.
 */
#ifndef TVP_COW_H
#define TVP_COW_H

#include "task.h"

#include <stddef.h>
#include <stdint.h>

struct cow_result {
	int64_t write_ns;       /* the write loop alone */
	int64_t minflt;         /* minor faults of the calling thread during it */
	int64_t pages;          /* pages written */
};

/* Writes one byte into pct percent (0..100) of the 4 KiB pages of [base, base+size),
 * spread evenly, and measures it. */
void cow_write(char *base, size_t size, int pct, struct cow_result *r);

/* The AnonHugePages of [base, base+size) in the calling process's /proc/self/smaps,
 * summed over the mappings that overlap it, in KiB: how much of the region a huge page
 * maps in this process now. -1 with errno set when smaps cannot be read. */
long cow_region_thp_kib(const void *base, size_t size);

/* What the writer saw of its region's huge pages just before its write loop and just
 * after it (cow_region_thp_kib), in memory the parent can read after a fork. */
struct cow_thp {
	int64_t before_kib, after_kib;
};

/* The region a cow task writes, set by the parent before it starts the worker: a fork
 * child sees its own copy, a thread the same memory. */
struct cow_job {
	char *base;
	size_t size;
	int pct;
};
extern struct cow_job cow_job;
/* MAP_SHARED memory where the cow task records the region's huge pages, or NULL (the
 * default) not to read them. */
extern struct cow_thp *cow_thp;

/* Runs cow_write on cow_job and reports in the task page's result[]: write ns, minor
 * faults, pages, and the growth of the worker process's Private_Dirty in KiB; and the
 * region's huge pages before and after in cow_thp when that is set. In-image
 * kinds only (pthread, fork, clone): an exec'd helper has no such region. */
extern const struct task task_cow_write;

enum { COW_WRITE_NS, COW_MINFLT, COW_PAGES, COW_PRIVATE_DIRTY_KIB };

#endif
