/* queue.c - a bounded queue of whole messages under a mutex and two condition variables:
 * the shape of Python's queue.Queue(maxsize), and of the notes' Queue(3). The mutex and
 * conditions are process-shared and live in a memfd, so the same queue runs between two
 * threads or two processes, and the comparison is of the same code. */
#include "ipc/ipc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define DEFAULT_CAPACITY 16

struct queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full;
	size_t head, count;
};

/* Two queues (up, down), each followed by its slots. */
static size_t queue_bytes(const struct ipc_chan *c)
{
	size_t slots = (c->capacity ? c->capacity : DEFAULT_CAPACITY) * c->msg_size;
	return (sizeof(struct queue) + slots + 63) / 64 * 64;
}

static struct queue *queue_of(const struct ipc_chan *c, int dir)
{
	return (struct queue *)((char *)c->mem + (size_t)dir * queue_bytes(c));
}

static char *slot(const struct ipc_chan *c, struct queue *q, size_t i)
{
	return (char *)(q + 1) + i * c->msg_size;
}

static int map(struct ipc_chan *c, int fd)
{
	c->mem_size = 2 * queue_bytes(c);
	/* Populated, as the ring is: no page faults in the timed loop's first pass. */
	c->mem = mmap(NULL, c->mem_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		      0);
	if (c->mem == MAP_FAILED) {
		c->mem = NULL;
		return errno;
	}
	return 0;
}

static int queue_create(struct ipc_chan *c, char *reason, size_t reason_size)
{
	(void)reason;
	(void)reason_size;
	if (!c->capacity)
		c->capacity = DEFAULT_CAPACITY;
	int fd = memfd_create("tvp-queue", 0);
	if (fd < 0)
		return errno;
	c->fd[2] = fd;
	int err = ftruncate(fd, (off_t)(2 * queue_bytes(c))) == 0 ? map(c, fd) : errno;
	if (err)
		return err;
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	for (int dir = 0; dir < 2; dir++) {
		struct queue *q = queue_of(c, dir);
		pthread_mutex_init(&q->lock, &ma);
		pthread_cond_init(&q->not_empty, &ca);
		pthread_cond_init(&q->not_full, &ca);
	}
	pthread_mutexattr_destroy(&ma);
	pthread_condattr_destroy(&ca);
	return 0;
}

static void queue_describe(const struct ipc_chan *c, char *buf, size_t size)
{
	snprintf(buf, size, "%d", c->fd[2]);
}

static int queue_attach(struct ipc_chan *c, const char *desc)
{
	int fd;
	if (sscanf(desc, "%d", &fd) != 1)
		return EINVAL;
	return map(c, fd);
}

static int queue_send(struct ipc_chan *c, int dir, const void *buf)
{
	struct queue *q = queue_of(c, dir);
	pthread_mutex_lock(&q->lock);
	while (q->count == c->capacity)
		pthread_cond_wait(&q->not_full, &q->lock);
	memcpy(slot(c, q, (q->head + q->count) % c->capacity), buf, c->msg_size);
	q->count++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

static int queue_recv(struct ipc_chan *c, int dir, void *buf)
{
	struct queue *q = queue_of(c, dir);
	pthread_mutex_lock(&q->lock);
	while (q->count == 0)
		pthread_cond_wait(&q->not_empty, &q->lock);
	memcpy(buf, slot(c, q, q->head), c->msg_size);
	q->head = (q->head + 1) % c->capacity;
	q->count--;
	pthread_cond_signal(&q->not_full);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

static void queue_close(struct ipc_chan *c)
{
	if (c->mem)
		munmap(c->mem, c->mem_size);
	c->mem = NULL;
	if (c->side == 0)
		ipc_close_fds(c);
}

const struct ipc_transport ipc_queue = {
	.name = "queue", .desc = "a bounded queue under a mutex and condition variables "
				 "(process-shared, in a memfd)",
	.processes = true, .create = queue_create, .describe = queue_describe,
	.attach = queue_attach, .send = queue_send, .recv = queue_recv, .close = queue_close,
};
