/* ipc_sampler.h - one operation in SAMPLE_EVERY timed on its own, and their median as a
 * counter: what the ipc rows report beside their mean. Inline, as it was beside the
 * loops: sampler_due and sampler_add run in the timed loops, where a call into
 * another file would add to what is timed. */
#ifndef TVP_BENCH_IPC_SAMPLER_H
#define TVP_BENCH_IPC_SAMPLER_H

#include "gbench.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

/* Single operations (round trips, a message's receipt, a copy), one in SAMPLE_EVERY
 * timed on its own: their median is the operation while both sides run, which a
 * preemption of one side (milliseconds, once in a while on a shared machine) barely
 * moves, where it moves the repetition's mean by its whole length. Buckets of 1 ns up to LINEAR_NS, of WIDE_NS above, the last for anything
 * longer. */
#define SAMPLE_EVERY 16
#define LINEAR_NS 4096
#define BUCKETS 8192
#define WIDE_NS 256

struct rt_sampler {
	uint32_t *bucket;       /* NULL: no memory, no samples */
	uint64_t n;
	uint64_t i;
};

static inline void sampler_open(struct rt_sampler *r)
{
	*r = (struct rt_sampler){.bucket = calloc(BUCKETS, sizeof(uint32_t))};
}

static inline bool sampler_due(struct rt_sampler *r)
{
	return r->bucket && r->i++ % SAMPLE_EVERY == 0;
}

static inline void sampler_add(struct rt_sampler *r, int64_t ns)
{
	int64_t b = ns < LINEAR_NS ? ns : LINEAR_NS + (ns - LINEAR_NS) / WIDE_NS;
	r->bucket[b < 0 ? 0 : b >= BUCKETS ? BUCKETS - 1 : b]++;
	r->n++;
}

/* Reports the median of the samples as counter name, and frees them. */
static inline void sampler_close(gb_state *st, struct rt_sampler *r, const char *name)
{
	uint64_t seen = 0;
	for (int64_t b = 0; r->bucket && r->n && !gb_error_occurred(st) && b < BUCKETS; b++) {
		seen += r->bucket[b];
		if (2 * seen >= r->n) {
			double ns = b < LINEAR_NS ? (double)b : LINEAR_NS + (double)(b - LINEAR_NS) * WIDE_NS + WIDE_NS / 2;
			gb_counter(st, name, ns, 0);
			break;
		}
	}
	free(r->bucket);
	r->bucket = NULL;
}

#endif
