/* ipc.h - transports behind one interface, for the same work between two processes or
 * two threads.
 *
 * A channel joins the parent (side 0) and a peer (side 1) in both directions: "up"
 * carries peer to parent (throughput: the peer produces, the parent consumes), "down"
 * parent to peer (latency: the parent pings, the peer echoes). The parent creates it,
 * writes a description of it (descriptor numbers or names), and starts the peer; the
 * peer, whether a thread, a forked child or a spawned program, attaches from that
 * description alone, as an unrelated program would. Every transport blocks in its own
 * way when there is nothing to read or no room to write (the kernel, or a futex), and
 * none uses signals. The rings can also spin first (spin_ns): a waiting side polls the
 * shared word for a bounded time before it sleeps, so a hand-off between two awake CPUs
 * costs a cache-line transfer instead of a wake-up; a pair bound to one and the same PU
 * never spins (the other side cannot run while this one polls).
 *
 * Messages have one size per channel. send and recv move exactly that many bytes,
 * looping over partial reads and writes where the transport is a byte stream.
 */
#ifndef TVP_IPC_H
#define TVP_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { IPC_UP, IPC_DOWN };

struct ipc_chan {
	const struct ipc_transport *t;
	size_t msg_size;
	size_t capacity;        /* in messages, for the bounded queue; 0: the default */
	uint32_t spin_ns;       /* how long a waiting side polls before it sleeps, for a
				 * transport with waits (the rings); 0: it sleeps at once */
	int side;               /* 0 parent, 1 peer */
	int fd[4];              /* [0] parent reads, [1] parent writes, [2] peer reads,
				 * [3] peer writes; a socket may fill two of them */
	bool peer_opened;       /* a peer opened its descriptors itself (TCP): its to close */
	char name[2][48];       /* POSIX message queue names, up and down */
	int id;                 /* System V queue */
	void *mem;              /* the shared rings or queues */
	size_t mem_size;
	void *state;            /* what the transport keeps per side */
};

/* How one side's waits (nothing to read, or no room to write) ended. */
struct ipc_waits {
	uint64_t spun;          /* waits that polled first (spin_ns > 0, not on one PU) */
	uint64_t spin_hits;     /* ... and saw the other side move while polling */
	uint64_t slept;         /* waits that slept in the kernel (FUTEX_WAIT) */
};

/* The spin bound the benchmarks use unless they sweep it, chosen from the sweep (0, 1,
 * 10, 100 us) of the rings' ping-pong on two cores of the 2-core virtual machine: the
 * shortest bound whose median single round trip is within 1.25x of the best bound's,
 * for every pair, in every run. On 2026-11-28: at 1 us most pairs still slept in a
 * third to all of their waits; at 10 us every pair had 215 to 240 ns in most runs (450
 * to 520 ns of CPU for both sides), but in 2 of 4 runs one pair stayed for a whole
 * benchmark in a mode where both sides sleep at every round trip (a median single
 * round trip of 1 ms): once one side has slept, waking it takes longer than 10 us, so
 * the other side's poll ends before the answer comes and it sleeps too, and so on.
 * 100 us outlasts a wake-up, so a pair falls back into polling at the next round trip:
 * no run showed that mode (215 to 240 ns, and 790 ns for one pair of one busy run), for
 * the same CPU. A longer bound only burns more CPU in the waits polling cannot end
 * (docs/measuring.md, the ipc section). */
#define IPC_SPIN_DEFAULT_NS 100000u

struct ipc_transport {
	const char *name;
	const char *desc;
	bool processes;         /* runs between processes too (else threads only) */
	/* Every send and receive is a system call: the kernel moves the bytes and wakes the
	 * reader. False for a transport whose messages go through memory the two sides
	 * share, whatever it calls to sleep. The report groups transports by it. */
	bool kernel;
	/* Parent: make the channel for messages of c->msg_size bytes. Returns 0, an errno
	 * value, or EMSGSIZE with reason (a system limit, named) when the size cannot go. */
	int (*create)(struct ipc_chan *c, char *reason, size_t reason_size);
	/* Parent: the description a peer attaches from. */
	void (*describe)(const struct ipc_chan *c, char *buf, size_t size);
	/* Peer: attach to the channel from the description. */
	int (*attach)(struct ipc_chan *c, const char *desc);
	/* Parent, once the peer has attached (a TCP accept). May be NULL. */
	int (*accept)(struct ipc_chan *c);
	int (*send)(struct ipc_chan *c, int dir, const void *buf);
	int (*recv)(struct ipc_chan *c, int dir, void *buf);
	/* Either side: release what that side holds. The parent's also removes every
	 * name and object, so nothing outlives the channel. */
	void (*close)(struct ipc_chan *c);
	/* Either side, while the channel is open: how side's waits have ended so far. NULL
	 * for a transport that never spins (it honours no spin_ns). */
	void (*waits)(const struct ipc_chan *c, int side, struct ipc_waits *w);
};

extern const struct ipc_transport *const ipc_transports[];
extern const size_t ipc_ntransports;
const struct ipc_transport *ipc_find(const char *name);

/* Parent: create; the description goes with the transport's name, size, capacity and
 * spin bound ("pipe:64:0:0:5,6,7,8"), so the peer waits as the parent does. spin_ns is
 * ignored by a transport without waits. */
int ipc_create(struct ipc_chan *c, const struct ipc_transport *t, size_t msg_size,
	       size_t capacity, uint32_t spin_ns, char *reason, size_t reason_size);
void ipc_describe(const struct ipc_chan *c, char *buf, size_t size);
/* Peer: attach from a full description (transport name, size, capacity, spin bound, its
 * own part). */
int ipc_attach(struct ipc_chan *c, const char *desc);
/* Parent: after a process peer has started, close the descriptors that are the peer's. */
void ipc_drop_peer_ends(struct ipc_chan *c);

/* Message stamps: a sequence number and a length, written into every 4 KiB of a message
 * and its last bytes, so a lost, repeated, reordered, cut or shifted message shows
 * without reading every byte. ipc_check returns 0 or describes the fault in buf. */
void ipc_stamp(void *msg, size_t size, uint64_t seq);
int ipc_check(const void *msg, size_t size, uint64_t seq, char *buf, size_t buf_size);
#define IPC_LAST UINT64_MAX   /* the sequence number that ends a stream */
/* The message that ends a stream in place of message next: for 16 bytes and more,
 * stamped IPC_LAST; below, the bitwise complement of what message next would be. */
void ipc_stamp_last(void *msg, size_t size, uint64_t next);
bool ipc_is_last(const void *msg, size_t size, uint64_t next);

/* Helpers for descriptor-based transports: whole messages over a stream. */
int ipc_write_all(int fd, const void *buf, size_t size);
int ipc_read_all(int fd, void *buf, size_t size);
void ipc_close_fds(struct ipc_chan *c);

/* Objects with names (POSIX and System V queues) are registered while they exist, so an
 * interrupted run still removes them (ipc_remove_tracked, async-signal-safe, only in the
 * process that made them). */
void ipc_track(const char *mq_name, int sysv_id);
void ipc_untrack(const char *mq_name, int sysv_id);
void ipc_remove_tracked(void);

#endif
