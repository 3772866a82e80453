/* ipc.c - moving messages between two workers (claims C4 and C7's context switches).
 *
 *   ipc/TRANSPORT/MODE/measure:throughput/kind:KIND/pin:PIN/msg_bytes:N
 *       the peer (KIND pthread, fork, or posix_spawn of tvp-helper, which attaches by
 *       name or inherited descriptor) sends stamped messages as fast as it can; this
 *       thread receives and checks every one. One message per iteration, real time: a
 *       pipeline. PIN none (unpinned), or diff_core: the pair on two cores (not for
 *       posix_spawn: spawned or forked, the transport is the same)
 *   ipc/TRANSPORT/MODE/measure:latency/kind:KIND/pin:PIN
 *       ping-pong of 8 bytes, one round trip per iteration; PIN none, same_pu (two
 *       context switches a round trip) or diff_core. Counters: cpu_ns_per_round_trip,
 *       the CPU time of both sides (getrusage RUSAGE_THREAD of this thread around the
 *       loop, and the peer's own from attach to its last echo)
 *   ipc/RING/MODE/measure:spin_latency/kind:KIND/pin:PIN/spin_us:N
 *       the same ping-pong through a ring whose waiting side polls for up to N us
 *       before it sleeps (N = 0: it sleeps at once, as in measure:latency); PIN
 *       diff_core for the sweep of N, same_pu and none at the default bound (on one PU
 *       the ring does not poll). Counters as latency's, and sleeps_per_round_trip and
 *       spin_hits_per_round_trip, both sides' waits that slept and that polling ended
 *   ipc/RING/MODE/measure:spin_throughput/kind:KIND/pin:diff_core/spin_us:N/msg_bytes:N
 *       throughput as above through a ring that polls for up to N us (the default)
 *   ipc/cacheline/thread/measure:latency/kind:pthread/pin:PIN
 *       two threads bouncing one cache line (spinning: a probe of the two CPUs, not a
 *       transport); PIN none or diff_core
 *   ipc/cacheline_each_way/thread/measure:latency/kind:pthread/pin:diff_core
 *       the same with a line for each direction, as the rings have: what a channel with
 *       a line per direction cannot go below
 * Every ping-pong and the probe also time one round trip in 16 on its own and report
 * the median of those as round_trip_median_ns; throughput and the copies time one
 * message's receipt (or one copy) in 16 and report op_median_ns.
 *   ipc/queue/MODE/measure:queue3/kind:KIND/pin:none
 *       the notes' Queue(3): 8-byte items through a bounded queue of three
 *   ipc/memcpy/thread/measure:copy/msg_bytes:N
 *       one thread copying N bytes: the limit
 *   ipc/memcpy_peer/thread/measure:copy_peer/kind:pthread/pin:diff_core/msg_bytes:N
 *       one thread copying N bytes that a thread on the other core has just written,
 *       timed alone: the limit of a ring's reader, whose bytes come from the writer's
 *       caches
 *   ipc/memcpy_pair/thread/measure:copy_pair/kind:pthread/pin:diff_core/msg_bytes:N
 *       this thread and one on the other core each copy N bytes of their own at once,
 *       timed until both are done: two copies sharing the L3 and memory, as a ring's
 *       writer and reader do
 * lmbench's bandwidth method runs in the same process (bw_lmbench.c, runs_with ipc).
 * A lost, repeated, reordered or damaged message ends the benchmark with an error.
 *
 * The rows run in ipc_messages.c and ipc_limits.c, the spin rows are registered in
 * ipc_spin.c; ipc_case.h is what they share.
 */
#include "ipc_case.h"
#include "scenario.h"
#include "util.h"

const enum worker_kind_id ipc_kinds[IPC_NKINDS] = {KIND_PTHREAD, KIND_FORK,
						     KIND_POSIX_SPAWN};

static const long quick_sizes[] = {64, 4096, 65536, 1 << 20};
static const long full_sizes[] = {8, 64, 512, 4096, 32768, 65536, 262144, 1 << 20, 4 << 20};

/* --- registration ------------------------------------------------------------------- */

static const char *const measures[] = {
	[THROUGHPUT] = "throughput",
	[LATENCY] = "latency",
	[QUEUE3] = "queue3",
	[SPIN_LATENCY] = "spin_latency",
	[SPIN_THROUGHPUT] = "spin_throughput",
};

/* The numeric arguments Google Benchmark sweeps, by measure. */
static const char *const arg_names[][BENCH_MAX_ARGS] = {
	[THROUGHPUT] = {"msg_bytes"},
	[SPIN_LATENCY] = {"spin_us"},
	[SPIN_THROUGHPUT] = {"spin_us", "msg_bytes"},
};

struct bench *ipc_add(const struct ipc_transport *t, const char *variant,
		      enum worker_kind_id kind, enum ipc_measure m, enum pin_policy pin,
		      gb_fn fn, enum gb_unit unit)
{
	struct ipc_case c = {t, &worker_kinds[kind], m, pin};
	return bench_register(&(struct bench_row){
		.scenario = &scenario_ipc, .measure = measures[m], .variant = variant,
		.kind = c.kind, .fixed = {{"pin", pin_policies[pin].name}},
		.arg_names = {arg_names[m][0], arg_names[m][1]}, .fn = fn, .data = &c,
		.data_size = sizeof c, .time = BENCH_REAL_TIME, .unit = unit});
}

static void register_all(const struct suite_opts *opts)
{
	bool full = opts->profile == PROFILE_FULL;
	const long *sizes = full ? full_sizes : quick_sizes;
	size_t nsizes = full ? ARRAY_SIZE(full_sizes) : ARRAY_SIZE(quick_sizes);
	const enum worker_kind_id *kinds = ipc_kinds;
	static const enum pin_policy pins[] = {PIN_NONE, PIN_SAME_PU, PIN_DIFF_CORE};

	/* Throughput unpinned, as a program meets it, and on two cores, where the numbers
	 * hold still: unpinned, a pair shares one CPU in one run and not in the next. */
	static const enum pin_policy throughput_pins[] = {PIN_NONE, PIN_DIFF_CORE};
	for (size_t p = 0; p < ARRAY_SIZE(throughput_pins); p++) {
		for (size_t i = 0; i < ipc_ntransports; i++) {
			const struct ipc_transport *t = ipc_transports[i];
			for (size_t k = 0; k < IPC_NKINDS; k++) {
				if (k > 0 && !t->processes)
					continue;
				if (kinds[k] == KIND_POSIX_SPAWN && throughput_pins[p] != PIN_NONE)
					continue; /* spawned or forked, the transport is the same */
				struct bench *b = ipc_add(t, t->name, kinds[k], THROUGHPUT,
							  throughput_pins[p], ipc_run_throughput,
							  GB_US);
				for (size_t s = 0; s < nsizes; s++)
					bench_arg(b, sizes[s]);
			}
		}
	}
	for (size_t p = 0; p < ARRAY_SIZE(pins); p++) {
		for (size_t i = 0; i < ipc_ntransports; i++) {
			const struct ipc_transport *t = ipc_transports[i];
			for (size_t k = 0; k < 2; k++)
				if (k == 0 || t->processes)
					ipc_add(t, t->name, kinds[k], LATENCY, pins[p],
						ipc_run_latency, GB_US);
		}
		if (pins[p] != PIN_SAME_PU) /* spinning on one PU measures the scheduler */
			ipc_add(NULL, "cacheline", KIND_PTHREAD, LATENCY, pins[p],
				ipc_run_cacheline, GB_NS);
	}
	ipc_add(NULL, "cacheline_each_way", KIND_PTHREAD, LATENCY, PIN_DIFF_CORE,
		ipc_run_cacheline_each_way, GB_NS);
	ipc_register_spin(full, sizes, nsizes);
	const struct ipc_transport *queue = ipc_find("queue");
	for (size_t k = 0; k < 2; k++)
		ipc_add(queue, queue->name, kinds[k], QUEUE3, PIN_NONE, ipc_run_throughput,
			GB_US);
	struct bench *b = bench_register(&(struct bench_row){
		.scenario = &scenario_ipc, .measure = "copy", .variant = "memcpy",
		.mode = MODE_THREAD, .arg_names = {"msg_bytes"}, .fn = ipc_run_memcpy,
		.time = BENCH_REAL_TIME, .unit = GB_US});
	for (size_t s = 0; s < nsizes; s++)
		bench_arg(b, sizes[s]);
	bench_arg(b, 64 << 20);
	/* The same copy from the other core's freshly written bytes, at the sizes a ring
	 * moves (the quick profile: at 1 MiB, where the ring is set against memcpy). */
	static const long quick_copy_sizes[] = {1 << 20};
	const long *copy_sizes = full ? sizes : quick_copy_sizes;
	size_t ncopy = full ? nsizes : ARRAY_SIZE(quick_copy_sizes);
	static const struct {
		const char *measure, *variant;
		enum ipc_measure m;
	} copies[] = {{"copy_peer", "memcpy_peer", COPY_PEER}, {"copy_pair", "memcpy_pair", COPY_PAIR}};
	for (size_t c = 0; c < ARRAY_SIZE(copies); c++) {
		struct ipc_case peer = {NULL, &worker_kinds[KIND_PTHREAD], copies[c].m, PIN_DIFF_CORE};
		b = bench_register(&(struct bench_row){
			.scenario = &scenario_ipc, .measure = copies[c].measure,
			.variant = copies[c].variant, .kind = peer.kind,
			.fixed = {{"pin", pin_policies[PIN_DIFF_CORE].name}},
			.arg_names = {"msg_bytes"}, .fn = ipc_run_memcpy_peer, .data = &peer,
			.data_size = sizeof peer, .time = BENCH_MANUAL_TIME, .unit = GB_US});
		for (size_t s = 0; s < ncopy; s++)
			bench_arg(b, copy_sizes[s]);
	}
}

const struct scenario scenario_ipc = {
	.name = "ipc",
	.desc = "messages between two workers: throughput, latency, Queue(3) (C4, C7)",
	.register_all = register_all,
	.families = {
		{"throughput", "stamped messages from the peer to this thread, every one "
			       "checked, as fast as they go"},
		{"latency", "ping-pong of 8 bytes, one round trip"},
		{"queue3", "the notes' Queue(3): 8-byte items through a bounded queue of three"},
		{"copy", "memcpy of a message by one thread: the limit"},
		{"spin_latency", "ping-pong of 8 bytes through a ring whose waiting side polls "
				 "for up to spin_us before it sleeps"},
		{"spin_throughput", "throughput through a ring whose waiting side polls for up "
				    "to spin_us before it sleeps"},
		{"copy_peer", "memcpy by one thread of a message a thread on the other core has "
			      "just written: the limit of a ring's reader"},
		{"copy_pair", "memcpy of a message by a thread on each of two cores at once: "
			      "what a ring's writer and reader do side by side"},
	},
};
