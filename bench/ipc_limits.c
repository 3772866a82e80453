/* ipc_limits.c - what no transport can beat: one thread's memcpy, memcpy of bytes
 * another core has just written (a ring's reader) or beside a copy on the other core
 * (a ring's writer and reader at once), and two threads bouncing a cache line. */
#include "ipc_case.h"
#include "ipc_sampler.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

void ipc_run_memcpy(gb_state *st, const void *data)
{
	(void)data;
	size_t size = (size_t)gb_range(st, 0);
	char *src = malloc(size), *dst = malloc(size);
	if (!src || !dst) {
		gb_skip(st, "malloc of 2 x %zu bytes failed", size);
	} else {
		memset(src, 1, size);
		memset(dst, 2, size);
		struct rt_sampler smp;
		sampler_open(&smp);
		while (gb_keep_running(st)) {
			bool timed = sampler_due(&smp);
			int64_t t0 = timed ? now_ns() : 0;
			memcpy(dst, src, size);
			__asm__ volatile("" : : "r"(dst) : "memory");
			if (timed)
				sampler_add(&smp, now_ns() - t0);
		}
		sampler_close(st, &smp, "op_median_ns");
		gb_set_bytes_processed(st, (int64_t)size * gb_iterations(st));
	}
	free(src);
	free(dst);
}

/* --- memcpy of bytes another core has just written --------------------------------- */

struct peer_writer {
	_Alignas(128) uint32_t turn;   /* odd: do the work; even: done */
	uint32_t stop;
	char *buf;
	size_t size;
	char *copy_to;                 /* NULL: write buf; else copy buf there, its own */
};

static void *write_on_request(void *arg)
{
	struct peer_writer *pw = arg;
	for (;;) {
		uint32_t t;
		while ((t = __atomic_load_n(&pw->turn, __ATOMIC_ACQUIRE)) % 2 == 0)
			if (__atomic_load_n(&pw->stop, __ATOMIC_RELAXED))
				return NULL;
		if (pw->copy_to)
			memcpy(pw->copy_to, pw->buf, pw->size);
		else
			memset(pw->buf, (int)(t & 0xff), pw->size);
		__atomic_store_n(&pw->turn, t + 1, __ATOMIC_RELEASE);
	}
}

/* The peer copies its own size bytes while this thread copies as many: the time until
 * both are done, what two copies at once on two cores take (they share the L3 and the
 * memory behind it, as a ring's writer and reader do). */
static void copy_beside_peer(gb_state *st, struct peer_writer *pw, char *src, char *dst)
{
	struct rt_sampler smp;
	sampler_open(&smp);
	while (gb_keep_running(st)) {
		uint32_t t = __atomic_load_n(&pw->turn, __ATOMIC_RELAXED) + 1;
		int64_t t0 = now_ns();
		__atomic_store_n(&pw->turn, t, __ATOMIC_RELEASE);
		memcpy(dst, src, pw->size);
		__asm__ volatile("" : : "r"(dst) : "memory");
		while (__atomic_load_n(&pw->turn, __ATOMIC_ACQUIRE) != t + 1) {
		}
		int64_t took = now_ns() - t0;
		gb_set_iteration_time(st, (double)took * 1e-9);
		if (sampler_due(&smp))
			sampler_add(&smp, took);
	}
	sampler_close(st, &smp, "op_median_ns");
	gb_set_bytes_processed(st, (int64_t)pw->size * gb_iterations(st));
}

/* Has the peer write the whole source, and waits (spinning: the pair is on two cores). */
static void peer_writes(struct peer_writer *pw)
{
	uint32_t t = __atomic_load_n(&pw->turn, __ATOMIC_RELAXED) + 1;
	__atomic_store_n(&pw->turn, t, __ATOMIC_RELEASE);
	while (__atomic_load_n(&pw->turn, __ATOMIC_ACQUIRE) != t + 1) {
	}
}

static void copy_from_peer(gb_state *st, struct peer_writer *pw, char *dst)
{
	struct rt_sampler smp;
	sampler_open(&smp);
	while (gb_keep_running(st)) {
		peer_writes(pw);
		int64_t t0 = now_ns();
		memcpy(dst, pw->buf, pw->size);
		__asm__ volatile("" : : "r"(dst) : "memory");
		int64_t took = now_ns() - t0;
		gb_set_iteration_time(st, (double)took * 1e-9);
		if (sampler_due(&smp))
			sampler_add(&smp, took);
	}
	sampler_close(st, &smp, "op_median_ns");
	gb_set_bytes_processed(st, (int64_t)pw->size * gb_iterations(st));
}

/* measure copy_peer (this thread copies what the peer wrote) or copy_pair (each copies
 * its own buffers at once). */
void ipc_run_memcpy_peer(gb_state *st, const void *data)
{
	const struct ipc_case *ic = data;
	bool pair = ic->measure == COPY_PAIR;
	size_t size = (size_t)gb_range(st, 0);
	struct pair_placement pl;
	if (pair_place(st, &pl, ic->pin) != 0)
		return;
	struct peer_writer *pw = aligned_alloc(128, sizeof *pw);
	char *src = malloc(size), *dst = malloc(size);
	char *peer_dst = pair ? malloc(size) : NULL, *mine = pair ? malloc(size) : NULL;
	pthread_t writer;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	if (pl.pinned)
		pthread_attr_setaffinity_np(&attr, sizeof pl.peer, &pl.peer);
	int err = pw && src && dst && (!pair || (peer_dst && mine)) ? 0 : ENOMEM;
	if (err) {
		gb_skip(st, "malloc of %d x %zu bytes failed", pair ? 4 : 2, size);
	} else {
		*pw = (struct peer_writer){.buf = src, .size = size, .copy_to = peer_dst};
		memset(src, 1, size);
		memset(dst, 2, size);
		if (pair) {
			memset(peer_dst, 3, size);
			memset(mine, 4, size);
		}
		if ((err = pthread_create(&writer, &attr, write_on_request, pw)) != 0) {
			gb_skip(st, "pthread_create: %s", strerror(err));
		} else {
			if (pair)
				copy_beside_peer(st, pw, mine, dst);
			else
				copy_from_peer(st, pw, dst);
			__atomic_store_n(&pw->stop, 1, __ATOMIC_RELAXED);
			pthread_join(writer, NULL);
		}
	}
	pthread_attr_destroy(&attr);
	free(pw);
	free(src);
	free(dst);
	free(peer_dst);
	free(mine);
	pair_unplace(st, &pl);
}

/* --- the cache-line probe ------------------------------------------------------------ */

static void probe_lines(gb_state *st, const struct ipc_case *ic, bool each_way)
{
	struct pair_placement pl;
	if (pair_place(st, &pl, ic->pin) != 0)
		return;
	struct line_probe probe;
	int err = line_probe_start(&probe, pl.pinned ? &pl.peer : NULL, each_way);
	if (err) {
		gb_skip(st, "pthread_create: %s", strerror(err));
	} else {
		struct rt_sampler smp;
		sampler_open(&smp);
		while (gb_keep_running(st)) {
			if (sampler_due(&smp)) {
				int64_t t0 = now_ns();
				line_probe_round_trip(&probe);
				sampler_add(&smp, now_ns() - t0);
			} else {
				line_probe_round_trip(&probe);
			}
		}
		sampler_close(st, &smp, "round_trip_median_ns");
		line_probe_stop(&probe);
	}
	pair_unplace(st, &pl);
}

void ipc_run_cacheline(gb_state *st, const void *data)
{
	probe_lines(st, data, false);
}

void ipc_run_cacheline_each_way(gb_state *st, const void *data)
{
	probe_lines(st, data, true);
}
