/* ipc.c - the transport table, descriptions, message stamps and clean-up on signals. */
#include "ipc/ipc.h"

#include <errno.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

extern const struct ipc_transport ipc_pipe, ipc_unix_stream, ipc_unix_seqpacket, ipc_posix_mq,
	ipc_sysv_mq, ipc_shm_ring, ipc_tcp, ipc_queue, ipc_spsc_ring;
#ifdef TVP_TEST_EXTRA_TRANSPORT
/* A test build's extra rows: a kernel transport (fd.c) and a user-space one (ring.c). */
extern const struct ipc_transport ipc_pipe_twin, ipc_shm_twin;
#endif

/* The order of every table and figure. */
const struct ipc_transport *const ipc_transports[] = {
	&ipc_pipe, &ipc_unix_stream, &ipc_unix_seqpacket, &ipc_posix_mq, &ipc_sysv_mq,
	&ipc_shm_ring, &ipc_tcp, &ipc_queue, &ipc_spsc_ring,
#ifdef TVP_TEST_EXTRA_TRANSPORT
	&ipc_pipe_twin, &ipc_shm_twin,
#endif
};
const size_t ipc_ntransports = sizeof ipc_transports / sizeof ipc_transports[0];

const struct ipc_transport *ipc_find(const char *name)
{
	for (size_t i = 0; i < ipc_ntransports; i++)
		if (strcmp(ipc_transports[i]->name, name) == 0)
			return ipc_transports[i];
	return NULL;
}

static void init(struct ipc_chan *c, const struct ipc_transport *t, size_t msg_size,
		 size_t capacity, uint32_t spin_ns, int side)
{
	memset(c, 0, sizeof *c);
	c->t = t;
	c->msg_size = msg_size;
	c->capacity = capacity;
	c->spin_ns = t->waits ? spin_ns : 0;
	c->side = side;
	c->id = -1;
	for (int i = 0; i < 4; i++)
		c->fd[i] = -1;
}

int ipc_create(struct ipc_chan *c, const struct ipc_transport *t, size_t msg_size,
	       size_t capacity, uint32_t spin_ns, char *reason, size_t reason_size)
{
	init(c, t, msg_size, capacity, spin_ns, 0);
	if (reason_size)
		reason[0] = '\0';
	return t->create(c, reason, reason_size);
}

void ipc_describe(const struct ipc_chan *c, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s:%zu:%zu:%u:", c->t->name, c->msg_size, c->capacity,
			 (unsigned)c->spin_ns);
	if (n > 0 && (size_t)n < size)
		c->t->describe(c, buf + n, size - (size_t)n);
}

int ipc_attach(struct ipc_chan *c, const char *desc)
{
	char name[32];
	size_t msg_size, capacity;
	unsigned spin_ns;
	int used = 0;
	if (sscanf(desc, "%31[^:]:%zu:%zu:%u:%n", name, &msg_size, &capacity, &spin_ns, &used) !=
		    4 ||
	    !used)
		return EINVAL;
	const struct ipc_transport *t = ipc_find(name);
	if (!t)
		return EINVAL;
	init(c, t, msg_size, capacity, spin_ns, 1);
	return t->attach(c, desc + used);
}

void ipc_drop_peer_ends(struct ipc_chan *c)
{
	for (int i = 2; i < 4; i++) {
		if (c->fd[i] >= 0 && (i == 2 || c->fd[i] != c->fd[2]))
			close(c->fd[i]);
		c->fd[i] = -1;
	}
}

void ipc_close_fds(struct ipc_chan *c)
{
	for (int i = 0; i < 4; i++) {
		bool dup = false;
		for (int j = 0; j < i; j++)
			dup |= c->fd[j] == c->fd[i];
		if (c->fd[i] >= 0 && !dup)
			close(c->fd[i]);
	}
	for (int i = 0; i < 4; i++)
		c->fd[i] = -1;
}

int ipc_write_all(int fd, const void *buf, size_t size)
{
	const char *p = buf;
	while (size > 0) {
		ssize_t n = write(fd, p, size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

int ipc_read_all(int fd, void *buf, size_t size)
{
	char *p = buf;
	while (size > 0) {
		ssize_t n = read(fd, p, size);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (n == 0)
			return EPIPE; /* the other side is gone */
		p += n;
		size -= (size_t)n;
	}
	return 0;
}

/* --- stamps ------------------------------------------------------------------ */

#define STAMP_EVERY 4096

static uint64_t stamp_word(uint64_t seq, size_t size, size_t off)
{
	return seq * 0x9e3779b97f4a7c15ULL ^ ((uint64_t)size << 32) ^ off;
}

static unsigned char seq_byte(uint64_t seq, size_t i)
{
	return (unsigned char)(seq >> (8 * (i % 8)));
}

void ipc_stamp(void *msg, size_t size, uint64_t seq)
{
	unsigned char *p = msg;
	if (size < 16) {
		/* Too small for stamps: the low bytes of the sequence number. */
		for (size_t i = 0; i < size; i++)
			p[i] = seq_byte(seq, i);
		return;
	}
	memcpy(p, &seq, 8);
	for (size_t off = 8; off + 8 <= size; off += STAMP_EVERY) {
		uint64_t w = stamp_word(seq, size, off);
		memcpy(p + off, &w, 8);
	}
	uint64_t w = stamp_word(seq, size, size - 8);
	memcpy(p + size - 8, &w, 8);
}

void ipc_stamp_last(void *msg, size_t size, uint64_t next)
{
	if (size >= 16) {
		ipc_stamp(msg, size, IPC_LAST);
		return;
	}
	unsigned char *p = msg;
	ipc_stamp(msg, size, next);
	for (size_t i = 0; i < size; i++)
		p[i] = (unsigned char)~p[i];
}

bool ipc_is_last(const void *msg, size_t size, uint64_t next)
{
	const unsigned char *p = msg;
	if (size >= 16) {
		uint64_t seq;
		memcpy(&seq, p, 8);
		return seq == IPC_LAST;
	}
	for (size_t i = 0; i < size; i++)
		if (p[i] != (unsigned char)~(seq_byte(next, i)))
			return false;
	return true;
}

static bool stamp_ok(const unsigned char *p, size_t size, uint64_t seq, size_t off)
{
	uint64_t w;
	memcpy(&w, p + off, 8);
	return w == stamp_word(seq, size, off);
}

int ipc_check(const void *msg, size_t size, uint64_t seq, char *buf, size_t buf_size)
{
	const unsigned char *p = msg;
	if (size < 16) {
		for (size_t i = 0; i < size; i++) {
			if (p[i] != seq_byte(seq, i)) {
				snprintf(buf, buf_size, "message %llu of %zu bytes: byte %zu is wrong",
					 (unsigned long long)seq, size, i);
				return EPROTO;
			}
		}
		return 0;
	}
	uint64_t got;
	memcpy(&got, p, 8);
	if (got != seq) {
		snprintf(buf, buf_size, "message %llu expected, message %llu arrived (lost, repeated "
			 "or reordered)", (unsigned long long)seq, (unsigned long long)got);
		return EPROTO;
	}
	for (size_t off = 8; off + 8 <= size; off += STAMP_EVERY) {
		if (!stamp_ok(p, size, seq, off))
			goto damaged;
	}
	if (stamp_ok(p, size, seq, size - 8))
		return 0;
damaged:
	snprintf(buf, buf_size, "message %llu of %zu bytes is damaged", (unsigned long long)seq,
		 size);
	return EPROTO;
}

/* --- named objects removed on SIGINT and SIGTERM ------------------------------- */

#define TRACK_MAX 16
static char tracked_mq[TRACK_MAX][48];
static int tracked_sysv[TRACK_MAX] = {[0 ... TRACK_MAX - 1] = -1};
static pid_t owner;

void ipc_track(const char *mq_name, int sysv_id)
{
	owner = getpid();
	for (int i = 0; i < TRACK_MAX; i++) {
		if (mq_name && !tracked_mq[i][0]) {
			snprintf(tracked_mq[i], sizeof tracked_mq[i], "%s", mq_name);
			mq_name = NULL;
		}
		if (sysv_id >= 0 && tracked_sysv[i] < 0) {
			tracked_sysv[i] = sysv_id;
			sysv_id = -1;
		}
	}
}

void ipc_untrack(const char *mq_name, int sysv_id)
{
	for (int i = 0; i < TRACK_MAX; i++) {
		if (mq_name && strcmp(tracked_mq[i], mq_name) == 0)
			tracked_mq[i][0] = '\0';
		if (sysv_id >= 0 && tracked_sysv[i] == sysv_id)
			tracked_sysv[i] = -1;
	}
}

void ipc_remove_tracked(void)
{
	/* Only the process that made them; a forked peer inherits the table too. */
	if (getpid() != owner)
		return;
	for (int i = 0; i < TRACK_MAX; i++) {
		if (tracked_mq[i][0])
			mq_unlink(tracked_mq[i]);
		if (tracked_sysv[i] >= 0)
			msgctl(tracked_sysv[i], IPC_RMID, NULL);
	}
}
