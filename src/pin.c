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
/* Whether topo describes the machine this process runs on. A synthetic or XML topology
 * does not: placements are computed on it, and nothing is ever bound to them. */
static bool this_machine;

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
	/* HWLOC_SYNTHETIC or HWLOC_XMLFILE in the environment replace the machine. */
	this_machine = hwloc_topology_is_thissystem(topo);
	return 0;
}

/* Loads the topology that set_source (hwloc_topology_set_synthetic or _set_xml) names,
 * in place of any topology loaded. */
static int init_foreign(int (*set_source)(hwloc_topology_t, const char *), const char *arg)
{
	pin_fini();
	if (!arg)
		return EINVAL;
	hwloc_topology_t t;
	if (hwloc_topology_init(&t) != 0)
		return errno;
	int err = 0;
	/* hwloc says EINVAL for a description or file it cannot read; keep it at that. */
	if (set_source(t, arg) != 0 || hwloc_topology_load(t) != 0)
		err = errno > 0 ? errno : EINVAL;
	/* Without HWLOC_TOPOLOGY_FLAG_IS_THISSYSTEM, hwloc binds nothing for such a topology
	 * and takes the allowed PUs from it, not from this process; HWLOC_THISSYSTEM=1 in
	 * the environment would undo both (and HWLOC_THISSYSTEM_ALLOWED_RESOURCES=1 then
	 * cuts the topology down to this process's PUs). Refuse it. */
	else if (hwloc_topology_is_thissystem(t))
		err = ENOTSUP;
	if (err) {
		hwloc_topology_destroy(t);
		return err;
	}
	topo = t;
	this_machine = false;
	return 0;
}

int pin_init_synthetic(const char *description)
{
	return init_foreign(hwloc_topology_set_synthetic, description);
}

int pin_init_xml(const char *path)
{
	return init_foreign(hwloc_topology_set_xml, path);
}

bool pin_is_this_machine(void) { return topo && this_machine; }

void pin_fini(void)
{
	if (topo)
		hwloc_topology_destroy(topo);
	topo = NULL;
	this_machine = false;
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

/* The first object of type inside container that has at least two objects of type
 * inner, or NULL. With no object of type container (hwloc found no packages, say), the
 * whole machine is the one container. */
static hwloc_obj_t with_two(hwloc_obj_type_t container, hwloc_obj_type_t inner)
{
	unsigned n = count(container);
	if (n == 0) {
		hwloc_obj_t root = hwloc_get_root_obj(topo);
		return hwloc_get_nbobjs_inside_cpuset_by_type(topo, root->cpuset, inner) >= 2 ? root
											  : NULL;
	}
	for (unsigned k = 0; k < n; k++) {
		hwloc_obj_t obj = hwloc_get_obj_by_type(topo, container, k);
		if (hwloc_get_nbobjs_inside_cpuset_by_type(topo, obj->cpuset, inner) >= 2)
			return obj;
	}
	return NULL;
}

/* The first PU of the index-th core inside obj. */
static hwloc_obj_t core_pu(hwloc_obj_t obj, unsigned index)
{
	return pu_in(hwloc_get_obj_inside_cpuset_by_type(topo, obj->cpuset, HWLOC_OBJ_CORE, index),
		     0);
}

/* The two PUs of a pair under p. A pair the machine does not have falls back step by
 * step (different packages, then different cores, then SMT siblings, then one PU), and
 * the note says what was asked, what the machine lacks, and what is used instead:
 * "diff_package: this machine has one package and one core; using same_core". */
static void pair_pus(enum pin_policy p, hwloc_obj_t out[2], char *note, size_t size)
{
	const enum pin_policy asked = p;
	const char *lacks[3];
	unsigned nlacks = 0;
	hwloc_obj_t obj;
	out[0] = out[1] = pu(0);

	if (p == PIN_DIFF_PACKAGE) {
		if (count(HWLOC_OBJ_PACKAGE) >= 2) {
			out[0] = pu_in(hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0), 0);
			out[1] = pu_in(hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 1), 0);
		} else {
			lacks[nlacks++] = count(HWLOC_OBJ_PACKAGE) ? "one package" : "no package";
			p = PIN_DIFF_CORE;
		}
	}
	if (p == PIN_DIFF_CORE) {
		if ((obj = with_two(HWLOC_OBJ_PACKAGE, HWLOC_OBJ_CORE)) != NULL) {
			out[0] = core_pu(obj, 0);
			out[1] = core_pu(obj, 1);
		} else if (pin_ncores() >= 2) {
			/* Cores only one to a package: two cores, then, but of two packages. */
			lacks[nlacks++] = "no package with two cores";
			out[0] = core_pu(hwloc_get_root_obj(topo), 0);
			out[1] = core_pu(hwloc_get_root_obj(topo), 1);
			p = PIN_DIFF_PACKAGE;
		} else {
			lacks[nlacks++] = "one core";
			p = PIN_SAME_CORE;
		}
	}
	if (p == PIN_SAME_CORE) {
		if ((obj = with_two(HWLOC_OBJ_CORE, HWLOC_OBJ_PU)) != NULL) {
			out[0] = pu_in(obj, 0);
			out[1] = pu_in(obj, 1);
		} else {
			lacks[nlacks++] = "no SMT (no core has two hardware threads)";
			p = PIN_SAME_PU;
		}
	}
	if (nlacks == 0)
		return;
	int len = snprintf(note, size, "%s: this machine has", pin_policies[asked].name);
	for (unsigned k = 0; k < nlacks && len > 0 && (size_t)len < size; k++)
		len += snprintf(note + len, size - (size_t)len, "%s %s",
				k == 0 ? "" : k + 1 == nlacks ? " and" : ",", lacks[k]);
	if (len > 0 && (size_t)len < size)
		snprintf(note + len, size - (size_t)len, "; using %s", pin_policies[p].name);
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
		memset(sets, 0, sizeof sets);
		hwloc_obj_t root = hwloc_get_root_obj(topo);
		if (hwloc_distrib(topo, &root, 1, sets, total, INT_MAX, 0) == 0 && sets[i]) {
			hwloc_bitmap_copy(bits, sets[i]);
			hwloc_bitmap_singlify(bits);
		} else { /* out of memory */
			hwloc_bitmap_copy(bits, pu(i % npus)->cpuset);
			snprintf(note, note_size, "scatter: hwloc_distrib failed; using compact");
		}
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
	/* A synthetic or XML topology numbers PUs of another machine. */
	if (topo && !this_machine)
		return ENOTSUP;
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
