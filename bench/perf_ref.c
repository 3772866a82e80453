/* perf_ref.c - `perf bench sched pipe`, the in-run peer reference for the pipe ping-pong,
 * taken as rows that run with ipc so that its takes interleave with the pipe rows.
 *
 *   perf_ref/sched_pipe/process/measure:latency/kind:fork/pin:PIN/iterations:1
 * PIN same_pu (perf's two processes on the PU ipc's same_pu pairs use) or none. Each
 * repetition is one take: perf bench sched pipe, LOOPS round trips of one byte through
 * two pipes between two processes, run as a child of this process; the row's time is
 * the µs per round trip perf prints (usecs/op), so its repetitions are the takes, and
 * the report quotes their median and range beside tvp's ipc/pipe latency rows, which
 * stamp and check every message. perf not installed, or not allowed: the rows are
 * skipped with the reason, never a zero.
 * Excluded: perf's start and its own set-up (the time is perf's own per-op figure).
 */
#include "common.h"
#include "scenario.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* 20000 round trips: what the single take before this scenario used (scripts/run.py),
 * about 0.1 s on one PU. Unpinned a round trip costs ten times more on a small VM. */
#define LOOPS_SAME_PU "20000"
#define LOOPS_UNPINNED "5000"

struct perf_case {
	enum pin_policy pin;
	const char *loops;
};

/* perf's usecs/op from its output, or -1. */
static double parse_usecs(const char *out)
{
	for (const char *line = out; line && *line; line = strchr(line, '\n')) {
		while (*line == '\n')
			line++;
		const char *end = strchr(line, '\n');
		const char *unit = strstr(line, "usecs/op");
		if (unit && (!end || unit < end)) {
			char *stop;
			double v = strtod(line, &stop);
			if (stop != line && v > 0)
				return v;
		}
	}
	return -1;
}

/* Runs perf with its stdout into a pipe; 0 and the text, or an errno value (and why). */
static int run_perf(const char *loops, char *out, size_t size, char *why, size_t why_size)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(why, why_size, "pipe2: %s", strerror(errno));
		return errno;
	}
	fflush(NULL);
	pid_t owner = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		snprintf(why, why_size, "fork: %s", strerror(err));
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		tie_to_owner(owner);
		dup2(fds[1], 1);
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);
		execlp("perf", "perf", "bench", "sched", "pipe", "-l", loops, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	size_t got = 0;
	for (;;) {
		ssize_t n = read(fds[0], out + got, size - 1 - got);
		if (n > 0 && got + (size_t)n < size - 1) {
			got += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0)
			got += (size_t)n; /* full: the rest of perf's output is not needed */
		break;
	}
	out[got] = '\0';
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(why, why_size, "waitpid: %s", strerror(errno));
			return errno;
		}
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(why, why_size, "%s",
			 WIFEXITED(status) && WEXITSTATUS(status) == 127
				 ? "perf is not installed (PATH has no perf)"
				 : "perf bench sched pipe failed (not allowed here?)");
		return ENOENT;
	}
	return 0;
}

static void run_sched_pipe(gb_state *st, const void *data)
{
	const struct perf_case *c = data;
	struct pair_placement pl;
	/* The child inherits this thread's binding: perf's two processes share the PU. */
	if (pair_place(st, &pl, c->pin) != 0)
		return;
	char out[8192], why[256];
	while (gb_keep_running(st)) {
		if (run_perf(c->loops, out, sizeof out, why, sizeof why) != 0) {
			gb_skip(st, "%s", why);
			break;
		}
		double us = parse_usecs(out);
		if (us <= 0) {
			gb_skip(st, "perf bench sched pipe printed no usecs/op line");
			break;
		}
		gb_set_iteration_time(st, us * 1e-6);
	}
	pair_unplace(st, &pl);
	if (!gb_error_occurred(st))
		gb_set_label(st, "perf bench sched pipe, one take");
}

static const struct perf_case cases[] = {
	{.pin = PIN_SAME_PU, .loops = LOOPS_SAME_PU},
	{.pin = PIN_NONE, .loops = LOOPS_UNPINNED},
};

static void register_all(const struct suite_opts *opts)
{
	(void)opts;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		bench_register(&(struct bench_row){
			.scenario = &scenario_perf_ref, .measure = "latency",
			.variant = "sched_pipe", .kind = &worker_kinds[KIND_FORK],
			.fixed = {{"pin", pin_policies[cases[i].pin].name}}, .fn = run_sched_pipe,
			.data = &cases[i], .data_size = sizeof cases[i], .time = BENCH_MANUAL_TIME,
			.unit = GB_US, .iterations = 1});
}

const struct scenario scenario_perf_ref = {
	.name = "perf_ref",
	.desc = "perf bench sched pipe, the pipe ping-pong's peer reference, one take a "
		"repetition (runs with ipc)",
	.register_all = register_all,
	.runs_with = &scenario_ipc,
	.families = {
		{"latency", "perf bench sched pipe: a round trip of one byte through two pipes "
			    "between two processes, as perf reports it (usecs/op)"},
	},
};
