/* describe.c - the suite's description: the tables benchmark names are made of, and the
 * families the scenarios registered, so that what reads the JSON loops over what the run
 * says it ran and keeps no copy of these tables. */
#include "describe.h"
#include "ipc/ipc.h"
#include "mem.h"
#include "pin.h"
#include "pool_tasks.h"
#include "profile.h"
#include "scale.h"
#include "worker.h"

static void worker_kind_table(struct json *j)
{
	json_array_begin(j, "worker_kinds");
	for (size_t i = 0; i < worker_nkinds; i++) {
		const struct worker_kind *k = &worker_kinds[i];
		json_object_begin(j, NULL);
		json_string(j, "name", k->name);
		json_string(j, "mode", worker_mode_name(k->mode));
		json_string(j, "label", k->label);
		json_string(j, "how", k->how);
		json_bool(j, "exec", k->execs);
		json_object_end(j);
	}
	json_array_end(j);
}

static void transport_table(struct json *j)
{
	json_array_begin(j, "transports");
	for (size_t i = 0; i < ipc_ntransports; i++) {
		json_object_begin(j, NULL);
		json_string(j, "name", ipc_transports[i]->name);
		json_bool(j, "processes", ipc_transports[i]->processes);
		json_bool(j, "kernel", ipc_transports[i]->kernel);
		json_string(j, "desc", ipc_transports[i]->desc);
		json_object_end(j);
	}
	json_array_end(j);
}

static void workload_table(struct json *j)
{
	json_array_begin(j, "scale_workloads");
	for (int i = 0; i < SCALE_NWORKLOADS; i++) {
		json_object_begin(j, NULL);
		json_string(j, "name", scale_workloads[i].name);
		json_string(j, "unit", scale_workloads[i].unit);
		json_string(j, "desc", scale_workloads[i].desc);
		json_object_end(j);
	}
	json_array_end(j);
}

/* The profiles' numbers (bench/profiles.def), so that a run's JSON says what its profile
 * meant and the Python side can check its own copy of the file against the binary. */
static void profile_table(struct json *j)
{
	json_array_begin(j, "profiles");
	for (int i = 0; i < PROFILE_COUNT; i++) {
		json_object_begin(j, NULL);
		json_string(j, "name", profiles[i].name);
		json_int(j, "repetitions", profiles[i].repetitions);
		json_double(j, "min_time", profiles[i].min_time);
		json_double(j, "py_min_time", profiles[i].py_min_time);
		json_double(j, "py_work_s", profiles[i].py_work_s);
		json_object_end(j);
	}
	json_array_end(j);
}

/* A table of names with a line each: pool failures, pin policies, memory layouts. */
static void named(struct json *j, const char *name, const char *desc)
{
	json_object_begin(j, NULL);
	json_string(j, "name", name);
	json_string(j, "desc", desc);
	json_object_end(j);
}

static void scenario_list(struct json *j, const struct scenario *const *scenarios, size_t n)
{
	json_array_begin(j, "scenarios");
	for (size_t i = 0; i < n; i++) {
		json_object_begin(j, NULL);
		json_string(j, "name", scenarios[i]->name);
		json_string(j, "desc", scenarios[i]->desc);
		json_bool(j, "in_a_row", scenarios[i]->in_a_row);
		bench_describe_families(j, scenarios[i]);
		json_object_end(j);
	}
	json_array_end(j);
}

void describe_suite(struct json *j, const char *profile, const struct scenario *const *scenarios,
		    size_t nscenarios)
{
	json_object_begin(j, NULL);
	json_int(j, "name_schema", NAME_SCHEMA);
	json_string(j, "profile", profile);
	profile_table(j);
	json_array_begin(j, "modes");
	for (int m = 0; m < WORKER_NMODES; m++)
		json_string(j, NULL, worker_mode_name((enum worker_mode)m));
	json_array_end(j);
	worker_kind_table(j);
	transport_table(j);
	workload_table(j);
	json_array_begin(j, "pool_failures");
	for (int i = 0; i < POOL_NFAILURES; i++)
		named(j, pool_failures[i].name, pool_failures[i].desc);
	json_array_end(j);
	json_array_begin(j, "pin_policies");
	for (int i = 0; i < PIN_NPOLICIES; i++)
		named(j, pin_policies[i].name, pin_policies[i].desc);
	json_array_end(j);
	json_array_begin(j, "layouts");
	for (int i = 0; i < MEM_NLAYOUTS; i++)
		named(j, mem_layouts[i].name, mem_layouts[i].desc);
	json_array_end(j);
	scenario_list(j, scenarios, nscenarios);
	json_object_end(j);
}
