/* wrk.h - the load generator of the http scenario: runs wrk (Debian's package) and reads
 * what it prints. wrk is the client every HTTP benchmark of the field quotes; the suite
 * starts it, pins it, and kills it with itself (PR_SET_PDEATHSIG). */
#ifndef TVP_WRK_H
#define TVP_WRK_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

struct wrk_result {
	double requests_per_s;
	double p50_us, p99_us;   /* latency percentiles (wrk --latency) */
	double seconds;          /* the window wrk reports */
	long requests;
	long errors;             /* socket errors (connect, read, write) and non-2xx/3xx */
	long timeouts;           /* requests wrk gave up on (--timeout) */
	long connect_errors, read_errors, write_errors, non_2xx; /* errors, by kind */
};

/* Reads wrk --latency output. Returns 0, or EPROTO when a line it needs is missing. */
int wrk_parse(const char *out, struct wrk_result *r);

/* The wrk program on PATH, or NULL: its rows are skipped with the reason. */
const char *wrk_path(void);

/* Something to do while wrk runs: fn(arg) once, at_s seconds into its run (a sample
 * of the server taken in the window, not after it, when its connections are closing). */
struct wrk_probe {
	double at_s;
	void (*fn)(void *arg);
	void *arg;
};

/* Runs wrk with one thread and conns connections for secs seconds against url; close:
 * every request says "Connection: close" (a connection per request). cpus, when not
 * NULL, is where wrk runs; probe, when not NULL, runs once during the window. Returns
 * 0, or an errno value with why filled (wrk missing, failed, or printed what wrk_parse
 * cannot read). */
int wrk_run(const char *url, int conns, int secs, bool conn_close, const cpu_set_t *cpus,
	    const struct wrk_probe *probe, struct wrk_result *r, char *why, size_t size);

#endif
