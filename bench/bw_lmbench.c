/* bw_lmbench.c - lmbench's bw_pipe and bw_unix, done again from their published method,
 * as the reference the checked kernel transports must reach (Debian ships no lmbench).
 *
 *   bw_lmbench/pipe/process/measure:throughput/kind:fork/pin:PIN/msg_bytes:65536
 *   bw_lmbench/unix_stream/process/measure:throughput/kind:fork/pin:PIN/msg_bytes:65536
 * PIN none or diff_core (the pair on two cores). A scenario of its own that runs with ipc
 * (runs_with), so its repetitions interleave with the transports it is the reference for.
 *
 * The method: a forked child writes 64 KiB chunks into a pipe (bw_pipe) or a UNIX
 * stream socketpair (bw_unix) as fast as it can; the parent reads them with 64 KiB
 * reads; one direction, nothing stamped or checked, the kernel's default buffer sizes.
 * lmbench times 10 MiB at a go; here an iteration is one 64 KiB chunk, and Google
 * Benchmark times as many as its minimum time asks. The suite's ipc/pipe and
 * ipc/unix_stream rows move the same bytes through their own transport code with every
 * message checked: the report states them against these. Each row's label says what
 * its bytes came through (socket or pipe), as fstat() reports the reader's descriptor.
 */
#include "common.h"
#include "ipc/peer.h"
#include "scenario.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (64 << 10)

struct bw_case {
	const char *transport;
	enum pin_policy pin;
};

/* fds[0] the parent reads, fds[1] the child writes. */
static int make_pair(const char *transport, int fds[2])
{
	if (strcmp(transport, "pipe") == 0)
		return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno;
	return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0 ? 0 : errno;
}

static void run_bw(gb_state *st, const void *data)
{
	const struct bw_case *bc = data;
	struct pair_placement pl;
	if (pair_place(st, &pl, bc->pin) != 0)
		return;
	int fds[2], err = make_pair(bc->transport, fds);
	if (err) {
		gb_skip(st, "%s: %s", strcmp(bc->transport, "pipe") == 0 ? "pipe2" : "socketpair",
			strerror(err));
		pair_unplace(st, &pl);
		return;
	}
	/* The label names what the descriptor the bytes arrive on is, read back from the
	 * kernel, so a row named unix_stream cannot have measured a pipe unseen. */
	struct stat sb;
	gb_set_label(st, fstat(fds[0], &sb) != 0 ? "?" : S_ISSOCK(sb.st_mode) ? "socket"
						    : S_ISFIFO(sb.st_mode) ? "pipe" : "other");
	char *buf = malloc(CHUNK);
	if (!buf) {
		gb_skip(st, "malloc of %d bytes failed", CHUNK);
		close(fds[0]);
		close(fds[1]);
		pair_unplace(st, &pl);
		return;
	}
	memset(buf, 0, CHUNK);
	snprintf(task_page()->ipc_desc, sizeof task_page()->ipc_desc, "%d %d", fds[1], fds[0]);
	struct worker w;
	const struct worker_kind *fork_kind = &worker_kinds[KIND_FORK];
	err = worker_start(&w, fork_kind, &task_bw_write, CHUNK, pl.pinned ? &pl.peer : NULL);
	close(fds[1]);
	if (err) {
		skip_start_error(st, fork_kind, err);
	} else {
		while (gb_keep_running(st)) {
			for (size_t got = 0; got < CHUNK;) {
				ssize_t n = read(fds[0], buf, CHUNK - got);
				if (n > 0) {
					got += (size_t)n;
				} else if (n == 0 || errno != EINTR) {
					gb_skip(st, "read: %s", n == 0 ? "the writer ended early"
									  : strerror(errno));
					break;
				}
			}
			if (gb_error_occurred(st))
				break;
		}
	}
	close(fds[0]); /* the writer's next write fails with EPIPE, and it exits */
	if (!err) {
		int rerr = worker_reap(&w);
		if (!gb_error_occurred(st) && (rerr || w.exit.signaled || w.exit.code)) {
			char how[64];
			gb_skip(st, "the writer ended with %s",
				rerr ? strerror(rerr) : worker_exit_str(&w.exit, how, sizeof how));
		}
	}
	pair_unplace(st, &pl);
	free(buf);
	if (!gb_error_occurred(st)) {
		gb_set_bytes_processed(st, (int64_t)CHUNK * gb_iterations(st));
		gb_set_items_processed(st, gb_iterations(st));
	}
}

static const struct bw_case cases[] = {
	{.transport = "pipe", .pin = PIN_NONE},
	{.transport = "unix_stream", .pin = PIN_NONE},
	{.transport = "pipe", .pin = PIN_DIFF_CORE},
	{.transport = "unix_stream", .pin = PIN_DIFF_CORE},
};

static void register_all(const struct suite_opts *opts)
{
	(void)opts;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct bench *b = bench_register(&(struct bench_row){
			.scenario = &scenario_bw_lmbench, .measure = "throughput",
			.variant = cases[i].transport, .kind = &worker_kinds[KIND_FORK],
			.fixed = {{"pin", pin_policies[cases[i].pin].name}},
			.arg_names = {"msg_bytes"}, .fn = run_bw, .data = &cases[i],
			.time = BENCH_REAL_TIME, .unit = GB_US});
		bench_arg(b, CHUNK);
	}
}

const struct scenario scenario_bw_lmbench = {
	.name = "bw_lmbench",
	.desc = "lmbench's bw_pipe and bw_unix method, the kernel transports' reference",
	.register_all = register_all,
	.runs_with = &scenario_ipc,
	.families = {
		{"throughput", "64 KiB chunks from a forked writer, one direction, nothing "
			       "stamped or checked (lmbench's method)"},
	},
};
