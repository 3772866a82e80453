/* scale.h - N workers doing the same work at once, as threads or as processes.
 *
 * will-it-scale's shape: each workload is one function, run by every worker in a loop;
 * the workers are started (each on the CPU its placement gives it), count themselves in,
 * and wait on a pipe start gate that releases them all at once; each adds its finished
 * operations to a counter of its own, padded to a cache line, in MAP_SHARED memory that
 * the parent reads in both modes. The parent reads the counters as often as it likes
 * (the timing is the caller's), then stops and reaps the workers.
 */
#ifndef TVP_SCALE_H
#define TVP_SCALE_H

#include "gate.h"
#include "worker.h"

#include <sched.h>
#include <stdint.h>

enum scale_workload {
	SCALE_CPU,            /* pure compute in registers */
	SCALE_MEMORY,         /* streaming reads over a private buffer larger than the LLC */
	SCALE_SHARED_COUNTER, /* one atomic counter in shared memory, for both kinds */
	SCALE_FALSE_SHARING,  /* own counters in a global array, 8 to a line: threads share
			       * the lines, processes each have their own copy */
	SCALE_FALSE_SHARING_SHARED, /* the same counters in one MAP_SHARED array: processes
				     * share the lines as threads do */
	SCALE_PADDED,         /* the same counters, each in a cache line of its own */
	SCALE_PAGE_FAULT,     /* mmap, touch, munmap: threads share one address space */
	SCALE_NWORKLOADS
};

struct scale_workload_info {
	const char *name;
	const char *desc;
	const char *unit;     /* what one operation is */
};
extern const struct scale_workload_info scale_workloads[SCALE_NWORKLOADS];

#define SCALE_MAX_WORKERS 1024
#define SCALE_LINE 128   /* two 64-byte lines: adjacent-line prefetchers pair them */

/* One worker's view, each in a line of its own. */
struct scale_slot {
	_Alignas(SCALE_LINE) uint64_t ops;
	int64_t passed_gate_ns;   /* when it left the gate */
	int32_t ready;            /* counted in, at the gate */
	int32_t cpu;              /* sched_getcpu() after the gate */
	int32_t error;            /* errno of a failed set-up, 0 */
};

/* The area parent and workers share (MAP_SHARED, so forked workers see it too). */
struct scale_shared {
	_Alignas(SCALE_LINE) uint64_t counter;            /* SCALE_SHARED_COUNTER */
	/* SCALE_FALSE_SHARING_SHARED: worker i's counter is packed[i], 8 to a 64-byte line,
	 * laid out as the global array of SCALE_FALSE_SHARING is. */
	_Alignas(SCALE_LINE) uint64_t packed[SCALE_MAX_WORKERS];
	_Alignas(SCALE_LINE) int32_t stop;
	int32_t workload;
	struct gate gate;                                 /* what a worker joins and waits at */
	int64_t released_ns;                              /* when the gate opened */
	uint64_t max_ops;                                 /* 0: until stopped */
	uint64_t buffer_bytes;                            /* SCALE_MEMORY, per worker */
	struct scale_slot slot[SCALE_MAX_WORKERS];
	cpu_set_t affinity[SCALE_MAX_WORKERS];            /* each worker's own, after the gate */
};

struct scale_run {
	struct scale_shared *sh;
	struct worker *workers;
	unsigned n, started;
	struct gate gate;
};

/* Starts n workers of kind k (one that runs this image's code: pthread, fork, clone;
 * EINVAL for another) on workload w, worker i on cpus[i] (NULL: wherever they are
 * created), and waits until all stand at the gate. max_ops > 0 makes each worker stop by
 * itself after that many operations. Returns 0 or an errno value; on failure everything
 * started is reaped. */
int scale_start(struct scale_run *r, const struct worker_kind *k, enum scale_workload w,
		unsigned n, const cpu_set_t *cpus, uint64_t max_ops, uint64_t buffer_bytes);

/* What each worker runs: set up, join the gate (gate.h: a worker process dies with its
 * owner), count in, wait at the gate, run the workload. */
extern const struct task task_scale;

/* Opens the gate for all workers at once. */
void scale_release(struct scale_run *r);

/* The operations done so far, all workers together. */
uint64_t scale_ops(const struct scale_run *r);

/* The speed-up of n workers against one: the rate of the n (opsn in secsn) over the
 * rate of one (ops1 in secs1), both read by the caller; 0 when either reading is empty
 * (no operation or no time), never a division by zero. */
double scale_speedup(double ops1, double secs1, double opsn, double secsn);

/* Worker i's own counter (SCALE_FALSE_SHARING, _SHARED, SCALE_PADDED) as the calling
 * process sees it: a thread's adds and a shared array's are seen here, a forked
 * worker's adds to its copy of the global array are not. 0 for other workloads. */
uint64_t scale_own_counter(const struct scale_run *r, unsigned i);
/* Where that counter lies in the calling process, or NULL for other workloads: which
 * cache line each worker adds to is what false_sharing and padded differ in, and only
 * timing would show it otherwise. */
const uint64_t *scale_own_counter_at(const struct scale_run *r, unsigned i);

/* The TLB-shootdown interrupts the kernel has counted, summed over CPUs: the "TLB:"
 * line of /proc/interrupts (x86). scale_tlb_shootdowns_from reads another file of that
 * format. Return 0, ENOENT when the file has no such line, or an errno value. */
int scale_tlb_shootdowns(uint64_t *count);
int scale_tlb_shootdowns_from(const char *path, uint64_t *count);

/* Tells the workers to stop, reaps them, unmaps the shared area (read the slots before
 * this). Returns 0, or EIO when a worker failed. */
int scale_finish(struct scale_run *r);

#endif
