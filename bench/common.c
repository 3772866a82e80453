/* common.c - parent memory, start failures and pair placement, shared by the scenario
 * files. */
#include "common.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct mem_region region;

int parent_memory(gb_state *st, size_t mib, enum mem_layout layout)
{
	if (region.size == mib << 20 && region.layout == layout)
		return 0;
	mem_region_free(&region);
	long avail = mem_available_kib();
	if (avail >= 0 && (long)(mib * 1024) > avail / 2) {
		gb_skip(st, "parent memory %zu MiB: more than half of MemAvailable (%ld MiB)", mib,
			avail / 1024);
		return -1;
	}
	int err = mem_region_make(&region, mib << 20, layout);
	if (err == EOPNOTSUPP) {
		char thp[32];
		gb_skip(st, "transparent huge pages are [%s] in "
			    "/sys/kernel/mm/transparent_hugepage/enabled",
			mem_thp_mode(thp, sizeof thp));
		return -1;
	}
	if (err == ENOSPC) {
		gb_skip(st, "%zu MiB in 64 KiB mappings passes vm.max_map_count", mib);
		return -1;
	}
	if (err) {
		gb_skip(st, "mmap of %zu MiB parent memory: %s", mib, strerror(err));
		return -1;
	}
	return 0;
}

const struct mem_region *parent_memory_region(void) { return &region; }

void parent_memory_free(void) { mem_region_free(&region); }

void skip_start_error(gb_state *st, const struct worker_kind *k, int err)
{
	char why[128];
	gb_skip(st, "%s: %s", k->desc, worker_error_str(err, why, sizeof why));
}

double rusage_cpu_ns(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e9 +
	       (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1e3;
}

struct line_bounce {
	_Alignas(128) uint32_t turn;
	uint32_t stop;
};

static void *bounce_back(void *arg)
{
	struct line_bounce *b = arg;
	for (;;) {
		uint32_t t;
		while ((t = __atomic_load_n(&b->turn, __ATOMIC_ACQUIRE)) % 2 == 0)
			if (__atomic_load_n(&b->stop, __ATOMIC_RELAXED))
				return NULL;
		__atomic_store_n(&b->turn, t + 1, __ATOMIC_RELEASE);
	}
}

int line_probe_start(struct line_probe *p, const cpu_set_t *peer)
{
	p->line = aligned_alloc(128, sizeof *p->line);
	if (!p->line)
		return ENOMEM;
	*p->line = (struct line_bounce){0, 0};
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	if (peer)
		pthread_attr_setaffinity_np(&attr, sizeof *peer, peer);
	int err = pthread_create(&p->thread, &attr, bounce_back, p->line);
	pthread_attr_destroy(&attr);
	if (err)
		free(p->line);
	return err;
}

void line_probe_round_trip(struct line_probe *p)
{
	uint32_t turn = __atomic_load_n(&p->line->turn, __ATOMIC_RELAXED);
	__atomic_store_n(&p->line->turn, turn + 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&p->line->turn, __ATOMIC_ACQUIRE) != turn + 2) {
	}
}

void line_probe_stop(struct line_probe *p)
{
	__atomic_store_n(&p->line->stop, 1, __ATOMIC_RELAXED);
	pthread_join(p->thread, NULL);
	free(p->line);
}

/* ns per round trip over a short burst; 0 when the probe thread cannot start. */
static double probe_pair(const cpu_set_t *peer)
{
	enum { ROUNDS = 2000 };
	struct line_probe p;
	if (line_probe_start(&p, peer) != 0)
		return 0;
	line_probe_round_trip(&p); /* the peer is running */
	int64_t t0 = now_ns();
	for (int i = 0; i < ROUNDS; i++)
		line_probe_round_trip(&p);
	double ns = (double)(now_ns() - t0) / ROUNDS;
	line_probe_stop(&p);
	return ns;
}

void pair_place(gb_state *st, struct pair_placement *pl, enum pin_policy pin)
{
	cpu_set_t mine;
	char note[256];
	pl->pinned = pin_place(pin, 0, 2, &mine, note, sizeof note);
	if (!pl->pinned)
		return;
	pin_place(pin, 1, 2, &pl->peer, NULL, 0);
	sched_getaffinity(0, sizeof pl->saved, &pl->saved);
	pin_bind_self(&mine);
	if (note[0])
		gb_set_label(st, note);
	/* On one PU the two spinning threads would take turns by time slice. */
	pl->probe_ns = CPU_EQUAL(&mine, &pl->peer) ? 0 : probe_pair(&pl->peer);
}

void pair_unplace(gb_state *st, struct pair_placement *pl)
{
	if (!pl->pinned)
		return;
	if (pl->probe_ns > 0) {
		double after = probe_pair(&pl->peer);
		if (after > pl->probe_ns)
			pl->probe_ns = after;
	}
	pin_bind_self(&pl->saved);
	if (pl->probe_ns > 0 && !gb_error_occurred(st))
		gb_counter(st, "probe_ns", pl->probe_ns, 0);
}
