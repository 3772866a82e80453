/* common.h - what several scenario files need: the parent's memory, kept between
 * benchmarks that ask for the same shape, and the wording of start failures. */
#ifndef TVP_COMMON_H
#define TVP_COMMON_H

#include "gbench.h"
#include "mem.h"
#include "worker.h"

#include <stddef.h>

/* Makes sure the parent holds mib MiB in the layout, touched; skips the benchmark with
 * the reason (more than half of MemAvailable, THP off, vm.max_map_count) and returns -1
 * when it cannot. The region stays until another shape is asked for. */
int parent_memory(gb_state *st, size_t mib, enum mem_layout layout);
const struct mem_region *parent_memory_region(void);
void parent_memory_free(void);

/* Skips with "<kind>: <strerror> (RLIMIT_NPROC n)" for a worker that did not start. */
void skip_start_error(gb_state *st, const struct worker_kind *k, int err);

/* The user+system time of an rusage, in ns. */
double rusage_cpu_ns(const struct rusage *ru);

#endif
