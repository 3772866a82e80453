/* ipc_case.h - what the files of the ipc scenario share (bench/ipc*.c): the case a row
 * runs, the session of a channel and its peer, and each row's run function. ipc.c
 * names the rows and registers them; ipc_session.c opens and closes a session;
 * ipc_messages.c moves messages (throughput, latency, Queue(3), the spin rows);
 * ipc_limits.c times what no transport can beat (memcpy, the cache-line probe);
 * ipc_spin.c registers the rings that poll first. */
#ifndef TVP_BENCH_IPC_CASE_H
#define TVP_BENCH_IPC_CASE_H

#include "common.h"
#include "ipc/ipc.h"

enum ipc_measure { THROUGHPUT, LATENCY, QUEUE3, SPIN_LATENCY, SPIN_THROUGHPUT, COPY_PEER,
		   COPY_PAIR };

struct ipc_case {
	const struct ipc_transport *t;
	const struct worker_kind *kind;
	enum ipc_measure measure;
	enum pin_policy pin;
};

struct ipc_session {
	struct ipc_chan c;
	struct worker w;
	bool started;
	void *buf;
	uint64_t seq;
	struct ipc_waits waits[2];  /* both sides', read when the peer has ended */
};

/* Makes the channel and starts the peer on it. Returns 0, or an errno value after
 * skipping the benchmark with the reason; what was made then is gone but for the
 * session's close. */
int ipc_session_open(gb_state *st, struct ipc_session *s, const struct ipc_case *ic,
		     size_t size, size_t capacity, uint32_t spin_ns, const struct task *task,
		     const cpu_set_t *peer_cpu);
/* Reaps the peer, reads both sides' waits, and removes the channel. */
void ipc_session_close(gb_state *st, struct ipc_session *s);
/* Ends a producer's stream: stop it, and take what it still sends up to the last. */
void ipc_drain(struct ipc_session *s);

/* The rows' run functions (gb_fn), data a struct ipc_case. */
void ipc_run_throughput(gb_state *st, const void *data);
void ipc_run_latency(gb_state *st, const void *data);
void ipc_run_memcpy(gb_state *st, const void *data);
void ipc_run_memcpy_peer(gb_state *st, const void *data);
void ipc_run_cacheline(gb_state *st, const void *data);
void ipc_run_cacheline_each_way(gb_state *st, const void *data);

/* The kinds a pair's peer runs as, by id: a thread first, then the processes (a
 * transport only threads can share runs the first alone). */
#define IPC_NKINDS 3
extern const enum worker_kind_id ipc_kinds[IPC_NKINDS];

/* One pair: its variant is the transport, or the cache line for the probe. */
struct bench *ipc_add(const struct ipc_transport *t, const char *variant,
		      enum worker_kind_id kind, enum ipc_measure m, enum pin_policy pin,
		      gb_fn fn, enum gb_unit unit);
/* The spin rows (ipc_spin.c). */
void ipc_register_spin(bool full, const long *sizes, size_t nsizes);

#endif
