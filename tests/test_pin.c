/* test_pin.c - a worker started under a placement policy runs where the policy says
 * (its own sched_getaffinity, against the hwloc topology), and a pair policy the
 * machine cannot honour falls back with a note.
 *
 * The test_fake_* tests prove the policies on machines this one is not: two sockets with
 * SMT, four NUMA nodes, one socket with SMT, two cores like the machine the reference
 * ran on. pin.c loads each from hwloc's synthetic description and computes placements
 * on it without binding; the test loads its own copy of the same description and states
 * what each policy must pick in terms of that topology's structure (which core, which
 * package, which NUMA node a PU is in), never as bare CPU numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "pin.h"
#include "task.h"
#include "util.h"
#include "worker.h"

#include <hwloc.h>
#include <string.h>

static int setup(void **state)
{
	(void)state;
	return pin_init() || task_page_open();
}

static int teardown(void **state)
{
	(void)state;
	task_page_close();
	pin_fini();
	return 0;
}

static void test_parse(void **state)
{
	(void)state;
	enum pin_policy p;
	for (int i = 0; i < PIN_NPOLICIES; i++) {
		assert_int_equal(pin_policy_parse(pin_policies[i].name, &p), 0);
		assert_int_equal(p, i);
	}
	assert_int_equal(pin_policy_parse("everywhere", &p), EINVAL);
}

static void test_none_binds_nothing(void **state)
{
	(void)state;
	cpu_set_t set;
	char note[128];
	assert_false(pin_place(PIN_NONE, 0, 1, &set, note, sizeof note));
	assert_int_equal(CPU_COUNT(&set), 0);
}

/* Worker i of n, started by kind under policy p, reports the one CPU p gave it. */
static void check_policy(enum pin_policy p, const char *kind, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		cpu_set_t want;
		assert_true(pin_place(p, i, n, &want, NULL, 0));
		assert_int_equal(CPU_COUNT(&want), 1);
		struct worker w;
		CPU_ZERO(&task_page()->affinity);
		assert_int_equal(worker_start(&w, worker_kind_find(kind), &task_affinity, 0, &want), 0);
		assert_int_equal(worker_reap(&w), 0);
		assert_int_equal(w.exit.code, 0);
		assert_true(CPU_EQUAL(&task_page()->affinity, &want));
	}
}

static void test_compact_and_scatter(void **state)
{
	(void)state;
	unsigned n = pin_npus() * 2; /* past the PU count: placement wraps around */
	for (enum pin_policy p = PIN_COMPACT; p <= PIN_SCATTER; p++) {
		check_policy(p, "pthread", n);
		check_policy(p, "fork", n);
	}
}

static void test_compact_order(void **state)
{
	(void)state;
	/* compact fills PUs in order: workers 0 and npus land on the same PU. */
	cpu_set_t a, b;
	pin_place(PIN_COMPACT, 0, 1, &a, NULL, 0);
	pin_place(PIN_COMPACT, pin_npus(), 1, &b, NULL, 0);
	assert_true(CPU_EQUAL(&a, &b));
}

static void test_scatter_spreads(void **state)
{
	(void)state;
	if (pin_ncores() < 2)
		skip();
	cpu_set_t a, b;
	pin_place(PIN_SCATTER, 0, 2, &a, NULL, 0);
	pin_place(PIN_SCATTER, 1, 2, &b, NULL, 0);
	assert_false(CPU_EQUAL(&a, &b));
}

static void test_pairs(void **state)
{
	(void)state;
	for (enum pin_policy p = PIN_SAME_PU; p <= PIN_DIFF_PACKAGE; p++) {
		cpu_set_t a, b;
		char note[256];
		assert_true(pin_place(p, 0, 2, &a, note, sizeof note));
		assert_true(pin_place(p, 1, 2, &b, note, sizeof note));
		bool same = CPU_EQUAL(&a, &b);
		if (p == PIN_SAME_PU)
			assert_true(same);
		if (p == PIN_DIFF_CORE && pin_ncores() >= 2) {
			assert_false(same);
			assert_string_equal(note, "");
		}
		/* SMT siblings exist only when some core has two PUs. */
		if (p == PIN_SAME_CORE && pin_npus() == pin_ncores())
			assert_non_null(strstr(note, "no SMT"));
		check_policy(p, "fork", 2);
	}
}

static void test_summary(void **state)
{
	(void)state;
	char buf[256];
	assert_non_null(strstr(pin_topology_summary(buf, sizeof buf), "PU"));
}

/* --- machines this one is not ---------------------------------------------------- */

/* Two sockets with SMT, as hwloc numbers a synthetic topology (PU P#i is PU L#i)... */
#define TWO_SOCKETS "pack:2 core:8 pu:2"
/* ...and the same machine numbered as Linux numbers a two-socket x86 machine: the cores
 * of both packages first, their second hardware threads 16 further on (L#0 is P#0,
 * L#1 its sibling P#16, L#2 P#1). Logical order and CPU numbers part ways here. */
#define TWO_SOCKETS_X86 "pack:2 core:8 pu:2(indexes=2*16:1*2)"
#define FOUR_NUMA "numa:4 core:16 pu:1"     /* hwloc finds no package object here */
#define ONE_SOCKET_SMT "pack:1 core:4 pu:2"
#define TWO_CORES "pack:1 core:2 pu:1"       /* like the machine of the reference run */

static const char *const machines[] = {TWO_SOCKETS, TWO_SOCKETS_X86, FOUR_NUMA,
				       ONE_SOCKET_SMT, TWO_CORES};

/* pin.c loads the machine; the test loads its own copy of it, to read its structure. */
static hwloc_topology_t fake_load(const char *description)
{
	assert_int_equal(pin_init_synthetic(description), 0);
	hwloc_topology_t t;
	assert_int_equal(hwloc_topology_init(&t), 0);
	assert_int_equal(hwloc_topology_set_synthetic(t, description), 0);
	assert_int_equal(hwloc_topology_load(t), 0);
	assert_false(pin_is_this_machine());
	assert_int_equal(pin_npus(), hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU));
	assert_int_equal(pin_ncores(), hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE));
	return t;
}

static unsigned nobjs(hwloc_topology_t t, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(t, type);
	return n > 0 ? (unsigned)n : 0;
}

static hwloc_obj_t nth_pu(hwloc_topology_t t, unsigned i)
{
	return hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, i);
}

/* The core (or package) a PU is in; NULL when the topology has none. */
static hwloc_obj_t above(hwloc_topology_t t, hwloc_obj_t pu, hwloc_obj_type_t type)
{
	return hwloc_get_ancestor_obj_by_type(t, type, pu);
}

/* The one PU of t that pin_place gives worker i of n under p. */
static hwloc_obj_t placed(hwloc_topology_t t, enum pin_policy p, unsigned i, unsigned n,
			  char *note, size_t size)
{
	cpu_set_t set;
	assert_true(pin_place(p, i, n, &set, note, size));
	assert_int_equal(CPU_COUNT(&set), 1);
	int cpu = 0;
	while (!CPU_ISSET(cpu, &set))
		cpu++;
	hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(t, (unsigned)cpu);
	assert_non_null(pu);
	return pu;
}

static void test_fake_load(void **state)
{
	(void)state;
	static const struct {
		const char *machine;
		unsigned pus, cores;
		const char *summary;
	} want[] = {
		{TWO_SOCKETS, 32, 16, "2 packages, 16 cores, 32 PUs, 1 NUMA node"},
		{TWO_SOCKETS_X86, 32, 16, "2 packages, 16 cores, 32 PUs, 1 NUMA node"},
		{FOUR_NUMA, 64, 64, "0 packages, 64 cores, 64 PUs, 4 NUMA nodes"},
		{ONE_SOCKET_SMT, 8, 4, "1 package, 4 cores, 8 PUs, 1 NUMA node"},
		{TWO_CORES, 2, 2, "1 package, 2 cores, 2 PUs, 1 NUMA node"},
		/* The largest cache, with its size and how many there are. */
		{"pack:2 l3:1(size=32MiB) core:8 pu:2", 32, 16,
		 "2 packages, 16 cores, 32 PUs, 1 NUMA node, L3 32768 KiB x2"},
	};
	char buf[256];
	for (size_t k = 0; k < ARRAY_SIZE(want); k++) {
		assert_int_equal(pin_init_synthetic(want[k].machine), 0);
		assert_false(pin_is_this_machine());
		assert_int_equal(pin_npus(), want[k].pus);
		assert_int_equal(pin_ncores(), want[k].cores);
		assert_string_equal(pin_topology_summary(buf, sizeof buf), want[k].summary);
	}
	assert_int_equal(pin_llc_bytes(), 32ull << 20);

	/* A description hwloc cannot read: EINVAL, and no topology left loaded. */
	cpu_set_t set;
	assert_int_equal(pin_init_synthetic("pack:2 banana:3"), EINVAL);
	assert_false(pin_place(PIN_COMPACT, 0, 1, &set, NULL, 0));
	assert_int_equal(pin_init_synthetic(NULL), EINVAL);
	assert_int_equal(pin_init_xml("/nonexistent/topology.xml"), ENOENT);
	assert_false(pin_place(PIN_COMPACT, 0, 1, &set, NULL, 0));
	/* And back to this machine. */
	assert_int_equal(pin_init(), 0);
	assert_true(pin_is_this_machine());
}

/* HWLOC_THISSYSTEM=1 would make hwloc bind for real to a synthetic topology, and with
 * HWLOC_THISSYSTEM_ALLOWED_RESOURCES=1 cut it down to this process's PUs: refused. (Each
 * test runs in a child of its own: the environment set here goes with it.) */
static void test_fake_refuses_this_system(void **state)
{
	(void)state;
	setenv("HWLOC_THISSYSTEM", "1", 1);
	assert_int_equal(pin_init_synthetic(TWO_SOCKETS), ENOTSUP);
	setenv("HWLOC_THISSYSTEM_ALLOWED_RESOURCES", "1", 1);
	assert_int_equal(pin_init_synthetic(TWO_SOCKETS), ENOTSUP);
	unsetenv("HWLOC_THISSYSTEM");
	unsetenv("HWLOC_THISSYSTEM_ALLOWED_RESOURCES");
	assert_int_equal(pin_init_synthetic(TWO_SOCKETS), 0);
}

/* Placing on another machine's topology binds nothing: this process keeps its CPUs,
 * pin_bind_self refuses, and "every PU" is every PU of that topology, not the PUs this
 * process may use. */
static void test_fake_binds_nothing(void **state)
{
	(void)state;
	cpu_set_t before, after, set;
	assert_int_equal(sched_getaffinity(0, sizeof before, &before), 0);
	for (size_t m = 0; m < ARRAY_SIZE(machines); m++) {
		hwloc_topology_t t = fake_load(machines[m]);
		unsigned npus = pin_npus();
		for (enum pin_policy p = PIN_COMPACT; p < PIN_NPOLICIES; p++) {
			for (unsigned i = 0; i < npus; i++) {
				assert_true(pin_place(p, i, npus, &set, NULL, 0));
				assert_int_equal(pin_bind_self(&set), ENOTSUP);
			}
		}
		pin_all_pus(&set);
		assert_int_equal(CPU_COUNT(&set), npus);
		for (unsigned i = 0; i < npus; i++)
			assert_true(CPU_ISSET((int)nth_pu(t, i)->os_index, &set));
		hwloc_topology_destroy(t);
	}
	assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
	assert_true(CPU_EQUAL(&before, &after));
}

/* compact: worker i on PU i in hwloc's logical order, so SMT siblings fill first; past
 * the last PU it starts over. */
static void check_compact(hwloc_topology_t t)
{
	unsigned npus = nobjs(t, HWLOC_OBJ_PU), n = npus + 3;
	char note[256];
	for (unsigned i = 0; i < n; i++) {
		assert_ptr_equal(placed(t, PIN_COMPACT, i, n, note, sizeof note), nth_pu(t, i % npus));
		assert_string_equal(note, "");
	}
	/* With SMT, workers 0 and 1 share a core. */
	if (npus > nobjs(t, HWLOC_OBJ_CORE))
		assert_ptr_equal(above(t, placed(t, PIN_COMPACT, 0, 2, NULL, 0), HWLOC_OBJ_CORE),
				 above(t, placed(t, PIN_COMPACT, 1, 2, NULL, 0), HWLOC_OBJ_CORE));
}

static void test_fake_compact(void **state)
{
	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(machines); m++) {
		hwloc_topology_t t = fake_load(machines[m]);
		check_compact(t);
		hwloc_topology_destroy(t);
	}
}

/* scatter: n workers spread evenly at every level at once. For packages, NUMA nodes,
 * cores and PUs alike, the number of workers on any two objects of that level differs
 * by one at most: so two packages share the first two workers, no core gets a second
 * worker while a core is free, and no PU a second while a PU is free. */
static void check_scatter(hwloc_topology_t t)
{
	static const hwloc_obj_type_t levels[] = {HWLOC_OBJ_PACKAGE, HWLOC_OBJ_NUMANODE,
						  HWLOC_OBJ_CORE, HWLOC_OBJ_PU};
	unsigned npus = nobjs(t, HWLOC_OBJ_PU);
	hwloc_obj_t pus[2 * npus + 1];
	char note[256];
	for (unsigned n = 1; n <= 2 * npus + 1; n++) {
		for (unsigned i = 0; i < n; i++) {
			pus[i] = placed(t, PIN_SCATTER, i, n, note, sizeof note);
			assert_string_equal(note, "");
		}
		for (size_t l = 0; l < ARRAY_SIZE(levels); l++) {
			unsigned nlevel = nobjs(t, levels[l]), least = n, most = 0;
			for (unsigned k = 0; k < nlevel; k++) {
				hwloc_obj_t obj = hwloc_get_obj_by_type(t, levels[l], k);
				unsigned here = 0;
				for (unsigned i = 0; i < n; i++)
					here += hwloc_bitmap_isset(obj->cpuset, pus[i]->os_index);
				least = here < least ? here : least;
				most = here > most ? here : most;
			}
			if (nlevel > 0 && most > least + 1)
				fail_msg("scatter, %u workers: %u on one %s, %u on another", n, most,
					 hwloc_obj_type_string(levels[l]), least);
		}
	}
}

static void test_fake_scatter(void **state)
{
	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(machines); m++) {
		hwloc_topology_t t = fake_load(machines[m]);
		check_scatter(t);
		hwloc_topology_destroy(t);
	}
}

/* The rule above, in the cases one pictures: on two sockets with SMT, two workers on the
 * two packages, four workers on four cores, two on each package; on four NUMA nodes,
 * four workers on the four nodes. */
static void test_fake_scatter_cases(void **state)
{
	(void)state;
	hwloc_topology_t t = fake_load(TWO_SOCKETS_X86);
	assert_ptr_not_equal(above(t, placed(t, PIN_SCATTER, 0, 2, NULL, 0), HWLOC_OBJ_PACKAGE),
			     above(t, placed(t, PIN_SCATTER, 1, 2, NULL, 0), HWLOC_OBJ_PACKAGE));
	hwloc_obj_t cores[4];
	unsigned on_first = 0;
	for (unsigned i = 0; i < 4; i++) {
		hwloc_obj_t pu = placed(t, PIN_SCATTER, i, 4, NULL, 0);
		cores[i] = above(t, pu, HWLOC_OBJ_CORE);
		on_first += above(t, pu, HWLOC_OBJ_PACKAGE)->logical_index == 0;
		for (unsigned j = 0; j < i; j++)
			assert_ptr_not_equal(cores[i], cores[j]);
	}
	assert_int_equal(on_first, 2);
	hwloc_topology_destroy(t);

	t = fake_load(FOUR_NUMA);
	hwloc_bitmap_t nodes = hwloc_bitmap_alloc();
	for (unsigned i = 0; i < 4; i++) {
		hwloc_obj_t pu = placed(t, PIN_SCATTER, i, 4, NULL, 0);
		hwloc_bitmap_t here = hwloc_bitmap_alloc();
		hwloc_cpuset_to_nodeset(t, pu->cpuset, here);
		assert_int_equal(hwloc_bitmap_weight(here), 1);
		hwloc_bitmap_or(nodes, nodes, here);
		hwloc_bitmap_free(here);
	}
	assert_int_equal(hwloc_bitmap_weight(nodes), 4);
	hwloc_bitmap_free(nodes);
	hwloc_topology_destroy(t);
}

/* What a pair of PUs is, the closest first: one PU, two PUs of one core (SMT siblings),
 * two cores of one package (or of the machine, where hwloc finds no package), two
 * packages. */
static enum pin_policy pair_of(hwloc_topology_t t, hwloc_obj_t a, hwloc_obj_t b)
{
	if (a == b)
		return PIN_SAME_PU;
	if (above(t, a, HWLOC_OBJ_CORE) == above(t, b, HWLOC_OBJ_CORE))
		return PIN_SAME_CORE;
	if (above(t, a, HWLOC_OBJ_PACKAGE) == above(t, b, HWLOC_OBJ_PACKAGE))
		return PIN_DIFF_CORE;
	return PIN_DIFF_PACKAGE;
}

/* Each pair policy on each machine: the pair it gets, and when that is not the pair
 * asked for, what the note must say the machine lacks. No note when it is. */
static const struct pair_case {
	const char *machine;
	enum pin_policy asked, got;
	const char *lacks;
} pair_cases[] = {
	{TWO_SOCKETS, PIN_SAME_PU, PIN_SAME_PU, NULL},
	{TWO_SOCKETS, PIN_SAME_CORE, PIN_SAME_CORE, NULL},
	{TWO_SOCKETS, PIN_DIFF_CORE, PIN_DIFF_CORE, NULL},
	{TWO_SOCKETS, PIN_DIFF_PACKAGE, PIN_DIFF_PACKAGE, NULL},
	{TWO_SOCKETS_X86, PIN_SAME_PU, PIN_SAME_PU, NULL},
	{TWO_SOCKETS_X86, PIN_SAME_CORE, PIN_SAME_CORE, NULL},
	{TWO_SOCKETS_X86, PIN_DIFF_CORE, PIN_DIFF_CORE, NULL},
	{TWO_SOCKETS_X86, PIN_DIFF_PACKAGE, PIN_DIFF_PACKAGE, NULL},
	{FOUR_NUMA, PIN_SAME_PU, PIN_SAME_PU, NULL},
	{FOUR_NUMA, PIN_SAME_CORE, PIN_SAME_PU, "no SMT"},
	{FOUR_NUMA, PIN_DIFF_CORE, PIN_DIFF_CORE, NULL},
	{FOUR_NUMA, PIN_DIFF_PACKAGE, PIN_DIFF_CORE, "no package"},
	{ONE_SOCKET_SMT, PIN_SAME_PU, PIN_SAME_PU, NULL},
	{ONE_SOCKET_SMT, PIN_SAME_CORE, PIN_SAME_CORE, NULL},
	{ONE_SOCKET_SMT, PIN_DIFF_CORE, PIN_DIFF_CORE, NULL},
	{ONE_SOCKET_SMT, PIN_DIFF_PACKAGE, PIN_DIFF_CORE, "one package"},
	{TWO_CORES, PIN_SAME_PU, PIN_SAME_PU, NULL},
	{TWO_CORES, PIN_SAME_CORE, PIN_SAME_PU, "no SMT"},
	{TWO_CORES, PIN_DIFF_CORE, PIN_DIFF_CORE, NULL},
	{TWO_CORES, PIN_DIFF_PACKAGE, PIN_DIFF_CORE, "one package"},
	/* Falling back more than one step: the note names all the machine lacks. */
	{"pack:1 core:1 pu:2", PIN_DIFF_CORE, PIN_SAME_CORE, "one core"},
	{"pack:1 core:1 pu:2", PIN_DIFF_PACKAGE, PIN_SAME_CORE, "one package and one core"},
	{"pack:1 core:1 pu:1", PIN_DIFF_CORE, PIN_SAME_PU, "one core and no SMT"},
	{"pack:1 core:1 pu:1", PIN_DIFF_PACKAGE, PIN_SAME_PU, "one package, one core and no SMT"},
	/* Cores one to a package: diff_core gets two cores, but on two packages. */
	{"pack:2 core:1 pu:1", PIN_DIFF_CORE, PIN_DIFF_PACKAGE, "no package with two cores"},
	{"pack:2 core:1 pu:1", PIN_DIFF_PACKAGE, PIN_DIFF_PACKAGE, NULL},
};

static void check_pair(hwloc_topology_t t, const struct pair_case *c)
{
	char note[256], note1[256], want[128];
	hwloc_obj_t a = placed(t, c->asked, 0, 2, note, sizeof note);
	hwloc_obj_t b = placed(t, c->asked, 1, 2, note1, sizeof note1);
	if (pair_of(t, a, b) != c->got)
		fail_msg("%s on %s: a %s pair (PU L#%u and L#%u), not %s", pin_policies[c->asked].name,
			 c->machine, pin_policies[pair_of(t, a, b)].name, a->logical_index,
			 b->logical_index, pin_policies[c->got].name);
	assert_string_equal(note1, note);
	/* Workers past the pair alternate between its two PUs. */
	assert_ptr_equal(placed(t, c->asked, 2, 4, NULL, 0), a);
	assert_ptr_equal(placed(t, c->asked, 3, 4, NULL, 0), b);
	if (!c->lacks) {
		assert_string_equal(note, "");
		return;
	}
	/* "<asked>: this machine has <what it lacks>; using <what it got>" */
	snprintf(want, sizeof want, "%s: this machine has ", pin_policies[c->asked].name);
	if (strncmp(note, want, strlen(want)) != 0 || !strstr(note, c->lacks))
		fail_msg("%s on %s: note \"%s\" does not say the machine has %s",
			 pin_policies[c->asked].name, c->machine, note, c->lacks);
	snprintf(want, sizeof want, "; using %s", pin_policies[c->got].name);
	size_t len = strlen(note), wlen = strlen(want);
	if (len < wlen || strcmp(note + len - wlen, want) != 0)
		fail_msg("%s on %s: note \"%s\" does not end in \"%s\"",
			 pin_policies[c->asked].name, c->machine, note, want);
}

static void test_fake_pairs(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(pair_cases); k++) {
		hwloc_topology_t t = fake_load(pair_cases[k].machine);
		check_pair(t, &pair_cases[k]);
		hwloc_topology_destroy(t);
	}
}

/* Another machine's lstopo XML (every results folder has one) loads as well, and the
 * same rules hold on it. */
static void test_fake_xml(void **state)
{
	(void)state;
	hwloc_topology_t t = fake_load(TWO_SOCKETS_X86);
	char path[] = "/tmp/tvp-test-pin-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(hwloc_topology_export_xml(t, path, 0), 0);
	hwloc_topology_destroy(t);

	assert_int_equal(pin_init_xml(path), 0);
	assert_false(pin_is_this_machine());
	assert_int_equal(hwloc_topology_init(&t), 0);
	assert_int_equal(hwloc_topology_set_xml(t, path), 0);
	assert_int_equal(hwloc_topology_load(t), 0);
	unlink(path);
	check_compact(t);
	check_scatter(t);
	for (size_t k = 0; k < ARRAY_SIZE(pair_cases); k++)
		if (strcmp(pair_cases[k].machine, TWO_SOCKETS_X86) == 0)
			check_pair(t, &pair_cases[k]);
	cpu_set_t set;
	pin_place(PIN_DIFF_PACKAGE, 0, 2, &set, NULL, 0);
	assert_int_equal(pin_bind_self(&set), ENOTSUP);
	hwloc_topology_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_none_binds_nothing),
		cmocka_unit_test(test_compact_and_scatter),
		cmocka_unit_test(test_compact_order),
		cmocka_unit_test(test_scatter_spreads),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_fake_load),
		cmocka_unit_test(test_fake_refuses_this_system),
		cmocka_unit_test(test_fake_binds_nothing),
		cmocka_unit_test(test_fake_compact),
		cmocka_unit_test(test_fake_scatter),
		cmocka_unit_test(test_fake_scatter_cases),
		cmocka_unit_test(test_fake_pairs),
		cmocka_unit_test(test_fake_xml),
	};
	return tvp_run_tests("pin", tests, setup, teardown);
}
