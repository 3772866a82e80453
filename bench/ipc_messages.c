/* ipc_messages.c - the rows that move messages through a transport: throughput (and
 * the notes' Queue(3), and the spin rows' throughput), one message received and
 * checked per iteration; latency (and the spin rows' round trips), one ping-pong per
 * iteration, with the CPU time and the waits of both sides. */
#include "ipc_case.h"
#include "ipc_sampler.h"
#include "ipc/peer.h"
#include "util.h"

#include <string.h>
#include <sys/resource.h>

void ipc_run_throughput(gb_state *st, const void *data)
{
	const struct ipc_case *ic = data;
	bool spin = ic->measure == SPIN_THROUGHPUT;
	size_t size = ic->measure == QUEUE3 ? 8 : (size_t)gb_range(st, spin ? 1 : 0);
	uint32_t spin_ns = spin ? (uint32_t)gb_range(st, 0) * 1000 : 0;
	struct pair_placement pl;
	if (pair_place(st, &pl, ic->pin) != 0)
		return;
	struct ipc_session s;
	if (ipc_session_open(st, &s, ic, size, ic->measure == QUEUE3 ? 3 : 0, spin_ns,
			     &task_ipc_produce, pl.pinned ? &pl.peer : NULL) != 0) {
		ipc_session_close(st, &s);
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
	ipc_drain(&s);
	ipc_session_close(st, &s);
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
static void ping_pong(gb_state *st, const struct ipc_case *ic, struct ipc_session *s)
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
static void round_trip_counters(gb_state *st, const struct ipc_session *s, double my_cpu_ns)
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

void ipc_run_latency(gb_state *st, const void *data)
{
	const struct ipc_case *ic = data;
	uint32_t spin_ns = ic->measure == SPIN_LATENCY ? (uint32_t)gb_range(st, 0) * 1000 : 0;
	struct pair_placement pl;
	if (pair_place(st, &pl, ic->pin) != 0)
		return;
	struct ipc_session s;
	double cpu_ns = -1;
	task_page()->result[PEER_CPU_NS] = -1;
	if (ipc_session_open(st, &s, ic, PING_BYTES, 0, spin_ns, &task_ipc_echo,
			     pl.pinned ? &pl.peer : NULL) == 0) {
		double cpu0 = thread_cpu_ns();
		ping_pong(st, ic, &s);
		double cpu1 = thread_cpu_ns();
		if (cpu0 >= 0 && cpu1 >= 0)
			cpu_ns = cpu1 - cpu0;
	}
	ipc_session_close(st, &s);
	round_trip_counters(st, &s, cpu_ns);
	pair_unplace(st, &pl);
}
