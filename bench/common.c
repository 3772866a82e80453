/* common.c - parent memory, start failures and pair placement, shared by the scenario
 * files. */
#include "common.h"

#include <errno.h>
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
}

void pair_unplace(struct pair_placement *pl)
{
	if (pl->pinned)
		pin_bind_self(&pl->saved);
}
