/* pin.c - placement policies over the hwloc topology. */
#include "pin.h"
#include "util.h"

#include <errno.h>
#include <hwloc.h>
#include <hwloc/glibc-sched.h>
#include <stdio.h>
#include <string.h>

const struct pin_policy_info pin_policies[PIN_NPOLICIES] = {
	[PIN_NONE] = {"none", "no binding: the scheduler places every worker", false},
	[PIN_COMPACT] = {"compact", "worker i on PU i in logical order (SMT siblings first)", false},
	[PIN_SCATTER] = {"scatter", "workers spread over packages, then cores (hwloc_distrib)", false},
	[PIN_SAME_PU] = {"same_pu", "both workers of a pair on one PU", true},
	[PIN_SAME_CORE] = {"same_core", "a pair on two SMT siblings of one core", true},
	[PIN_DIFF_CORE] = {"diff_core", "a pair on two cores of one package", true},
	[PIN_DIFF_PACKAGE] = {"diff_package", "a pair on two packages", true},
};

static hwloc_topology_t topo;

int pin_init(void)
{
	if (topo)
		return 0;
	if (hwloc_topology_init(&topo) != 0)
		return errno;
	if (hwloc_topology_load(topo) != 0) {
		int err = errno;
		hwloc_topology_destroy(topo);
		topo = NULL;
		return err;
	}
	return 0;
}

void pin_fini(void)
{
	if (topo)
		hwloc_topology_destroy(topo);
	topo = NULL;
}

int pin_policy_parse(const char *name, enum pin_policy *out)
{
	for (int p = 0; p < PIN_NPOLICIES; p++) {
		if (strcmp(pin_policies[p].name, name) == 0) {
			*out = (enum pin_policy)p;
			return 0;
		}
	}
	return EINVAL;
}

static unsigned count(hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(topo, type);
	return n > 0 ? (unsigned)n : 0;
}

unsigned pin_npus(void) { return count(HWLOC_OBJ_PU); }
unsigned pin_ncores(void) { return count(HWLOC_OBJ_CORE); }

static hwloc_obj_t pu(unsigned i) { return hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, i); }

/* First PU inside obj, or its index-th PU; NULL if it has fewer. */
static hwloc_obj_t pu_in(hwloc_obj_t obj, unsigned index)
{
	return hwloc_get_obj_inside_cpuset_by_type(topo, obj->cpuset, HWLOC_OBJ_PU, index);
}

static hwloc_obj_t ancestor(hwloc_obj_t obj, hwloc_obj_type_t type)
{
	return hwloc_get_ancestor_obj_by_type(topo, type, obj);
}

/* The two PUs of a pair under p, falling back step by step: different packages, then
 * different cores, then SMT siblings, then one PU. */
static void pair_pus(enum pin_policy p, hwloc_obj_t out[2], char *note, size_t size)
{
	unsigned ncores = pin_ncores(), npkgs = count(HWLOC_OBJ_PACKAGE);
	out[0] = out[1] = pu(0);

	if (p == PIN_DIFF_PACKAGE) {
		if (npkgs >= 2) {
			out[1] = pu_in(hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 1), 0);
			return;
		}
		snprintf(note, size, "diff_package: this machine has one package; using diff_core");
		p = PIN_DIFF_CORE;
	}
	if (p == PIN_DIFF_CORE) {
		/* Prefer a second core in the first PU's own package. */
		hwloc_obj_t pkg = ancestor(out[0], HWLOC_OBJ_PACKAGE);
		hwloc_obj_t core = pkg ? hwloc_get_obj_inside_cpuset_by_type(
						 topo, pkg->cpuset, HWLOC_OBJ_CORE, 1)
				       : NULL;
		if (!core && ncores >= 2)
			core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, 1);
		if (core) {
			out[1] = pu_in(core, 0);
			return;
		}
		if (!note[0])
			snprintf(note, size, "diff_core: this machine has one core; using same_core");
		p = PIN_SAME_CORE;
	}
	if (p == PIN_SAME_CORE) {
		for (unsigned c = 0; c < ncores; c++) {
			hwloc_obj_t core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, c);
			if (core && pu_in(core, 1)) {
				out[0] = pu_in(core, 0);
				out[1] = pu_in(core, 1);
				return;
			}
		}
		if (!note[0])
			snprintf(note, size,
				 "same_core: no core has two hardware threads (no SMT); using same_pu");
	}
}

bool pin_place(enum pin_policy p, unsigned i, unsigned n, cpu_set_t *set, char *note,
	       size_t note_size)
{
	char scratch[1];
	if (!note) {
		note = scratch;
		note_size = sizeof scratch;
	}
	note[0] = '\0';
	CPU_ZERO(set);
	if (p == PIN_NONE || !topo)
		return false;

	hwloc_bitmap_t bits = hwloc_bitmap_alloc();
	unsigned npus = pin_npus();
	if (p == PIN_COMPACT) {
		hwloc_bitmap_copy(bits, pu(i % npus)->cpuset);
	} else if (p == PIN_SCATTER) {
		unsigned total = n > i ? n : i + 1;
		hwloc_bitmap_t sets[total]; /* hwloc_distrib allocates each one */
		hwloc_obj_t root = hwloc_get_root_obj(topo);
		hwloc_distrib(topo, &root, 1, sets, total, INT_MAX, 0);
		hwloc_bitmap_copy(bits, sets[i]);
		hwloc_bitmap_singlify(bits);
		for (unsigned k = 0; k < total; k++)
			hwloc_bitmap_free(sets[k]);
	} else {
		hwloc_obj_t two[2];
		pair_pus(p, two, note, note_size);
		hwloc_bitmap_copy(bits, two[i % 2]->cpuset);
	}
	hwloc_cpuset_to_glibc_sched_affinity(topo, bits, set, sizeof *set);
	hwloc_bitmap_free(bits);
	return true;
}

void pin_all_pus(cpu_set_t *set)
{
	CPU_ZERO(set);
	if (!topo) {
		sched_getaffinity(0, sizeof *set, set);
		return;
	}
	hwloc_cpuset_to_glibc_sched_affinity(topo, hwloc_topology_get_allowed_cpuset(topo), set,
					     sizeof *set);
}

static hwloc_obj_t last_level_cache(void)
{
	hwloc_obj_t llc = NULL;
	for (hwloc_obj_type_t t = HWLOC_OBJ_L3CACHE; t >= HWLOC_OBJ_L1CACHE && !llc; t--)
		llc = hwloc_get_obj_by_type(topo, t, 0);
	return llc;
}

unsigned long long pin_llc_bytes(void)
{
	hwloc_obj_t llc = topo ? last_level_cache() : NULL;
	return llc && llc->attr ? (unsigned long long)llc->attr->cache.size : 0;
}

int pin_bind_self(const cpu_set_t *set)
{
	return sched_setaffinity(0, sizeof *set, set) == 0 ? 0 : errno;
}

const char *pin_topology_summary(char *buf, size_t size)
{
	if (!topo) {
		snprintf(buf, size, "unknown (hwloc topology not loaded)");
		return buf;
	}
	unsigned pkgs = count(HWLOC_OBJ_PACKAGE), cores = pin_ncores(), pus = pin_npus();
	unsigned numa = count(HWLOC_OBJ_NUMANODE);
	int len = snprintf(buf, size, "%u package%s, %u core%s, %u PU%s, %u NUMA node%s", pkgs,
			   pkgs == 1 ? "" : "s", cores, cores == 1 ? "" : "s", pus,
			   pus == 1 ? "" : "s", numa, numa == 1 ? "" : "s");
	/* The largest cache, which is what a memory-heavy scenario runs out of. */
	hwloc_obj_t llc = last_level_cache();
	if (llc && llc->attr && len > 0 && (size_t)len < size) {
		unsigned nllc = count(llc->type);
		snprintf(buf + len, size - (size_t)len, ", L%u %llu KiB x%u", llc->attr->cache.depth,
			 (unsigned long long)llc->attr->cache.size / 1024, nllc);
	}
	return buf;
}
