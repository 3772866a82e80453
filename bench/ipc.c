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
 */
#include "common.h"
#include "ipc/ipc.h"
#include "ipc/peer.h"
#include "scenario.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

enum ipc_measure { THROUGHPUT, LATENCY, QUEUE3, SPIN_LATENCY, SPIN_THROUGHPUT, COPY_PEER,
		   COPY_PAIR };

struct ipc_case {
	const struct ipc_transport *t;
	const struct worker_kind *kind;
	enum ipc_measure measure;
	enum pin_policy pin;
};

struct session {
	struct ipc_chan c;
	struct worker w;
	bool started;
	void *buf;
	uint64_t seq;
	struct ipc_waits waits[2];  /* both sides', read when the peer has ended */
};

static const long quick_sizes[] = {64, 4096, 65536, 1 << 20};
static const long full_sizes[] = {8, 64, 512, 4096, 32768, 65536, 262144, 1 << 20, 4 << 20};

/* Makes the channel and starts the peer on it. Returns 0, or an errno value after
 * skipping the benchmark with the reason; what was made then is gone but for the
 * session's close. */
static int session_open(gb_state *st, struct session *s, const struct ipc_case *ic, size_t size,
			size_t capacity, uint32_t spin_ns, const struct task *task,
			const cpu_set_t *peer_cpu)
{
	char reason[256];
	memset(s, 0, sizeof *s);
	int err = ipc_create(&s->c, ic->t, size, capacity, spin_ns, reason, sizeof reason);
	if (err) {
		if (err == EMSGSIZE && reason[0])
			gb_skip(st, "%s: %s", ic->t->name, reason);
		else
			gb_skip(st, "%s: creating the channel: %s", ic->t->name, strerror(err));
		return err;
	}
	struct task_page *page = task_page();
	ipc_describe(&s->c, page->ipc_desc, sizeof page->ipc_desc);
	page->stop = 0;
	s->buf = malloc(size);
	if (!s->buf) {
		gb_skip(st, "malloc of %zu bytes failed", size);
		ic->t->close(&s->c);
		return ENOMEM;
	}
	err = worker_start(&s->w, ic->kind, task, 0, peer_cpu);
	if (err) {
		skip_start_error(st, ic->kind, err);
		free(s->buf);
		ic->t->close(&s->c);
		return err;
	}
	s->started = true;
	/* Touched after the fork, not before: a page the parent touched before it forked is
	 * copied at the parent's first write after, and that copy is fork's cost, not the
	 * transport's. */
	memset(s->buf, 0, size);
	if (ic->t->accept && (err = ic->t->accept(&s->c)) != 0)
		gb_skip(st, "%s: accepting the peer: %s", ic->t->name, strerror(err));
	if (ic->kind->mode == MODE_PROCESS)
		ipc_drop_peer_ends(&s->c);
	return err;
}

/* Reaps the peer, reads both sides' waits, and removes the channel. */
static void session_close(gb_state *st, struct session *s)
{
	if (s->started) {
		int err = worker_reap(&s->w);
		if (!gb_error_occurred(st) && (err || s->w.exit.signaled || s->w.exit.code)) {
			char how[64];
			gb_skip(st, "the %s peer ended with %s", s->w.kind->name,
				err ? strerror(err) : worker_exit_str(&s->w.exit, how, sizeof how));
		}
	}
	if (s->c.t->waits && s->c.mem)
		for (int side = 0; side < 2; side++)
			s->c.t->waits(&s->c, side, &s->waits[side]);
	s->c.t->close(&s->c);
	free(s->buf);
}

/* Single operations (round trips, a message's receipt, a copy), one in SAMPLE_EVERY
 * timed on its own: their median is the operation while both sides run, which a
 * preemption of one side (milliseconds, once in a while on a shared machine) barely
 * moves, where it moves the repetition's mean by its whole length. Buckets of 1 ns up to LINEAR_NS, of WIDE_NS above, the last for anything
 * longer. */
#define SAMPLE_EVERY 16
#define LINEAR_NS 4096
#define BUCKETS 8192
#define WIDE_NS 256

struct rt_sampler {
	uint32_t *bucket;       /* NULL: no memory, no samples */
	uint64_t n;
	uint64_t i;
};

static void sampler_open(struct rt_sampler *r)
{
	*r = (struct rt_sampler){.bucket = calloc(BUCKETS, sizeof(uint32_t))};
}

static bool sampler_due(struct rt_sampler *r)
{
	return r->bucket && r->i++ % SAMPLE_EVERY == 0;
}

static void sampler_add(struct rt_sampler *r, int64_t ns)
{
	int64_t b = ns < LINEAR_NS ? ns : LINEAR_NS + (ns - LINEAR_NS) / WIDE_NS;
	r->bucket[b < 0 ? 0 : b >= BUCKETS ? BUCKETS - 1 : b]++;
	r->n++;
}

/* Reports the median of the samples as counter name, and frees them. */
static void sampler_close(gb_state *st, struct rt_sampler *r, const char *name)
{
	uint64_t seen = 0;
	for (int64_t b = 0; r->bucket && r->n && !gb_error_occurred(st) && b < BUCKETS; b++) {
		seen += r->bucket[b];
		if (2 * seen >= r->n) {
			double ns = b < LINEAR_NS ? (double)b : LINEAR_NS + (double)(b - LINEAR_NS) * WIDE_NS + WIDE_NS / 2;
			gb_counter(st, name, ns, 0);
			break;
		}
	}
	free(r->bucket);
	r->bucket = NULL;
}

/* Ends a producer's stream: stop it, and take what it still sends up to the last. */
static void drain(struct session *s)
{
	__atomic_store_n(&task_page()->stop, 1, __ATOMIC_RELAXED);
	while (s->c.t->recv(&s->c, IPC_UP, s->buf) == 0 &&
	       !ipc_is_last(s->buf, s->c.msg_size, s->seq))
		s->seq++;
}

static void run_throughput(gb_state *st, const void *data)
{
	const struct ipc_case *ic = data;
	bool spin = ic->measure == SPIN_THROUGHPUT;
	size_t size = ic->measure == QUEUE3 ? 8 : (size_t)gb_range(st, spin ? 1 : 0);
	uint32_t spin_ns = spin ? (uint32_t)gb_range(st, 0) * 1000 : 0;
	struct pair_placement pl;
	if (pair_place(st, &pl, ic->pin) != 0)
		return;
	struct session s;
	if (session_open(st, &s, ic, size, ic->measure == QUEUE3 ? 3 : 0, spin_ns,
			 &task_ipc_produce, pl.pinned ? &pl.peer : NULL) != 0) {
		session_close(st, &s);
		pair_unplace(st, &pl);
		return;
	}
	char fault[256];
	struct rt_sampler smp;
	sampler_open(&smp);
	while (gb_keep_running(st)) {
		bool timed = sampler_due(&smp);
		int64_t t0 = timed ? now_ns() : 0;
		int err = ic->t->recv(&s.c, IPC_UP, s.buf);
		if (timed)
			sampler_add(&smp, now_ns() - t0);
		if (err) {
			gb_skip(st, "%s: receiving: %s", ic->t->name, strerror(err));
			break;
		}
		if (ipc_check(s.buf, size, s.seq, fault, sizeof fault) != 0) {
			gb_skip(st, "%s: %s", ic->t->name, fault);
			break;
		}
		s.seq++;
	}
	sampler_close(st, &smp, "op_median_ns");
	drain(&s);
	session_close(st, &s);
	pair_unplace(st, &pl);
	if (gb_error_occurred(st))
		return;
	gb_set_bytes_processed(st, (int64_t)size * gb_iterations(st));
	gb_set_items_processed(st, gb_iterations(st));
}

/* This thread's user + system time, ns. */
static double thread_cpu_ns(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_THREAD, &ru) == 0 ? rusage_cpu_ns(&ru) : -1;
}

#define PING_BYTES 8


/* Ping-pong until Google Benchmark has enough; the last ping tells the peer to stop,
 * and it echoes that one too. */
static void ping_pong(gb_state *st, const struct ipc_case *ic, struct session *s)
{
	const size_t size = PING_BYTES;
	char fault[256], back[PING_BYTES];
	struct rt_sampler smp;
	sampler_open(&smp);
	while (gb_keep_running(st)) {
		ipc_stamp(s->buf, size, s->seq);
		bool timed = sampler_due(&smp);
		int64_t t0 = timed ? now_ns() : 0;
		int err = ic->t->send(&s->c, IPC_DOWN, s->buf);
		if (!err)
			err = ic->t->recv(&s->c, IPC_UP, back);
		if (timed)
			sampler_add(&smp, now_ns() - t0);
		if (err) {
			gb_skip(st, "%s: %s", ic->t->name, strerror(err));
			break;
		}
		if (ipc_check(back, size, s->seq, fault, sizeof fault) != 0) {
			gb_skip(st, "%s: %s", ic->t->name, fault);
			break;
		}
		s->seq++;
	}
	sampler_close(st, &smp, "round_trip_median_ns");
	ipc_stamp_last(s->buf, size, s->seq);
	if (ic->t->send(&s->c, IPC_DOWN, s->buf) == 0)
		ic->t->recv(&s->c, IPC_UP, back);
}

/* What a round trip cost both sides: CPU time, and how their waits ended. */
static void round_trip_counters(gb_state *st, const struct session *s, double my_cpu_ns)
{
	double rounds = (double)gb_iterations(st);
	int64_t peer_cpu = task_page()->result[PEER_CPU_NS];
	if (rounds <= 0 || gb_error_occurred(st))
		return;
	if (my_cpu_ns >= 0 && peer_cpu >= 0)
		gb_counter(st, "cpu_ns_per_round_trip", (my_cpu_ns + (double)peer_cpu) / rounds,
			   0);
	if (!s->c.t->waits)
		return;
	const struct ipc_waits *w = s->waits;
	gb_counter(st, "sleeps_per_round_trip", (double)(w[0].slept + w[1].slept) / rounds, 0);
	gb_counter(st, "spin_hits_per_round_trip",
		   (double)(w[0].spin_hits + w[1].spin_hits) / rounds, 0);
}

static void run_latency(gb_state *st, const void *data)
{
	const struct ipc_case *ic = data;
	uint32_t spin_ns = ic->measure == SPIN_LATENCY ? (uint32_t)gb_range(st, 0) * 1000 : 0;
	struct pair_placement pl;
	if (pair_place(st, &pl, ic->pin) != 0)
		return;
	struct session s;
	double cpu_ns = -1;
	task_page()->result[PEER_CPU_NS] = -1;
	if (session_open(st, &s, ic, PING_BYTES, 0, spin_ns, &task_ipc_echo,
			 pl.pinned ? &pl.peer : NULL) == 0) {
		double cpu0 = thread_cpu_ns();
		ping_pong(st, ic, &s);
		double cpu1 = thread_cpu_ns();
		if (cpu0 >= 0 && cpu1 >= 0)
			cpu_ns = cpu1 - cpu0;
	}
	session_close(st, &s);
	round_trip_counters(st, &s, cpu_ns);
	pair_unplace(st, &pl);
}

static void run_memcpy(gb_state *st, const void *data)
{
	(void)data;
	size_t size = (size_t)gb_range(st, 0);
	char *src = malloc(size), *dst = malloc(size);
	if (!src || !dst) {
		gb_skip(st, "malloc of 2 x %zu bytes failed", size);
	} else {
		memset(src, 1, size);
		memset(dst, 2, size);
		struct rt_sampler smp;
		sampler_open(&smp);
		while (gb_keep_running(st)) {
			bool timed = sampler_due(&smp);
			int64_t t0 = timed ? now_ns() : 0;
			memcpy(dst, src, size);
			__asm__ volatile("" : : "r"(dst) : "memory");
			if (timed)
				sampler_add(&smp, now_ns() - t0);
		}
		sampler_close(st, &smp, "op_median_ns");
		gb_set_bytes_processed(st, (int64_t)size * gb_iterations(st));
	}
	free(src);
	free(dst);
}

/* --- memcpy of bytes another core has just written --------------------------------- */

struct peer_writer {
	_Alignas(128) uint32_t turn;   /* odd: do the work; even: done */
	uint32_t stop;
	char *buf;
	size_t size;
	char *copy_to;                 /* NULL: write buf; else copy buf there, its own */
};

static void *write_on_request(void *arg)
{
	struct peer_writer *pw = arg;
	for (;;) {
		uint32_t t;
		while ((t = __atomic_load_n(&pw->turn, __ATOMIC_ACQUIRE)) % 2 == 0)
			if (__atomic_load_n(&pw->stop, __ATOMIC_RELAXED))
				return NULL;
		if (pw->copy_to)
			memcpy(pw->copy_to, pw->buf, pw->size);
		else
			memset(pw->buf, (int)(t & 0xff), pw->size);
		__atomic_store_n(&pw->turn, t + 1, __ATOMIC_RELEASE);
	}
}

/* The peer copies its own size bytes while this thread copies as many: the time until
 * both are done, what two copies at once on two cores take (they share the L3 and the
 * memory behind it, as a ring's writer and reader do). */
static void copy_beside_peer(gb_state *st, struct peer_writer *pw, char *src, char *dst)
{
	struct rt_sampler smp;
	sampler_open(&smp);
	while (gb_keep_running(st)) {
		uint32_t t = __atomic_load_n(&pw->turn, __ATOMIC_RELAXED) + 1;
		int64_t t0 = now_ns();
		__atomic_store_n(&pw->turn, t, __ATOMIC_RELEASE);
		memcpy(dst, src, pw->size);
		__asm__ volatile("" : : "r"(dst) : "memory");
		while (__atomic_load_n(&pw->turn, __ATOMIC_ACQUIRE) != t + 1) {
		}
		int64_t took = now_ns() - t0;
		gb_set_iteration_time(st, (double)took * 1e-9);
		if (sampler_due(&smp))
			sampler_add(&smp, took);
	}
	sampler_close(st, &smp, "op_median_ns");
	gb_set_bytes_processed(st, (int64_t)pw->size * gb_iterations(st));
}

/* Has the peer write the whole source, and waits (spinning: the pair is on two cores). */
static void peer_writes(struct peer_writer *pw)
{
	uint32_t t = __atomic_load_n(&pw->turn, __ATOMIC_RELAXED) + 1;
	__atomic_store_n(&pw->turn, t, __ATOMIC_RELEASE);
	while (__atomic_load_n(&pw->turn, __ATOMIC_ACQUIRE) != t + 1) {
	}
}

static void copy_from_peer(gb_state *st, struct peer_writer *pw, char *dst)
{
	struct rt_sampler smp;
	sampler_open(&smp);
	while (gb_keep_running(st)) {
		peer_writes(pw);
		int64_t t0 = now_ns();
		memcpy(dst, pw->buf, pw->size);
		__asm__ volatile("" : : "r"(dst) : "memory");
		int64_t took = now_ns() - t0;
		gb_set_iteration_time(st, (double)took * 1e-9);
		if (sampler_due(&smp))
			sampler_add(&smp, took);
	}
	sampler_close(st, &smp, "op_median_ns");
	gb_set_bytes_processed(st, (int64_t)pw->size * gb_iterations(st));
}

/* measure copy_peer (this thread copies what the peer wrote) or copy_pair (each copies
 * its own buffers at once). */
static void run_memcpy_peer(gb_state *st, const void *data)
{
	const struct ipc_case *ic = data;
	bool pair = ic->measure == COPY_PAIR;
	size_t size = (size_t)gb_range(st, 0);
	struct pair_placement pl;
	if (pair_place(st, &pl, ic->pin) != 0)
		return;
	struct peer_writer *pw = aligned_alloc(128, sizeof *pw);
	char *src = malloc(size), *dst = malloc(size);
	char *peer_dst = pair ? malloc(size) : NULL, *mine = pair ? malloc(size) : NULL;
	pthread_t writer;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	if (pl.pinned)
		pthread_attr_setaffinity_np(&attr, sizeof pl.peer, &pl.peer);
	int err = pw && src && dst && (!pair || (peer_dst && mine)) ? 0 : ENOMEM;
	if (err) {
		gb_skip(st, "malloc of %d x %zu bytes failed", pair ? 4 : 2, size);
	} else {
		*pw = (struct peer_writer){.buf = src, .size = size, .copy_to = peer_dst};
		memset(src, 1, size);
		memset(dst, 2, size);
		if (pair) {
			memset(peer_dst, 3, size);
			memset(mine, 4, size);
		}
		if ((err = pthread_create(&writer, &attr, write_on_request, pw)) != 0) {
			gb_skip(st, "pthread_create: %s", strerror(err));
		} else {
			if (pair)
				copy_beside_peer(st, pw, mine, dst);
			else
				copy_from_peer(st, pw, dst);
			__atomic_store_n(&pw->stop, 1, __ATOMIC_RELAXED);
			pthread_join(writer, NULL);
		}
	}
	pthread_attr_destroy(&attr);
	free(pw);
	free(src);
	free(dst);
	free(peer_dst);
	free(mine);
	pair_unplace(st, &pl);
}

/* --- the cache-line probe ------------------------------------------------------------ */

static void probe_lines(gb_state *st, const struct ipc_case *ic, bool each_way)
{
	struct pair_placement pl;
	if (pair_place(st, &pl, ic->pin) != 0)
		return;
	struct line_probe probe;
	int err = line_probe_start(&probe, pl.pinned ? &pl.peer : NULL, each_way);
	if (err) {
		gb_skip(st, "pthread_create: %s", strerror(err));
	} else {
		struct rt_sampler smp;
		sampler_open(&smp);
		while (gb_keep_running(st)) {
			if (sampler_due(&smp)) {
				int64_t t0 = now_ns();
				line_probe_round_trip(&probe);
				sampler_add(&smp, now_ns() - t0);
			} else {
				line_probe_round_trip(&probe);
			}
		}
		sampler_close(st, &smp, "round_trip_median_ns");
		line_probe_stop(&probe);
	}
	pair_unplace(st, &pl);
}

static void run_cacheline(gb_state *st, const void *data)
{
	probe_lines(st, data, false);
}

static void run_cacheline_each_way(gb_state *st, const void *data)
{
	probe_lines(st, data, true);
}

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

/* One pair: its variant is the transport, or the cache line for the probe. */
static struct bench *add(const struct ipc_transport *t, const char *variant,
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

/* The rings again, their waiting side polling first: the sweep of the bound on two
 * cores, the default bound on one PU (where the ring must not poll) and unpinned, and
 * throughput at the default bound on two cores. Spawned or forked, throughput goes
 * through the same transport; the round trip is measured for both. */
static void register_spin(bool full, const long *sizes, size_t nsizes)
{
	static const enum worker_kind_id kinds[] = {KIND_PTHREAD, KIND_FORK, KIND_POSIX_SPAWN};
	/* The quick profile sets the default bound against no polling at all; the sweep
	 * that chose the default, and throughput at every size, are the full profile's. */
	static const long full_sweep_us[] = {0, 1, 10, 100};
	const long default_us = IPC_SPIN_DEFAULT_NS / 1000;
	const long quick_sweep_us[] = {0, default_us};
	const long *sweep_us = full ? full_sweep_us : quick_sweep_us;
	size_t nsweep = full ? ARRAY_SIZE(full_sweep_us) : ARRAY_SIZE(quick_sweep_us);
	static const long quick_spin_sizes[] = {65536, 1 << 20};
	if (!full) {
		sizes = quick_spin_sizes;
		nsizes = ARRAY_SIZE(quick_spin_sizes);
	}
	for (size_t i = 0; i < ipc_ntransports; i++) {
		const struct ipc_transport *t = ipc_transports[i];
		if (!t->waits)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
			if (k > 0 && !t->processes)
				continue;
			struct bench *b = add(t, t->name, kinds[k], SPIN_LATENCY, PIN_DIFF_CORE,
					      run_latency, GB_US);
			for (size_t v = 0; v < nsweep; v++)
				bench_arg(b, sweep_us[v]);
			bench_arg(add(t, t->name, kinds[k], SPIN_LATENCY, PIN_SAME_PU, run_latency,
				      GB_US), default_us);
			bench_arg(add(t, t->name, kinds[k], SPIN_LATENCY, PIN_NONE, run_latency,
				      GB_US), default_us);
			if (kinds[k] == KIND_POSIX_SPAWN)
				continue;
			b = add(t, t->name, kinds[k], SPIN_THROUGHPUT, PIN_DIFF_CORE, run_throughput,
				GB_US);
			for (size_t s = 0; s < nsizes; s++)
				bench_args2(b, default_us, sizes[s]);
		}
	}
}

static void register_all(const struct suite_opts *opts)
{
	bool full = opts->profile == PROFILE_FULL;
	const long *sizes = full ? full_sizes : quick_sizes;
	size_t nsizes = full ? ARRAY_SIZE(full_sizes) : ARRAY_SIZE(quick_sizes);
	static const enum worker_kind_id kinds[] = {KIND_PTHREAD, KIND_FORK, KIND_POSIX_SPAWN};
	static const enum pin_policy pins[] = {PIN_NONE, PIN_SAME_PU, PIN_DIFF_CORE};

	/* Throughput unpinned, as a program meets it, and on two cores, where the numbers
	 * hold still: unpinned, a pair shares one CPU in one run and not in the next. */
	static const enum pin_policy throughput_pins[] = {PIN_NONE, PIN_DIFF_CORE};
	for (size_t p = 0; p < ARRAY_SIZE(throughput_pins); p++) {
		for (size_t i = 0; i < ipc_ntransports; i++) {
			const struct ipc_transport *t = ipc_transports[i];
			for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
				if (k > 0 && !t->processes)
					continue;
				if (kinds[k] == KIND_POSIX_SPAWN && throughput_pins[p] != PIN_NONE)
					continue; /* spawned or forked, the transport is the same */
				struct bench *b = add(t, t->name, kinds[k], THROUGHPUT,
						      throughput_pins[p], run_throughput, GB_US);
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
					add(t, t->name, kinds[k], LATENCY, pins[p], run_latency,
					    GB_US);
		}
		if (pins[p] != PIN_SAME_PU) /* spinning on one PU measures the scheduler */
			add(NULL, "cacheline", KIND_PTHREAD, LATENCY, pins[p], run_cacheline,
			    GB_NS);
	}
	add(NULL, "cacheline_each_way", KIND_PTHREAD, LATENCY, PIN_DIFF_CORE,
	    run_cacheline_each_way, GB_NS);
	register_spin(full, sizes, nsizes);
	const struct ipc_transport *queue = ipc_find("queue");
	for (size_t k = 0; k < 2; k++)
		add(queue, queue->name, kinds[k], QUEUE3, PIN_NONE, run_throughput, GB_US);
	struct bench *b = bench_register(&(struct bench_row){
		.scenario = &scenario_ipc, .measure = "copy", .variant = "memcpy",
		.mode = MODE_THREAD, .arg_names = {"msg_bytes"}, .fn = run_memcpy,
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
			.arg_names = {"msg_bytes"}, .fn = run_memcpy_peer, .data = &peer,
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
