/* ring.c - a single-producer single-consumer ring in shared memory, with futex wake-ups:
 * a writer that finds the ring full, or a reader that finds it empty, sleeps in the
 * kernel, and the other side wakes it only when it has said it sleeps. With a spin
 * bound (ipc_chan.spin_ns) the waiting side first polls, with a pause instruction, for
 * up to that long: between two awake CPUs the hand-off is then a cache-line transfer,
 * not a wake-up (tens of microseconds on a virtual machine). A side bound to the same
 * single PU as the other never polls, nor one that finds itself on the CPU the other
 * side last waited on: the other side cannot run while it does. The copy in and out is
 * ours.
 *
 * A direction is a ring of slots of LINE bytes, and a ring of bytes. Every message, or
 * every piece of a big one, takes a slot: the slot's sequence number says it is there,
 * and a message of up to SLOT_BYTES travels in the slot itself, so handing over a small
 * message (up to 56 bytes on 64-byte cache lines) moves one line, the one the reader
 * polls. A bigger one goes to the byte ring, the slot saying how long it is. With one position word beside the
 * bytes instead (this ring until 2026-11-28), the reader polled the position and then
 * fetched the message from another line: two transfers in a row a hand-off, and an
 * 8-byte ping-pong between polling cores took 2.2 to 2.5 times the cache-line probe's
 * round trip on the 2-core machine.
 *   shm_ring   the rings in a memfd, shared futexes: between processes (the spawned peer
 *              maps the inherited descriptor) or threads
 *   spsc_ring  the same rings in the heap, private futexes: between threads only
 * Both run the same code; only where the memory comes from differs.
 */
#include "ipc/ipc.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* 4 MiB of bytes a direction: big enough that a 1 MiB message streams through without the
 * two sides taking turns, small enough to stay near the caches (ipc-bench's advice: 2-8
 * MiB). */
#ifndef RING_BYTES /* a build may try another (make EXTRA_CPPFLAGS=-DRING_BYTES=...) */
#define RING_BYTES (4u << 20)
#endif
/* Two 64-byte cache lines: the adjacent-line prefetcher fetches lines in pairs, so words
 * two sides write must be a pair apart. */
#define LINE 128
/* Slots a direction, a power of two so that sequence numbers wrap with them. A stream of
 * small messages must be able to run ahead of a reader that went to sleep for as long as
 * waking it takes (30-40 us on a virtual machine), or the writer sleeps too and both take
 * turns: with 4096 slots (512 KiB), 64-byte messages between two cores went at a third of
 * the speed of 32768 slots (1 against 3.0-4.3 GB/s, where the ring of bytes alone had
 * made 3.6-4.7 in the same runs; 2026-11-28). 4 MiB, as the bytes. */
#ifndef RING_SLOTS
#define RING_SLOTS 32768u
#endif
/* The bytes of a message that travel in its slot, after the slot's own two words. */
#define SLOT_BYTES (LINE - 2 * sizeof(uint32_t))
#define SLOT_INLINE 0x80000000u /* in slot.len: the bytes are in the slot */
/* The writer publishes at least every 1 MiB (the L2 of a core here), so the reader of a
 * bigger message starts while the rest is still being written. Not more often: the
 * reader would then copy lines still hot in the writer's L2, each fetched by a snoop of
 * the busy core, where a megabyte later most have gone to the shared L3. On the 2-core
 * virtual machine (Zen 4, 1 MiB L2), 1 MiB messages between two polling cores took 30 us
 * each publishing every 64 or 256 KiB and 23 us every 1 MiB, against 22 us for one
 * thread's memcpy of 1 MiB (medians of single messages, 2026-11-28). */
#ifndef PUBLISH_BYTES
#define PUBLISH_BYTES (1u << 20)
#endif
/* Polls between two looks at the clock while spinning: a look costs about as much as a
 * few polls, and the bound need not be kept closer than a few hundred ns. */
#define POLLS_PER_CLOCK 8

/* One message, or one piece of a big one. seq is the slot's number + 1 once the writer
 * has filled it: the reader waiting for slot k sees k + 1 - RING_SLOTS there until then,
 * never anything the bytes of a message could put there. */
struct slot {
	_Alignas(LINE) uint32_t seq;
	uint32_t len;                          /* bytes, | SLOT_INLINE when in bytes[] */
	char bytes[SLOT_BYTES];
};

/* Each side's words in a line of its own: the reader's move with every message, but the
 * writer reads them only when it runs out of room; the sleep flags rarely move, and a
 * flag read from a line the other side keeps writing would cost a transfer of that line
 * every time. */
struct ring {
	_Alignas(LINE) uint32_t done;          /* slots consumed, mod 2^32: the reader's */
	uint32_t head;                         /* bytes consumed, mod 2^32 */
	_Alignas(LINE) uint32_t next;          /* slots filled: the writer's own */
	uint32_t tail;                         /* bytes produced */
	_Alignas(LINE) uint32_t reader_sleeps;
	_Alignas(LINE) uint32_t writer_sleeps;
	struct slot slot[RING_SLOTS];
	_Alignas(LINE) char data[RING_BYTES];
};

/* What a side says of itself, for the other side and for whoever asks (ipc waits): the
 * PU it is bound to, written once at create or attach, and the CPU it last waited on,
 * written only when that changes, so the other side reads both from its own cache;
 * apart from its wait counts, which it writes at every wait and nobody reads while the
 * channel runs. */
struct ring_side {
	_Alignas(LINE) uint32_t pu;            /* see bound_pu; 0: not attached yet */
	uint32_t cpu;                          /* PU_FIRST + the CPU of its last wait; 0: none */
	_Alignas(LINE) struct ipc_waits waits;
};

struct rings {
	struct ring dir[2];
	struct ring_side side[2];              /* by ipc_chan.side: 0 parent, 1 peer */
};

/* The writer's last sight of the reader's words, in its own memory: it looks again only
 * when what it last saw leaves no room, so the reader's line moves once per batch, not
 * once per message. */
struct ring_sight {
	struct {
		uint32_t done, head;
	} seen[2];
};

/* One side's way through one direction of the channel. */
struct ring_end {
	struct ring *r;
	uint32_t *done_seen, *head_seen;       /* its ring_sight for this direction */
	struct ring_side *me;
	const struct ring_side *other;
	uint32_t spin_ns;
	bool private;                          /* futexes of one process (the heap ring) */
};

static long futex(uint32_t *addr, int op, uint32_t val, bool private)
{
	return syscall(SYS_futex, addr, op | (private ? FUTEX_PRIVATE_FLAG : 0), val, NULL, NULL,
		       0);
}

enum { PU_UNSAID, PU_SEVERAL, PU_FIRST };

/* PU_FIRST + the PU the calling thread is bound to, or PU_SEVERAL. */
static uint32_t bound_pu(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0 || CPU_COUNT(&set) != 1)
		return PU_SEVERAL;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			return PU_FIRST + (uint32_t)cpu;
	return PU_SEVERAL;
}

/* Whether polling can end a wait: the other side has attached (one still starting
 * takes far longer than any bound) and the two are not bound to one and the same PU. */
static bool worth_polling(uint32_t me, uint32_t other)
{
	return other != PU_UNSAID && !(me >= PU_FIRST && me == other);
}

/* Says which CPU this side waits on, and whether the other side last waited on the same
 * one: unpinned, the scheduler may run both on one CPU, where polling only delays the
 * other side (it can run only once this one gives the CPU up). A stale answer costs a
 * sleep or a poll, never a message. */
static bool shares_cpu_now(struct ring_side *me, const struct ring_side *other)
{
	int cpu = sched_getcpu();
	uint32_t here = cpu >= 0 ? PU_FIRST + (uint32_t)cpu : PU_SEVERAL;
	if (__atomic_load_n(&me->cpu, __ATOMIC_RELAXED) != here)
		__atomic_store_n(&me->cpu, here, __ATOMIC_RELAXED);
	return here >= PU_FIRST && here == __atomic_load_n(&other->cpu, __ATOMIC_RELAXED);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause(); /* tells the core it spins: less power, no memory-order flush */
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

/* Polls word until it is no longer seen or spin_ns have passed; true if it moved. A
 * reader also prefetches next, where the bytes of a message too big for its slot will
 * be: that line then comes over while it polls, not after it has seen the slot fill. */
static bool spin_until_moved(const uint32_t *word, uint32_t seen, uint32_t spin_ns,
			     const void *next)
{
	int64_t end = now_ns() + spin_ns;
	do {
		for (int i = 0; i < POLLS_PER_CLOCK; i++) {
			if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != seen)
				return true;
			if (next)
				__builtin_prefetch(next, 0, 3);
			cpu_relax();
		}
	} while (now_ns() < end);
	return __atomic_load_n(word, __ATOMIC_ACQUIRE) != seen;
}

/* The sleeper raises its flag, looks at the position once more, and sleeps on the flag;
 * the other side publishes its position, and if the flag is up takes it down and wakes.
 * Both sides' store and load are sequentially consistent, so one of them sees the other
 * (Dekker) and no wake-up is lost. The waker taking the flag down means one FUTEX_WAKE a
 * sleep, not one for every message sent while the sleeper is still waking up (a
 * cross-CPU wake-up on a virtual machine takes as long as hundreds of small messages).
 * The futex is the flag, not the position: a late waker that took down the flag of a
 * newer sleep makes that sleep's FUTEX_WAIT return at once, where a wait on an unchanged
 * position would sleep with nobody left to wake it. Returns whether it went to the
 * kernel. A spinning waiter never raises the flag, so the publisher makes no system
 * call for it. */
static bool sleep_on(const uint32_t *word, uint32_t seen, uint32_t *flag, bool private)
{
	bool slept = false;
	__atomic_store_n(flag, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(word, __ATOMIC_SEQ_CST) == seen) {
		futex(flag, FUTEX_WAIT, 1, private);
		slept = true;
	}
	__atomic_store_n(flag, 0, __ATOMIC_RELAXED);
	return slept;
}

/* Waits for word to move from seen: polls first where the end may, then sleeps. */
static void wait_for(const struct ring_end *e, const uint32_t *word, uint32_t seen,
		     uint32_t *flag, const void *next)
{
	struct ipc_waits *w = &e->me->waits;
	uint32_t other_pu = __atomic_load_n(&e->other->pu, __ATOMIC_RELAXED);
	if (e->spin_ns && worth_polling(e->me->pu, other_pu) &&
	    !shares_cpu_now(e->me, e->other)) {
		w->spun++;
		if (spin_until_moved(word, seen, e->spin_ns, next)) {
			w->spin_hits++;
			return;
		}
	}
	if (sleep_on(word, seen, flag, e->private))
		w->slept++;
}

static void publish(uint32_t *word, uint32_t value, uint32_t *flag, bool private)
{
	__atomic_store_n(word, value, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(flag, __ATOMIC_SEQ_CST) &&
	    __atomic_exchange_n(flag, 0, __ATOMIC_SEQ_CST))
		futex(flag, FUTEX_WAKE, 1, private);
}

/* Waits until the writer has a slot and, for a piece that does not go in its slot, some
 * bytes; returns the bytes it has room for. */
static uint32_t room_for(const struct ring_end *e, uint32_t next, uint32_t tail, bool inline_)
{
	struct ring *r = e->r;
	for (;;) {
		uint32_t room = RING_BYTES - (tail - *e->head_seen);
		if (next - *e->done_seen < RING_SLOTS && (inline_ || room > 0))
			return room;
		uint32_t done = __atomic_load_n(&r->done, __ATOMIC_ACQUIRE);
		if (done == *e->done_seen) {
			wait_for(e, &r->done, done, &r->writer_sleeps, NULL);
		} else { /* done is published after head: head is at least as new */
			*e->done_seen = done;
			*e->head_seen = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
		}
	}
}

static int ring_write(const struct ring_end *e, const char *buf, size_t n)
{
	struct ring *r = e->r;
	uint32_t next = r->next, tail = r->tail;
	while (n > 0) {
		bool inline_ = n <= SLOT_BYTES;
		uint32_t room = room_for(e, next, tail, inline_);
		struct slot *s = &r->slot[next % RING_SLOTS];
		uint32_t chunk;
		if (inline_) {
			chunk = (uint32_t)n;
			memcpy(s->bytes, buf, chunk);
			s->len = chunk | SLOT_INLINE;
		} else {
			uint32_t at = tail % RING_BYTES;
			chunk = RING_BYTES - at;
			if (chunk > room)
				chunk = room;
			if (chunk > PUBLISH_BYTES)
				chunk = PUBLISH_BYTES;
			if (chunk > n)
				chunk = (uint32_t)n;
			memcpy(r->data + at, buf, chunk);
			s->len = chunk;
			tail += chunk;
			r->tail = tail;
		}
		r->next = ++next;
		publish(&s->seq, next, &r->reader_sleeps, e->private);
		buf += chunk;
		n -= chunk;
	}
	return 0;
}

static int ring_read(const struct ring_end *e, char *buf, size_t n)
{
	struct ring *r = e->r;
	uint32_t done = r->done, head = r->head;
	while (n > 0) {
		struct slot *s = &r->slot[done % RING_SLOTS];
		uint32_t seq = __atomic_load_n(&s->seq, __ATOMIC_ACQUIRE);
		if (seq != done + 1) {
			wait_for(e, &s->seq, seq, &r->reader_sleeps, r->data + head % RING_BYTES);
			continue;
		}
		uint32_t chunk = s->len & ~SLOT_INLINE;
		if (chunk > n) /* both sides cut a message the same way: a bigger piece is a bug */
			return EPROTO;
		if (s->len & SLOT_INLINE) {
			memcpy(buf, s->bytes, chunk);
		} else {
			memcpy(buf, r->data + head % RING_BYTES, chunk);
			head += chunk;
			__atomic_store_n(&r->head, head, __ATOMIC_RELAXED);
		}
		publish(&r->done, ++done, &r->writer_sleeps, e->private);
		buf += chunk;
		n -= chunk;
	}
	return 0;
}

/* This side's end of direction dir; private for the heap ring's futexes. */
static struct ring_end end_of(struct ipc_chan *c, int dir, bool private)
{
	struct rings *rs = c->mem;
	struct ring_sight *sight = c->state;
	return (struct ring_end){
		.r = &rs->dir[dir], .done_seen = &sight->seen[dir].done,
		.head_seen = &sight->seen[dir].head, .me = &rs->side[c->side],
		.other = &rs->side[!c->side], .spin_ns = c->spin_ns, .private = private};
}

/* This side says which PU it is bound to, once it has the memory. */
static void say_where(struct ipc_chan *c)
{
	struct rings *rs = c->mem;
	__atomic_store_n(&rs->side[c->side].pu, bound_pu(), __ATOMIC_RELAXED);
}

static void ring_waits(const struct ipc_chan *c, int side, struct ipc_waits *w)
{
	const struct rings *rs = c->mem;
	*w = rs->side[side].waits;
}

/* --- shm_ring: a memfd --------------------------------------------------------------- */

static int shm_map(struct ipc_chan *c, int fd)
{
	c->state = calloc(1, sizeof(struct ring_sight));
	if (!c->state)
		return ENOMEM;
	c->mem_size = sizeof(struct rings);
	/* Populated: the first pass through the ring would otherwise fault in every page
	 * inside the timed loop, on each side. */
	c->mem = mmap(NULL, c->mem_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		      0);
	if (c->mem == MAP_FAILED) {
		c->mem = NULL;
		return errno;
	}
	say_where(c);
	return 0;
}

static int shm_create(struct ipc_chan *c, char *reason, size_t reason_size)
{
	(void)reason;
	(void)reason_size;
	/* No name to leave behind, and no close-on-exec: the spawned peer maps it. */
	int fd = memfd_create("tvp-ring", 0);
	if (fd < 0)
		return errno;
	c->fd[2] = fd;
	if (ftruncate(fd, sizeof(struct rings)) != 0)
		return errno;
	return shm_map(c, fd);
}

static void shm_describe(const struct ipc_chan *c, char *buf, size_t size)
{
	snprintf(buf, size, "%d", c->fd[2]);
}

static int shm_attach(struct ipc_chan *c, const char *desc)
{
	int fd;
	if (sscanf(desc, "%d", &fd) != 1)
		return EINVAL;
	return shm_map(c, fd);
}

static int shm_send(struct ipc_chan *c, int dir, const void *buf)
{
	struct ring_end e = end_of(c, dir, false);
	return ring_write(&e, buf, c->msg_size);
}

static int shm_recv(struct ipc_chan *c, int dir, void *buf)
{
	struct ring_end e = end_of(c, dir, false);
	return ring_read(&e, buf, c->msg_size);
}

static void shm_close(struct ipc_chan *c)
{
	if (c->mem)
		munmap(c->mem, c->mem_size);
	c->mem = NULL;
	free(c->state);
	c->state = NULL;
	if (c->side == 0)
		ipc_close_fds(c);
}

const struct ipc_transport ipc_shm_ring = {
	.name = "shm_ring", .desc = "a ring in shared memory (memfd), futex wake-ups",
	.processes = true, .create = shm_create, .describe = shm_describe, .attach = shm_attach,
	.send = shm_send, .recv = shm_recv, .close = shm_close, .waits = ring_waits,
};

#ifdef TVP_TEST_EXTRA_TRANSPORT
/* Built only with -DTVP_TEST_EXTRA_TRANSPORT (make extra-transport), with fd.c's
 * pipe_twin: the shared-memory ring under another name, so that a test can show a
 * transport added in C reaching every table and figure of the report with no edit on
 * the Python side. A ring: user space, polls first, runs between processes too. */
const struct ipc_transport ipc_shm_twin = {
	.name = "shm_twin", .desc = "the shared-memory ring again (a test build's extra row)",
	.processes = true, .create = shm_create, .describe = shm_describe, .attach = shm_attach,
	.send = shm_send, .recv = shm_recv, .close = shm_close, .waits = ring_waits,
};
#endif

/* --- spsc_ring: the heap, threads only ----------------------------------------------- */

static int heap_create(struct ipc_chan *c, char *reason, size_t reason_size)
{
	(void)reason;
	(void)reason_size;
	c->mem = aligned_alloc(LINE, sizeof(struct rings));
	c->state = calloc(1, sizeof(struct ring_sight));
	if (!c->mem || !c->state)
		return ENOMEM;
	memset(c->mem, 0, sizeof(struct rings));
	c->mem_size = sizeof(struct rings);
	say_where(c);
	return 0;
}

static void heap_describe(const struct ipc_chan *c, char *buf, size_t size)
{
	snprintf(buf, size, "%p", c->mem);
}

static int heap_attach(struct ipc_chan *c, const char *desc)
{
	c->state = calloc(1, sizeof(struct ring_sight));
	if (!c->state)
		return ENOMEM;
	if (sscanf(desc, "%p", &c->mem) != 1)
		return EINVAL;
	say_where(c);
	return 0;
}

static int heap_send(struct ipc_chan *c, int dir, const void *buf)
{
	struct ring_end e = end_of(c, dir, true);
	return ring_write(&e, buf, c->msg_size);
}

static int heap_recv(struct ipc_chan *c, int dir, void *buf)
{
	struct ring_end e = end_of(c, dir, true);
	return ring_read(&e, buf, c->msg_size);
}

static void heap_close(struct ipc_chan *c)
{
	if (c->side == 0)
		free(c->mem);
	free(c->state);
	c->mem = NULL;
	c->state = NULL;
}

const struct ipc_transport ipc_spsc_ring = {
	.name = "spsc_ring", .desc = "a ring in the heap, private futex wake-ups (threads only)",
	.processes = false, .create = heap_create, .describe = heap_describe,
	.attach = heap_attach, .send = heap_send, .recv = heap_recv, .close = heap_close,
	.waits = ring_waits,
};
