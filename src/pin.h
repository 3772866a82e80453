/* pin.h - placement with hwloc: where worker i of n runs under a policy.
 *
 * The topology is loaded once. Policies for N workers are none, compact (fill the PUs in
 * hwloc's logical order, so SMT siblings first) and scatter (hwloc_distrib: spread over
 * packages, then cores). Policies for a pair of workers are same_pu, same_core (SMT
 * siblings), diff_core and diff_package; a machine without such a pair gets the nearest
 * one it has, and a note that says so.
 *
 * The topology is this machine's (pin_init) or another machine's (pin_init_synthetic,
 * pin_init_xml): placements are then computed on that topology exactly as on a real
 * one, and never bound, so the policies can be checked on machines one does not have.
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

/* Loads the topology; returns 0 or an errno value. Safe to call again: a topology
 * already loaded, this machine's or not, stays. */
int pin_init(void);
void pin_fini(void);

/* Loads the topology of another machine in place of any topology loaded, to compute
 * placements on it: a synthetic description in hwloc's syntax ("pack:2 core:8 pu:2",
 * "numa:4 core:16 pu:1"; "pack:2 core:8 pu:2(indexes=2*16:1*2)" numbers its PUs as
 * Linux numbers a two-socket x86 machine), or an XML file (lstopo's topology.xml, as
 * every results folder has).
 * Then pin_place, pin_all_pus (every PU of that topology, not those this process may
 * use), the counts and the summary answer for it, and pin_bind_self refuses: nothing
 * is bound to its PUs. Returns 0, EINVAL for a description or file hwloc cannot read
 * (ENOENT for a file that is not there), ENOTSUP when HWLOC_THISSYSTEM=1 in the
 * environment would make hwloc take it for this machine, or another errno value; on an
 * error no topology is loaded. */
int pin_init_synthetic(const char *description);
int pin_init_xml(const char *path);

/* True when the loaded topology is this machine's: false for none, for a synthetic or
 * XML one, and for pin_init under HWLOC_SYNTHETIC or HWLOC_XMLFILE. */
bool pin_is_this_machine(void);

/* Returns 0 and sets *out, or EINVAL for an unknown name. */
int pin_policy_parse(const char *name, enum pin_policy *out);

/* Fills set with the single PU for worker i of n under p (its OS index, as
 * sched_setaffinity takes it; pair policies place workers 0 and 1, i modulo 2). Only
 * computes: binds nothing. Returns false for PIN_NONE (leave the worker unbound) and
 * when no topology is loaded. When the machine cannot honour p, the nearest placement
 * is used and note (if not NULL) says what was asked, what the machine lacks and what is
 * used ("same_core: this machine has no SMT (...); using same_pu"); otherwise note is
 * set to "". */
bool pin_place(enum pin_policy p, unsigned i, unsigned n, cpu_set_t *set, char *note,
	       size_t note_size);

/* Binds the calling thread to set. Returns 0 or an errno value: ENOTSUP, binding
 * nothing, when the loaded topology is not this machine's (see pin_is_this_machine). */
int pin_bind_self(const cpu_set_t *set);

/* Every PU the process may use (the topology's allowed set): what an unpinned worker
 * gets, whatever the creating thread is bound to. For another machine's topology, every
 * PU of it. */
void pin_all_pus(cpu_set_t *set);

/* Size in bytes of the largest cache level (the last-level cache), or 0 if unknown. */
unsigned long long pin_llc_bytes(void);

unsigned pin_npus(void);
unsigned pin_ncores(void);

/* "1 package, 2 cores, 2 PUs, 1 NUMA node, L3 32768 KiB x1" */
const char *pin_topology_summary(char *buf, size_t size);

#endif
