/* http_register.c - the http scenario's rows, profile by profile, and the scenario
 * itself: which server runs which rows in which order (bench/http.c measures them,
 * bench/http_held.c the held rows; http_bench.h is what they share). */
#include "common.h"
#include "http_bench.h"
#include "http_run.h"
#include "scenario.h"
#include "util.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum worker_mode httpb_mode_of(int s)
{
	return http_servers[s].thread ? MODE_THREAD : MODE_PROCESS;
}

/* Apache's configuration as the run writes it (port and folder aside), into the JSON:
 * what "as shipped, plus capacity" means is there to read. */
static void record_apache_conf(void)
{
	for (int s = HTTP_APACHE_PREFORK; s < HTTP_NSERVERS; s++) {
		char conf[4096], key[64];
		if (http_apache_conf(conf, sizeof conf, s, 0, "RUNDIR", httpb_capacity) == 0) {
			size_t n = strlen(conf);
			if (n && conf[n - 1] == '\n')
				conf[n - 1] = '\0'; /* the console ends the line */
			snprintf(key, sizeof key, "http_conf_%s", http_servers[s].name);
			gb_add_context_quiet(key, conf);
		}
	}
}

int httpb_at_most(const struct suite_opts *opts, int n)
{
	return opts->repetitions < n ? opts->repetitions : n;
}

/* The rows C8's counted predictions compare (claims.py): they get three repetitions
 * in the quick profile, the others one. */
static bool counted_rate(int s, bool close)
{
	return close && (s == HTTP_THREAD_PER_CONN || s == HTTP_FORK_PER_CONN);
}

/* The level each pair's rule reads: 1000 for the suite's (C8's key number), 100 for
 * Apache's (prefork grows by 32 processes a second at most). */
static bool counted_memory(int s, int conns)
{
	if (s == HTTP_THREAD_PER_CONN || s == HTTP_FORK_PER_CONN)
		return conns == 1000;
	return conns == 100 && (s == HTTP_APACHE_WORKER || s == HTTP_APACHE_PREFORK);
}

/* The four series the handout draws, swept to 1000 connections in the quick profile
 * too, so its figure keeps a line. */
static bool handout_series(int s)
{
	return s == HTTP_THREAD_PER_CONN || s == HTTP_FORK_PER_CONN ||
	       s == HTTP_APACHE_EVENT || s == HTTP_APACHE_PREFORK;
}

static void register_rate(const struct suite_opts *opts, int s, bool close, bool big,
			  bool split)
{
	bool full = opts->profile == PROFILE_FULL;
	static const int full_levels[] = {1, 10, 100, 1000, 10000};
	struct rate_case c = {s, close, big, split};
	int reps = full || counted_rate(s, close) ? httpb_at_most(opts, 3) : 1;
	struct bench *b = bench_register(&(struct bench_row){
		.scenario = &scenario_http, .measure = "rate",
		.variant = http_servers[s].name, .mode = httpb_mode_of(s),
		.fixed = {{"conn", close ? "close" : "keepalive"}, {"body", big ? "64k" : "small"},
			  {"pin", split ? "split" : "none"}},
		.arg_names = {"connections"}, .fn = httpb_run_rate, .data = &c,
		.data_size = sizeof c, .time = BENCH_MANUAL_TIME, .unit = GB_MS,
		.iterations = 1, .repetitions = reps});
	if (full && split && !big)
		for (size_t i = 0; i < ARRAY_SIZE(full_levels); i++)
			bench_arg(b, full_levels[i]);
	else
		bench_arg(b, 100);
	/* Apache prefork not at 1000 in quick: its warm-up to 1000 processes (32 a second)
	 * would take half a minute; the full profile sweeps it. */
	if (!full && split && !close && handout_series(s) && s != HTTP_APACHE_PREFORK)
		bench_arg(b, 1000);
}

/* Server s's memory rows at 100 connections and fewer, or (above) the larger ones. */
static void register_memory(const struct suite_opts *opts, int s, const int *levels,
			    size_t nlevels, bool above)
{
	bool full = opts->profile == PROFILE_FULL;
	struct memory_case c = {s};
	for (size_t i = 0; i < nlevels; i++) {
		if ((levels[i] > 100) != above)
			continue;
		/* Apache prefork would take half a minute to 1000 connections: the quick
		 * profile holds 100 of Apache's. */
		if (!full && http_servers[s].mpm && levels[i] > 100)
			continue;
		/* Three of each pair C8 counts at the level its rule reads (a fresh server,
		 * then twice more on it); one of the rest in the quick profile, for the
		 * figure. */
		int reps = full || counted_memory(s, levels[i]) ? httpb_at_most(opts, 3) : 1;
		bench_arg(bench_register(&(struct bench_row){
			.scenario = &scenario_http, .measure = "memory",
			.variant = http_servers[s].name, .mode = httpb_mode_of(s),
			.arg_names = {"connections"}, .fn = httpb_run_memory, .data = &c,
			.data_size = sizeof c, .time = BENCH_MANUAL_TIME, .unit = GB_MS,
			.iterations = 1, .repetitions = reps}), levels[i]);
	}
}

static void register_all(const struct suite_opts *opts)
{
	bool full = opts->profile == PROFILE_FULL;
	httpb_window_s = full ? 2 : 1;
	httpb_patience_s = full ? 10 : 5;
	/* Apache prefork needs seven seconds to 100 processes, a minute to 1000: a
	 * warm-up waits for the next answer 1.5 s (6 s), 15 s (a minute) in all. */
	httpb_warm_patience_s = full ? 6 : 1.5;
	httpb_capacity = full ? 10000 : 1000;
	record_apache_conf();

	/* quick: what the verdicts, the main figure (memory per connection) and the
	 * not-a-toy check need, a second a wrk window, each run in a row: keep-alive at 100
	 * connections once for every server but Apache worker (1000 too for three of the
	 * handout's four), a connection per request at 100 three times for the counted pair
	 * only, epoll unpinned once. full: the whole sweep, three times, the 64 KiB body,
	 * every server unpinned and with a connection per request.
	 * Each server's memory rows at 100 connections and fewer come first, its rate rows
	 * then run on the server they leave (grown to 100: Apache prefork's warm-up is
	 * then a moment, not seven seconds), its larger memory rows last (each fresh). */
	static const int quick_mem[] = {100, 1000}, full_mem[] = {100, 1000, 10000};
	const int *levels = full ? full_mem : quick_mem;
	size_t nlevels = full ? ARRAY_SIZE(full_mem) : ARRAY_SIZE(quick_mem);
	for (int s = 0; s < HTTP_NSERVERS; s++) {
		register_memory(opts, s, levels, nlevels, false);
		/* Apache worker's rate is no verdict's, no target's, not the handout's. */
		if (full || s != HTTP_APACHE_WORKER)
			register_rate(opts, s, false, false, true);
		if (full || counted_rate(s, true))
			register_rate(opts, s, true, false, true);
		if (full)
			register_rate(opts, s, false, true, true);
		/* Unpinned: what the same server does when wrk and it share the PUs. */
		if (full || s == HTTP_EPOLL)
			register_rate(opts, s, false, false, false);
		register_memory(opts, s, levels, nlevels, true);
	}
	httpb_register_held(opts);
}

const struct scenario scenario_http = {
	.name = "http",
	.desc = "HTTP servers under wrk: the suite's worker models and Apache's MPMs (C8)",
	.register_all = register_all,
	/* A server stays up across its rows (see above). */
	.in_a_row = true,
	.families = {
		{"rate", "requests per second, latency p50/p99, errors and server CPU per "
			 "request under wrk at N connections"},
		{"memory", "memory per idle keep-alive connection: Pss of every server process "
			   "plus its cgroup's kernel memory, minus the same with none open"},
		{"held", "idle keep-alive connections held under a memory limit (the cgroup's), "
			 "added a step at a time until a step fails, the OOM killer kills, or the "
			 "server dies"},
	},
};
