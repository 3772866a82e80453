/* main.c - tvp-bench: the suite's entry point.
 *
 * Google Benchmark takes its --benchmark_* flags first; what is left must be the suite's
 * own. Then placement is applied, the machine is written into the JSON context, the
 * chosen scenarios register their benchmarks (the others are only recorded, so the
 * description covers the whole suite), the description goes into the context, and
 * Google Benchmark runs them.
 */
#include "common.h"
#include "describe.h"
#include "sentinel.h"
#include "gbench.h"
#include "cleanup.h"
#include "json.h"
#include "mem.h"
#include "pin.h"
#include "profile.h"
#include "scenario.h"
#include "task.h"
#include "util.h"
#include "worker.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "version.h" /* TVP_VERSION, written by the Makefile from git describe */

/* The run order of a whole-suite run. */
static const struct scenario *const scenarios[] = {
	&scenario_create,
	&scenario_footprint,
	&scenario_cow,
	&scenario_globals,
	&scenario_scale,
	&scenario_ipc,
	&scenario_bw_lmbench, /* runs with ipc */
	&scenario_perf_ref,   /* runs with ipc */
	&scenario_pool,
	&scenario_http,
};

static void usage(void)
{
	printf("Usage: tvp-bench [OPTION]... [--benchmark_FLAG=VALUE]...\n"
	       "Measures threads against processes; writes Google Benchmark output.\n\n"
	       "  --profile=NAME      quick (default) or full: sizes, repetitions, min time\n"
	       "  --pin=POLICY        placement of the benchmarking thread (default none):\n");
	for (int p = 0; p < PIN_NPOLICIES; p++)
		printf("                        %-13s %s\n", pin_policies[p].name, pin_policies[p].desc);
	printf("  --scenario=NAME     run only this scenario (repeatable); see --list\n"
	       "  --repetitions=N     override the profile's repetitions\n"
	       "  --min-time=SECONDS  override the profile's minimum time per repetition\n"
	       "  --probe             probe the machine's state (page faults, system call,\n"
	       "                      context switch, cache line, memcpy, parallel capacity),\n"
	       "                      print it as JSON and exit: what the run records before\n"
	       "                      and after each scenario\n"
	       "  --smoke             run each benchmark at its first sizes only: a check\n"
	       "                      that everything runs, not a measurement\n"
	       "  --list              list the scenarios a whole run starts, one process\n"
	       "                      each (a scenario that runs with another is left out),\n"
	       "                      as NAME<tab>DESCRIPTION, and exit\n"
	       "  --describe          print the suite's description as JSON and exit: worker\n"
	       "                      kinds, transports, workloads, failures, placements,\n"
	       "                      layouts, and every scenario's families at the profile\n"
	       "  --help              this text, then Google Benchmark's flags\n\n"
	       "Exit status: 0 when every chosen benchmark ran, 1 when set-up failed, 2 on bad\n"
	       "usage. A benchmark that cannot run here is reported with error_occurred and\n"
	       "its reason, and the others still run.\n\n");
}

static _Noreturn void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "tvp-bench: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see tvp-bench --help)\n");
	exit(2);
}

/* Matches --name=value and --name value; returns the value or NULL. */
static const char *option(int argc, char **argv, int *i, const char *name)
{
	size_t len = strlen(name);
	if (strncmp(argv[*i], name, len) != 0)
		return NULL;
	if (argv[*i][len] == '=')
		return argv[*i] + len + 1;
	if (argv[*i][len] != '\0')
		return NULL;
	if (*i + 1 >= argc)
		usage_error("%s needs a value", name);
	return argv[++*i];
}

static const struct scenario *find_scenario(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
		if (strcmp(scenarios[i]->name, name) == 0)
			return scenarios[i];
	return NULL;
}

static void context_from_file(const char *key, const char *path, const char *fallback)
{
	char buf[256];
	gb_add_context(key, read_text(path, buf, sizeof buf) == 0 ? buf : fallback);
}

static bool listed(const struct scenario *const *list, size_t n, const struct scenario *s)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == s)
			return true;
	return false;
}

/* What runs when these scenarios are chosen: each, followed by those that run with it,
 * once each. Returns how many, in run[]. */
static size_t run_list(const struct scenario *const *chosen, size_t nchosen,
		       const struct scenario **run)
{
	size_t n = 0;
	for (size_t i = 0; i < nchosen; i++) {
		if (!listed(run, n, chosen[i]))
			run[n++] = chosen[i];
		for (size_t j = 0; j < ARRAY_SIZE(scenarios); j++)
			if (scenarios[j]->runs_with == chosen[i] && !listed(run, n, scenarios[j]))
				run[n++] = scenarios[j];
	}
	return n;
}

/* Registers the scenarios that run with Google Benchmark, in their order, and records
 * the others only, so the description covers every scenario. */
static void register_scenarios(const struct suite_opts *o, const struct scenario *const *run,
			       size_t nrun)
{
	for (size_t i = 0; i < nrun; i++)
		run[i]->register_all(o);
	bench_set_live(false);
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
		if (!listed(run, nrun, scenarios[i]))
			scenarios[i]->register_all(o);
	bench_set_live(true);
}

static void add_machine_context(const struct suite_opts *o, const char *pin_cpus,
				const char *pin_note)
{
	char buf[512];
	struct utsname u;
	gb_add_context("tvp_version", TVP_VERSION);
	gb_add_context("profile", profiles[o->profile].name);
	gb_add_context("repetition_order", o->interleaved ? "interleaved" : "in a row");
	gb_add_context("placement", pin_policies[o->pin].name);
	gb_add_context("placement_cpus", pin_cpus);
	gb_add_context("placement_note", pin_note);
	gb_add_context("topology", pin_topology_summary(buf, sizeof buf));
	if (uname(&u) == 0) {
		snprintf(buf, sizeof buf, "%s %s %s", u.sysname, u.release, u.machine);
		gb_add_context("kernel", buf);
	}
	gb_add_context("thp", mem_thp_mode(buf, sizeof buf));
	context_from_file("governor", "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
			  "none (no cpufreq)");
	snprintf(buf, sizeof buf, "%ld", sysconf(_SC_NPROCESSORS_ONLN));
	gb_add_context("nproc", buf);
	snprintf(buf, sizeof buf, "%u", pin_npus());
	gb_add_context("pus", buf); /* the PUs this process may use: what scale sweeps */
	gb_add_context("helper", worker_helper_path());

	/* Mitigations slow system calls and context switches: record them beside the
	 * numbers. One "name: state" pair per file, joined by "; ". */
	DIR *d = opendir("/sys/devices/system/cpu/vulnerabilities");
	char vulns[4096] = "";
	size_t used = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char path[512], state[256];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/sys/devices/system/cpu/vulnerabilities/%s", e->d_name);
		if (read_text(path, state, sizeof state) == 0 && used < sizeof vulns)
			used += (size_t)snprintf(vulns + used, sizeof vulns - used, "%s%s: %s",
						 used ? " | " : "", e->d_name, state);
	}
	if (d)
		closedir(d);
	gb_add_context("cpu_vulnerabilities", used ? vulns : "unknown");

	FILE *f = fopen("/proc/cpuinfo", "re");
	const char *model = "unknown";
	char line[512];
	while (f && fgets(line, sizeof line, f)) {
		if (strncmp(line, "model name", 10) == 0) {
			char *colon = strchr(line, ':');
			if (colon) {
				model = colon + 2;
				line[strcspn(line, "\n")] = '\0';
			}
			break;
		}
	}
	gb_add_context("cpu_model", model);
	if (f)
		fclose(f);
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int err = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : errno;
	close(fd);
	return err;
}

/* An IPC namespace of the run's own: the kernel removes its System V objects and POSIX
 * message queues with its last process, even after kill -9, which runs no handler; a
 * ledger cleaned at the next start could only remove them later, and never where no
 * next start comes. Root has it directly; another user inside a user namespace of its
 * own in which its uid and gid map to themselves (where the kernel allows unprivileged
 * ones), so files and limits see the same user. Where neither is allowed the handlers
 * are all there is, and the context says so. /dev/shm is not namespaced: nothing of
 * the suite is put there (memfd). Returns the context's words. */
static const char *own_ipc_namespace(char *buf, size_t size)
{
	if (unshare(CLONE_NEWIPC) == 0)
		return "own";
	int err = errno;
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];
	if (err == EPERM && unshare(CLONE_NEWUSER | CLONE_NEWIPC) == 0) {
		int e = write_text("/proc/self/setgroups", "deny");
		snprintf(map, sizeof map, "%u %u 1", (unsigned)uid, (unsigned)uid);
		e = e ? e : write_text("/proc/self/uid_map", map);
		snprintf(map, sizeof map, "%u %u 1", (unsigned)gid, (unsigned)gid);
		e = e ? e : write_text("/proc/self/gid_map", map);
		if (e)
			die(e, "mapping uid %u in the user namespace", (unsigned)uid);
		return "own (in a user namespace of its own)";
	}
	snprintf(buf, size, "shared (unshare(CLONE_NEWIPC): %s)", strerror(err));
	return buf;
}

int main(int argc, char **argv)
{
	struct suite_opts o = {.profile = PROFILE_QUICK, .pin = PIN_NONE};
	const struct scenario *chosen[ARRAY_SIZE(scenarios)], *run[ARRAY_SIZE(scenarios)];
	size_t nchosen = 0;
	int repetitions = 0;
	double min_time = 0;
	bool list = false, describe = false, smoke = false, probe = false;

	/* The suite's flags first; Google Benchmark's (and --help) are kept for it. */
	char *gb_argv[argc + 4];
	int gb_argc = 0;
	gb_argv[gb_argc++] = argv[0];
	gb_argv[gb_argc++] = NULL; /* --benchmark_repetitions, filled below */
	gb_argv[gb_argc++] = NULL; /* --benchmark_min_time */
	gb_argv[gb_argc++] = NULL; /* --benchmark_enable_random_interleaving */
	for (int i = 1; i < argc; i++) {
		const char *v;
		char *end;
		if (strncmp(argv[i], "--benchmark_", 12) == 0 || strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0 || strncmp(argv[i], "--v=", 4) == 0) {
			gb_argv[gb_argc++] = argv[i];
		} else if ((v = option(argc, argv, &i, "--profile"))) {
			int p = profile_find(v);
			if (p < 0)
				usage_error("unknown profile '%s': use quick or full", v);
			o.profile = (enum profile)p;
		} else if ((v = option(argc, argv, &i, "--pin"))) {
			if (pin_policy_parse(v, &o.pin) != 0)
				usage_error("unknown placement policy '%s'", v);
		} else if ((v = option(argc, argv, &i, "--scenario"))) {
			const struct scenario *s = find_scenario(v);
			if (!s)
				usage_error("unknown scenario '%s': see --list", v);
			if (!listed(chosen, nchosen, s))
				chosen[nchosen++] = s;
		} else if ((v = option(argc, argv, &i, "--repetitions"))) {
			long n = strtol(v, &end, 10);
			if (*end || n < 1 || n > 1000)
				usage_error("--repetitions wants a count from 1 to 1000, not '%s'", v);
			repetitions = (int)n;
		} else if ((v = option(argc, argv, &i, "--min-time"))) {
			min_time = strtod(v, &end);
			if (*end || !(min_time > 0 && min_time <= 60))
				usage_error("--min-time wants seconds in (0, 60], not '%s'", v);
		} else if (strcmp(argv[i], "--list") == 0) {
			list = true;
		} else if (strcmp(argv[i], "--describe") == 0) {
			describe = true;
		} else if (strcmp(argv[i], "--smoke") == 0) {
			smoke = true;
		} else if (strcmp(argv[i], "--probe") == 0) {
			probe = true;
		} else {
			usage_error("unknown option '%s'", argv[i]);
		}
	}
	if (probe) {
		struct json j;
		json_init(&j);
		sentinel_probe(&j, NULL);
		printf("%s\n", json_text(&j));
		json_free(&j);
		return 0;
	}
	if (list) {
		for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
			if (!scenarios[i]->runs_with)
				printf("%s\t%s\n", scenarios[i]->name, scenarios[i]->desc);
		return 0;
	}
	o.repetitions = repetitions ? repetitions : profiles[o.profile].repetitions;
	o.min_time = min_time > 0 ? min_time : profiles[o.profile].min_time;
	int err;
	struct json desc;
	json_init(&desc);
	if (describe) {
		/* The scenarios size some sweeps by the machine (scale, pool): the topology. */
		if ((err = pin_init()) != 0)
			die(err, "hwloc topology");
		register_scenarios(&o, NULL, 0);
		describe_suite(&desc, profiles[o.profile].name, scenarios, ARRAY_SIZE(scenarios));
		printf("%s\n", json_text(&desc));
		json_free(&desc);
		bench_free_all();
		pin_fini();
		return 0;
	}
	bench_set_smoke(smoke);
	if (nchosen == 0)
		for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
			if (!scenarios[i]->runs_with)
				chosen[nchosen++] = scenarios[i];
	size_t nrun = run_list(chosen, nchosen, run);

	/* The profile's repetitions and minimum time go in as Google Benchmark's own flags,
	 * ahead of the user's (the last one wins): set per benchmark instead, they would
	 * be appended to every benchmark name. */
	char reps_flag[64], time_flag[64];
	snprintf(reps_flag, sizeof reps_flag, "--benchmark_repetitions=%d", o.repetitions);
	snprintf(time_flag, sizeof time_flag, "--benchmark_min_time=%g", o.min_time);
	gb_argv[1] = reps_flag;
	gb_argv[2] = time_flag;
	/* Repetitions of different benchmarks run in a random order, so a slow minute of a
	 * shared machine falls on threads and processes alike rather than on whichever ran
	 * then (Google Benchmark fixes the iteration count in the first repetition), unless
	 * a chosen scenario must run its repetitions in a row. create and cow interleave
	 * too: run in a row, posix_spawn from a 1 GiB parent came out "significantly"
	 * cheaper than from an empty one, because the two were measured minutes apart. */
	o.interleaved = true;
	for (size_t i = 0; i < nrun; i++)
		o.interleaved &= !run[i]->in_a_row;
	gb_argv[3] = o.interleaved ? "--benchmark_enable_random_interleaving=true"
				   : "--benchmark_enable_random_interleaving=false";
	gb_argv[gb_argc] = NULL;
	gb_init(&gb_argc, gb_argv, usage);
	if (gb_argc > 1)
		usage_error("unknown option '%s'", gb_argv[1]);

	if ((err = pin_init()) != 0)
		die(err, "hwloc topology");
	char cpus[64] = "any", note[256] = "unpinned";
	cpu_set_t set;
	if (pin_place(o.pin, 0, 1, &set, note, sizeof note)) {
		if ((err = pin_bind_self(&set)) != 0)
			die(err, "binding to placement %s", pin_policies[o.pin].name);
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				snprintf(cpus, sizeof cpus, "%d", c);
	}
	add_machine_context(&o, cpus, note);

	if (access(worker_helper_path(), X_OK) != 0)
		warn(errno, "%s (the exec-based workers will report errors)", worker_helper_path());

	/* Workers and named IPC objects go even when the run is interrupted. */
	cleanup_on_signals();
	/* kill -9 runs no handler: see own_ipc_namespace. */
	char ns[160];
	gb_add_context("ipc_namespace", own_ipc_namespace(ns, sizeof ns));
	/* The memory cgroups a run killed with SIGKILL left (footprint's, tvp-PID-N). */
	char swept[32];
	snprintf(swept, sizeof swept, "%d", mem_cgroup_sweep());
	gb_add_context("memory_cgroups_swept", swept);
	/* Workers of every scenario report through this page; see task.h. */
	if ((err = task_page_open()) != 0)
		die(err, "memfd_create for the task page");
	register_scenarios(&o, run, nrun);
	/* The names' schema and the description, for what reads the JSON: the same object
	 * --describe prints, as a string (context values are strings). */
	describe_suite(&desc, profiles[o.profile].name, scenarios, ARRAY_SIZE(scenarios));
	gb_add_context("name_schema", NAME_SCHEMA_STR);
	gb_add_context_quiet("tvp_describe", json_text(&desc));
	json_free(&desc);
	fflush(stdout);
	gb_run();
	gb_shutdown();
	bench_free_all();
	parent_memory_free();
	task_page_close();
	pin_fini();
	return 0;
}
