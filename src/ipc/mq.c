/* mq.c - the message queues: POSIX (mq_open, by name) and System V (msgget, by id).
 * Each carries whole messages, up to a size the system sets: a bigger message is skipped
 * with the limit named, not split. Names are unique (pid and a counter), made with O_EXCL
 * and mode 0600, and registered so that a signal still removes them. */
#include "ipc/ipc.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <unistd.h>

static long proc_long(const char *path, long fallback)
{
	char buf[32];
	return read_text(path, buf, sizeof buf) == 0 ? strtol(buf, NULL, 10) : fallback;
}

/* --- POSIX message queues -------------------------------------------------------- */

static unsigned mq_serial;

static mqd_t *mqds(struct ipc_chan *c)
{
	return c->state;
}

static int posix_open_pair(struct ipc_chan *c, bool create, char *reason, size_t reason_size)
{
	mqd_t *q = calloc(2, sizeof *q);
	if (!q)
		return ENOMEM;
	c->state = q;
	q[0] = q[1] = (mqd_t)-1;
	long msg_max = proc_long("/proc/sys/fs/mqueue/msg_max", 10);
	struct mq_attr attr = {.mq_maxmsg = msg_max < 10 ? msg_max : 10,
			       .mq_msgsize = (long)c->msg_size};
	for (int dir = 0; dir < 2; dir++) {
		int flags = O_RDWR | (create ? O_CREAT | O_EXCL : 0);
		q[dir] = mq_open(c->name[dir], flags, 0600, create ? &attr : NULL);
		if (q[dir] == (mqd_t)-1) {
			int err = errno;
			long size_max = proc_long("/proc/sys/fs/mqueue/msgsize_max", 8192);
			struct rlimit rl = {0, 0};
			getrlimit(RLIMIT_MSGQUEUE, &rl);
			if (create && err == EINVAL) {
				snprintf(reason, reason_size, "a %zu-byte message is over "
					 "fs.mqueue.msgsize_max (%ld)", c->msg_size, size_max);
				err = EMSGSIZE;
			} else if (create && (err == EMFILE || err == ENOMEM)) {
				snprintf(reason, reason_size, "%ld messages of %zu bytes are over "
					 "RLIMIT_MSGQUEUE (%llu bytes)", (long)attr.mq_maxmsg,
					 c->msg_size, (unsigned long long)rl.rlim_cur);
				err = EMSGSIZE;
			}
			return err;
		}
		if (create)
			ipc_track(c->name[dir], -1);
	}
	return 0;
}

static void posix_close(struct ipc_chan *c)
{
	mqd_t *q = mqds(c);
	for (int dir = 0; q && dir < 2; dir++) {
		if (q[dir] != (mqd_t)-1)
			mq_close(q[dir]);
		if (c->side == 0 && c->name[dir][0]) {
			mq_unlink(c->name[dir]);
			ipc_untrack(c->name[dir], -1);
		}
	}
	free(q);
	c->state = NULL;
}

static int posix_create(struct ipc_chan *c, char *reason, size_t reason_size)
{
	unsigned n = __atomic_fetch_add(&mq_serial, 1, __ATOMIC_RELAXED);
	for (int dir = 0; dir < 2; dir++)
		snprintf(c->name[dir], sizeof c->name[dir], "/tvp-%d-%u-%s", (int)getpid(), n,
			 dir == IPC_UP ? "up" : "down");
	int err = posix_open_pair(c, true, reason, reason_size);
	if (err)
		posix_close(c);
	return err;
}

static void posix_describe(const struct ipc_chan *c, char *buf, size_t size)
{
	snprintf(buf, size, "%s,%s", c->name[0], c->name[1]);
}

static int posix_attach(struct ipc_chan *c, const char *desc)
{
	if (sscanf(desc, "%47[^,],%47s", c->name[0], c->name[1]) != 2)
		return EINVAL;
	int err = posix_open_pair(c, false, NULL, 0);
	if (err)
		posix_close(c);
	return err;
}

static int posix_send(struct ipc_chan *c, int dir, const void *buf)
{
	while (mq_send(mqds(c)[dir], buf, c->msg_size, 0) != 0)
		if (errno != EINTR)
			return errno;
	return 0;
}

static int posix_recv(struct ipc_chan *c, int dir, void *buf)
{
	ssize_t n;
	while ((n = mq_receive(mqds(c)[dir], buf, c->msg_size, NULL)) < 0)
		if (errno != EINTR)
			return errno;
	return (size_t)n == c->msg_size ? 0 : EPROTO;
}

const struct ipc_transport ipc_posix_mq = {
	.name = "posix_mq", .desc = "two POSIX message queues (mq_open)",
	.processes = true, .kernel = true,
	.create = posix_create, .describe = posix_describe, .attach = posix_attach,
	.send = posix_send, .recv = posix_recv, .close = posix_close,
};

/* --- System V message queue ------------------------------------------------------ */
/* One queue, the direction in the message type. */

struct sysv_msg {
	long mtype;
	char mtext[];
};

static int sysv_create(struct ipc_chan *c, char *reason, size_t reason_size)
{
	long msgmax = proc_long("/proc/sys/kernel/msgmax", 8192);
	long msgmnb = proc_long("/proc/sys/kernel/msgmnb", 16384);
	if ((long)c->msg_size > msgmax || (long)c->msg_size > msgmnb) {
		snprintf(reason, reason_size, "a %zu-byte message is over kernel.msgmax (%ld) or "
			 "kernel.msgmnb (%ld)", c->msg_size, msgmax, msgmnb);
		return EMSGSIZE;
	}
	c->id = msgget(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0600);
	if (c->id < 0)
		return errno;
	ipc_track(NULL, c->id);
	c->state = malloc(sizeof(struct sysv_msg) + c->msg_size);
	return c->state ? 0 : ENOMEM;
}

static void sysv_describe(const struct ipc_chan *c, char *buf, size_t size)
{
	snprintf(buf, size, "%d", c->id);
}

static int sysv_attach(struct ipc_chan *c, const char *desc)
{
	if (sscanf(desc, "%d", &c->id) != 1)
		return EINVAL;
	c->state = malloc(sizeof(struct sysv_msg) + c->msg_size);
	return c->state ? 0 : ENOMEM;
}

/* The message type is the direction plus one (types must be positive). The copy into
 * the message buffer is the API's: msgsnd takes the type and the text together. */
static int sysv_send(struct ipc_chan *c, int dir, const void *buf)
{
	struct sysv_msg *m = c->state;
	m->mtype = dir + 1;
	memcpy(m->mtext, buf, c->msg_size);
	while (msgsnd(c->id, m, c->msg_size, 0) != 0)
		if (errno != EINTR)
			return errno;
	return 0;
}

static int sysv_recv(struct ipc_chan *c, int dir, void *buf)
{
	struct sysv_msg *m = c->state;
	ssize_t n;
	while ((n = msgrcv(c->id, m, c->msg_size, dir + 1, 0)) < 0)
		if (errno != EINTR)
			return errno;
	memcpy(buf, m->mtext, c->msg_size);
	return (size_t)n == c->msg_size ? 0 : EPROTO;
}

static void sysv_close(struct ipc_chan *c)
{
	if (c->side == 0 && c->id >= 0) {
		msgctl(c->id, IPC_RMID, NULL);
		ipc_untrack(NULL, c->id);
	}
	free(c->state);
	c->state = NULL;
	c->id = -1;
}

const struct ipc_transport ipc_sysv_mq = {
	.name = "sysv_mq", .desc = "a System V message queue (msgget)",
	.processes = true, .kernel = true,
	.create = sysv_create, .describe = sysv_describe, .attach = sysv_attach,
	.send = sysv_send, .recv = sysv_recv, .close = sysv_close,
};
