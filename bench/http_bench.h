/* http_bench.h - what bench/http.c's rows share with bench/http_held.c's: the server of
 * the moment, starting one for a row, and the limits a level must fit. */
#ifndef TVP_HTTP_BENCH_H
#define TVP_HTTP_BENCH_H

#include "common.h"
#include "gbench.h"
#include "http_run.h"
#include "scenario.h"

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

/* A rate row: a server, keep-alive or a connection per request, the small or the
 * 64 KiB body, wrk and the server apart or not. */
struct rate_case {
	int server;
	bool close, big, split;
};

struct memory_case {
	int server;
};

/* The profile's, set when the rows are registered: wrk's window, the servers' capacity
 * (connections at once), how long a row waits for one more answer of the connections it
 * holds, and a warm-up for one more of its answers. */
extern int httpb_window_s, httpb_capacity;
extern double httpb_patience_s, httpb_warm_patience_s;

/* The rows' functions (bench/http.c). */
void httpb_run_rate(gb_state *st, const void *data);
void httpb_run_memory(gb_state *st, const void *data);

/* Stops the server kept across rows, if one runs. */
void httpb_stop_current(void);
/* Why this machine cannot hold conns connections of server s, into buf, or NULL. */
const char *httpb_level_refusal(int s, int conns, char *buf, size_t size);
/* Starts server s (on cpus, when given); a failure skips the row with the reason. */
int httpb_start(gb_state *st, struct http_peer *p, int server, const cpu_set_t *cpus);
bool httpb_alive(const struct http_peer *p);
enum worker_mode httpb_mode_of(int s);
int httpb_at_most(const struct suite_opts *opts, int n);

/* The held rows (bench/http_held.c), registered after every other row of http. */
void httpb_register_held(const struct suite_opts *opts);

#endif
