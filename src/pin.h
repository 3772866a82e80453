/* pin.h - placement with hwloc: where worker i of n runs under a policy.
 *
 * The topology is loaded once. Policies for N workers are none, compact (fill the PUs in
 * hwloc's logical order, so SMT siblings first) and scatter (hwloc_distrib: spread over
 * packages, then cores). Policies for a pair of workers are same_pu, same_core (SMT
 * siblings), diff_core and diff_package; a machine without such a pair gets the nearest
 * one it has, and a note that says so.
 */
#ifndef TVP_PIN_H
#define TVP_PIN_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

enum pin_policy {
	PIN_NONE,
	PIN_COMPACT,
	PIN_SCATTER,
	PIN_SAME_PU,
	PIN_SAME_CORE,
	PIN_DIFF_CORE,
	PIN_DIFF_PACKAGE,
	PIN_NPOLICIES
};

struct pin_policy_info {
	const char *name;
	const char *desc;
	bool pair;          /* a policy for two workers */
};
extern const struct pin_policy_info pin_policies[PIN_NPOLICIES];

/* Loads the topology; returns 0 or an errno value. Safe to call again. */
int pin_init(void);
void pin_fini(void);

/* Returns 0 and sets *out, or EINVAL for an unknown name. */
int pin_policy_parse(const char *name, enum pin_policy *out);

/* Fills set with the single PU for worker i of n under p. Returns false for PIN_NONE
 * (leave the worker unbound). When the machine cannot honour p, the nearest placement
 * is used and note (if not NULL) explains it; otherwise note is set to "". */
bool pin_place(enum pin_policy p, unsigned i, unsigned n, cpu_set_t *set, char *note,
	       size_t note_size);

/* Binds the calling thread to set. Returns 0 or an errno value. */
int pin_bind_self(const cpu_set_t *set);

/* Every PU the process may use (the topology's allowed set): what an unpinned worker
 * gets, whatever the creating thread is bound to. */
void pin_all_pus(cpu_set_t *set);

/* Size in bytes of the largest cache level (the last-level cache), or 0 if unknown. */
unsigned long long pin_llc_bytes(void);

unsigned pin_npus(void);
unsigned pin_ncores(void);

/* "1 package, 2 cores, 2 PUs, 1 NUMA node, L3 32 MiB" */
const char *pin_topology_summary(char *buf, size_t size);

#endif
