/* main.c - tvp-bench: the suite's entry point.
 *
 * Google Benchmark takes its --benchmark_* flags first; what is left must be the suite's
 * own. Then placement is applied, the machine is written into the JSON context, the
 * chosen scenarios register their benchmarks, and Google Benchmark runs them.
 */
#include "common.h"
#include "gbench.h"
#include "cleanup.h"
#include "mem.h"
#include "pin.h"
#include "scenario.h"
#include "task.h"
#include "util.h"
#include "worker.h"

#include <dirent.h>
#include <errno.h>
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
	&scenario_pool,
};

static const struct {
	const char *name;
	int repetitions;
	double min_time;
} profiles[] = {
	[PROFILE_QUICK] = {"quick", 5, 0.05},
	[PROFILE_FULL] = {"full", 10, 0.1},
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
	       "  --list              list the scenarios and exit\n"
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

int main(int argc, char **argv)
{
	struct suite_opts o = {.profile = PROFILE_QUICK, .pin = PIN_NONE};
	const struct scenario *chosen[ARRAY_SIZE(scenarios)];
	size_t nchosen = 0;
	int repetitions = 0;
	double min_time = 0;
	bool list = false;

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
			if (strcmp(v, "quick") == 0)
				o.profile = PROFILE_QUICK;
			else if (strcmp(v, "full") == 0)
				o.profile = PROFILE_FULL;
			else
				usage_error("unknown profile '%s': use quick or full", v);
		} else if ((v = option(argc, argv, &i, "--pin"))) {
			if (pin_policy_parse(v, &o.pin) != 0)
				usage_error("unknown placement policy '%s'", v);
		} else if ((v = option(argc, argv, &i, "--scenario"))) {
			const struct scenario *s = find_scenario(v);
			if (!s)
				usage_error("unknown scenario '%s': see --list", v);
			bool dup = false;
			for (size_t k = 0; k < nchosen; k++)
				dup |= chosen[k] == s;
			if (!dup)
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
		} else {
			usage_error("unknown option '%s'", argv[i]);
		}
	}
	if (list) {
		for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
			printf("%s\t%s\n", scenarios[i]->name, scenarios[i]->desc);
		return 0;
	}
	if (nchosen == 0)
		for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
			chosen[nchosen++] = scenarios[i];
	o.repetitions = repetitions ? repetitions : profiles[o.profile].repetitions;
	o.min_time = min_time > 0 ? min_time : profiles[o.profile].min_time;

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
	 * a chosen scenario must run its repetitions in a row. */
	o.interleaved = true;
	for (size_t i = 0; i < nchosen; i++)
		o.interleaved &= !chosen[i]->in_a_row;
	gb_argv[3] = o.interleaved ? "--benchmark_enable_random_interleaving=true"
				   : "--benchmark_enable_random_interleaving=false";
	gb_argv[gb_argc] = NULL;
	gb_init(&gb_argc, gb_argv, usage);
	if (gb_argc > 1)
		usage_error("unknown option '%s'", gb_argv[1]);

	int err = pin_init();
	if (err)
		die(-err, "hwloc topology");
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
	/* Workers of every scenario report through this page; see task.h. */
	if ((err = task_page_open()) != 0)
		die(-err, "memfd_create for the task page");
	for (size_t i = 0; i < nchosen; i++)
		chosen[i]->register_all(&o);
	fflush(stdout);
	gb_run();
	gb_shutdown();
	parent_memory_free();
	task_page_close();
	pin_fini();
	return 0;
}
