/* common.h - what several scenario files need: the parent's memory, kept between
 * benchmarks that ask for the same shape, the wording of start failures, and where a
 * pair of workers runs. (The registration helper they all use is in scenario.h.) */
#ifndef TVP_COMMON_H
#define TVP_COMMON_H

#include "gbench.h"
#include "mem.h"
#include "pin.h"
#include "worker.h"

#include <pthread.h>
#include <stddef.h>

/* Makes sure the parent holds mib MiB in the layout, touched. Returns 0, or an errno
 * value after skipping the benchmark with the reason (more than half of what MemAvailable or
 * the memory cgroup's limit leaves, THP off, vm.max_map_count). The region stays until another shape is asked for. */
int parent_memory(gb_state *st, size_t mib, enum mem_layout layout);
const struct mem_region *parent_memory_region(void);
void parent_memory_free(void);

/* Skips with "<kind>: <strerror> (pids.max n ... or RLIMIT_NPROC n)" for a worker that did not start. */
void skip_start_error(gb_state *st, const struct worker_kind *k, int err);

/* Where a pair of workers runs: this thread on the pair's first PU, the peer on the
 * second (peer, for worker_start). Unpinned policies bind nothing. A fallback (two cores
 * asked for on a machine of one) becomes the benchmark's label. A pair on two PUs also
 * takes the cache-line probe between them when placed and when unplaced, and
 * reports the slower as the counter probe_ns: on a shared virtual machine the host may
 * move a vCPU, and a repetition that ran slow beside a slow probe ran on far CPUs. */
struct pair_placement {
	bool pinned;
	cpu_set_t peer, saved;
	double probe_ns;
};
int pair_place(gb_state *st, struct pair_placement *pl, enum pin_policy pin);
/* pair_place returns 0, or an errno value after skipping the benchmark with the reason
 * (this thread could not be bound). pair_unplace gives this thread back the affinity it
 * had, and reports probe_ns. */
void pair_unplace(gb_state *st, struct pair_placement *pl);

/* The cache-line probe: this thread and one on peer (anywhere when NULL) bounce one
 * cache line, spinning. A round trip is two transfers of the line between the CPUs,
 * each side writing a line it has just read. each_way: a line for each direction, which
 * each side writes and only the other reads, as in a channel with a line per direction
 * (the rings of ipc/ring.c): a writer must first take the line from the reader that
 * polls it. */
struct line_probe {
	pthread_t thread;
	struct line_bounce *line;
};
int line_probe_start(struct line_probe *p, const cpu_set_t *peer, bool each_way);
void line_probe_round_trip(struct line_probe *p);
void line_probe_stop(struct line_probe *p);

/* The user+system time of an rusage, in ns. */
double rusage_cpu_ns(const struct rusage *ru);

#endif
