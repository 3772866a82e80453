/* http_held.c - the http scenario's held rows: how many idle keep-alive connections
 * each server holds under one memory limit (bench/http.c registers them last, through
 * httpb_register_held; its servers' helpers are http_bench.h's). */
#include "common.h"
#include "http_bench.h"
#include "http_run.h"
#include "scenario.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct held_case {
	int server;
	int cap;
};

/* Connections held open under a memory limit, added a step at a time to one server until
 * one step is not all answered, the OOM killer kills in the cgroup, or the server dies:
 * held is the last total that stood whole. */
static void run_held(gb_state *st, const void *data)
{
	const struct held_case *c = data;
	long long limit = (long long)gb_range(st, 0) << 20;
	const char *nocg;
	char why[600];
	if (!http_contained(&nocg)) {
		/* http_env_init has not run yet when this is the first row of the run. */
		if (http_env_init(why, sizeof why) != 0 || !http_contained(&nocg)) {
			gb_skip(st, "a memory limit needs a memory cgroup: %s", nocg);
			return;
		}
	}
	int cap = c->cap;
	if (httpb_level_refusal(c->server, cap, why, sizeof why)) {
		gb_skip(st, "%s", why);
		return;
	}
	httpb_stop_current();
	int *fds = malloc((size_t)cap * sizeof *fds), step = cap / 40 > 50 ? cap / 40 : 50;
	if (!fds) {
		gb_skip(st, "malloc: %s", strerror(ENOMEM));
		return;
	}
	for (int i = 0; i < cap; i++)
		fds[i] = -1;
	int held = 0;
	long kills = 0;
	char reason[160] = "";
	while (gb_keep_running(st)) {
		struct http_peer p;
		if (httpb_start(st, &p, c->server, NULL) != 0)
			break;
		int one = -1;
		http_hold(&p, 1, httpb_patience_s, &one);
		http_release(&one, 1);
		int err = http_limit(limit);
		if (err) {
			http_stop(&p);
			gb_skip(st, "the cgroup's memory limit: %s", strerror(err));
			break;
		}
		long oom0 = http_oom_kills();
		int64_t t0 = now_ns();
		held = 0;
		snprintf(reason, sizeof reason, "reached the sweep's cap, %d", cap);
		for (int open = 0; open < cap;) {
			int n = cap - open < step ? cap - open : step;
			int got = http_hold(&p, n, httpb_patience_s, fds + open);
			open += n;
			kills = http_oom_kills() - oom0;
			if (kills > 0) {
				snprintf(reason, sizeof reason, "OOM kill at %d", open);
				break;
			}
			if (!httpb_alive(&p)) {
				snprintf(reason, sizeof reason, "server died at %d", open);
				break;
			}
			if (got < n) {
				snprintf(reason, sizeof reason, "answered %d of the %d after %d", got, n,
					 open - n);
				break;
			}
			held = open;
		}
		int64_t t1 = now_ns();
		http_release(fds, cap);
		http_stop(&p);
		http_limit(-1);
		gb_set_iteration_time(st, (double)(t1 - t0) * 1e-9);
	}
	free(fds);
	if (gb_error_occurred(st))
		return;
	gb_counter(st, "held", held, 0);
	gb_counter(st, "oom_kills", (double)kills, 0);
	/* held moves in steps: fresh servers stopping within one step read the same. */
	gb_counter(st, "step", step, 0);
	gb_set_label(st, reason);
}

/* Under one memory limit: how many connections each server holds, each repetition a
 * fresh server (so they are independent draws of one server's fate). The quick profile
 * asks it of the two servers C8's sentence is about, a thread or a process per
 * connection, three times each (a counted prediction, as every other counted row: about
 * a second a server; five each made `make claim C=C8` a minute); the full one of every
 * server (Apache prefork grows by 32 processes a second: half a minute to
 * fill 256 MiB). */
void httpb_register_held(const struct suite_opts *opts)
{
	bool full = opts->profile == PROFILE_FULL;
	for (int s = 0; s < HTTP_NSERVERS; s++) {
		bool pair = s == HTTP_THREAD_PER_CONN || s == HTTP_FORK_PER_CONN;
		if (!full && !pair)
			continue;
		struct held_case c = {s, 10000};
		bench_arg(bench_register(&(struct bench_row){
			.scenario = &scenario_http, .measure = "held",
			.variant = http_servers[s].name, .mode = httpb_mode_of(s),
			.arg_names = {"limit_mib"}, .fn = run_held, .data = &c,
			.data_size = sizeof c, .time = BENCH_MANUAL_TIME, .unit = GB_MS,
			.iterations = 1, .repetitions = httpb_at_most(opts, 3)}), 256);
	}
}
