/* scale.c - the workloads, and starting, releasing and stopping N workers. */
#include "scale.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

const struct scale_workload_info scale_workloads[SCALE_NWORKLOADS] = {
	[SCALE_CPU] = {"cpu", "pure compute: 1000 rounds of xorshift in registers", "1000 rounds"},
	[SCALE_MEMORY] = {"memory", "streaming reads over a private buffer twice the LLC",
			  "64-byte line"},
	[SCALE_SHARED_COUNTER] = {"shared_counter", "one atomic add to a counter all workers share",
				  "atomic add"},
	[SCALE_FALSE_SHARING] = {"false_sharing",
				 "each worker adds to its own counter in a global array, 8 to a "
				 "cache line: threads share the array and its lines, each process "
				 "adds in its own copy", "atomic add"},
	[SCALE_FALSE_SHARING_SHARED] = {"false_sharing_shared",
					"the same counters, 8 to a cache line, in one MAP_SHARED "
					"array: processes share the lines as threads do",
					"atomic add"},
	[SCALE_PADDED] = {"padded", "the same with each counter in a cache line of its own",
			  "atomic add"},
	[SCALE_PAGE_FAULT] = {"page_fault", "mmap 64 KiB, write its 16 pages, munmap",
			      "map, 16 faults, unmap"},
};

/* The area a worker runs against: set before the workers start, so a forked worker
 * inherits the pointer and a thread shares it. */
static struct scale_shared *area;

struct ctx {
	struct scale_shared *sh;
	struct scale_slot *me;
	uint64_t *ops;            /* its slot's count, which the parent reads */
	uint64_t *own;            /* SCALE_FALSE_SHARING(_SHARED), SCALE_PADDED: its counter */
	uint64_t *buf;            /* SCALE_MEMORY */
};

static int stopped(const struct ctx *c, uint64_t done)
{
	return __atomic_load_n(&c->sh->stop, __ATOMIC_RELAXED) ||
	       (c->sh->max_ops && done >= c->sh->max_ops);
}

/* Relaxed: the parent only needs to see the count eventually, and this worker is the
 * only writer of its word. */
static void count(const struct ctx *c, uint64_t done)
{
	__atomic_store_n(c->ops, done, __ATOMIC_RELAXED);
}

static int loop_cpu(struct ctx *c)
{
	uint64_t x = 88172645463325252ULL + (uintptr_t)c->me, done = 0;
	while (!stopped(c, done)) {
		for (int i = 0; i < 1000; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			__asm__ volatile("" : "+r"(x)); /* one round at a time, never folded */
		}
		count(c, ++done);
	}
	return 0;
}

static int loop_memory(struct ctx *c)
{
	const size_t chunk = 4096 / sizeof(uint64_t); /* a page, counted as 64 lines */
	size_t words = c->sh->buffer_bytes / sizeof(uint64_t);
	uint64_t done = 0, sum = 0;
	while (!stopped(c, done)) {
		/* One pass over the buffer, counted a page at a time. */
		for (size_t i = 0; i + chunk <= words && !stopped(c, done); i += chunk) {
			for (size_t j = i; j < i + chunk; j++)
				sum += c->buf[j];
			done += 4096 / 64;
			count(c, done);
		}
	}
	__asm__ volatile("" : : "r"(sum)); /* the sum is used: keep the reads */
	return 0;
}

static int loop_counter(struct ctx *c)
{
	uint64_t done = 0;
	while (!stopped(c, done)) {
		__atomic_fetch_add(&c->sh->counter, 1, __ATOMIC_RELAXED);
		count(c, ++done);
	}
	return 0;
}

/* False sharing and padded: each worker adds to its own counter in an ordinary global
 * array, 8 to a cache line or one per line. Threads share the array, so packed counters
 * share lines; each process has its own copy of it, so its counter shares a line with
 * nobody's: a process does not share the lines because it does not share the data.
 * false_sharing_shared puts the packed counters in the MAP_SHARED area instead, so
 * processes share them as threads do and both sides do the same shared work. (An
 * atomic add: it needs the line exclusive every time, which a plain store waiting in
 * the store buffer would not.) The count is published to the worker's shared slot every
 * 1024 adds, for the parent to read. Aligned as packed[] is, so counter i falls in the
 * same line of either array. */
static _Alignas(SCALE_LINE) uint64_t own_counters[SCALE_MAX_WORKERS *
						  (SCALE_LINE / sizeof(uint64_t))];

/* Where worker i's own counter is: in the shared area, or in this image's global array
 * (packed, or one per SCALE_LINE when padded). NULL for the other workloads. */
static uint64_t *own_counter(struct scale_shared *sh, enum scale_workload w, size_t i)
{
	switch (w) {
	case SCALE_FALSE_SHARING_SHARED:
		return &sh->packed[i];
	case SCALE_FALSE_SHARING:
		return &own_counters[i];
	case SCALE_PADDED:
		return &own_counters[i * (SCALE_LINE / sizeof(uint64_t))];
	default:
		return NULL;
	}
}

static int loop_own_counter(struct ctx *c)
{
	uint64_t done = 0;
	while (!stopped(c, done)) {
		__atomic_fetch_add(c->own, 1, __ATOMIC_RELAXED);
		if ((++done & 1023) == 0)
			count(c, done);
	}
	count(c, done);
	return 0;
}

static int loop_page_fault(struct ctx *c)
{
	const size_t size = 64 * 1024, page = 4096;
	uint64_t done = 0;
	while (!stopped(c, done)) {
		char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return errno;
		for (size_t off = 0; off < size; off += page)
			((volatile char *)p)[off] = 1;
		munmap(p, size);
		count(c, ++done);
	}
	return 0;
}

static int (*const loops[SCALE_NWORKLOADS])(struct ctx *) = {
	[SCALE_CPU] = loop_cpu,
	[SCALE_MEMORY] = loop_memory,
	[SCALE_SHARED_COUNTER] = loop_counter,
	[SCALE_FALSE_SHARING] = loop_own_counter,
	[SCALE_FALSE_SHARING_SHARED] = loop_own_counter,
	[SCALE_PADDED] = loop_own_counter,
	[SCALE_PAGE_FAULT] = loop_page_fault,
};

static int run_worker(long index, int64_t start_ns)
{
	(void)start_ns;
	struct scale_shared *sh = area;
	struct ctx c = {.sh = sh, .me = &sh->slot[index]};
	c.ops = &c.me->ops;
	c.own = own_counter(sh, (enum scale_workload)sh->workload, (size_t)index);

	/* Set-up before the gate: it is not part of the run. */
	if (sh->workload == SCALE_MEMORY) {
		c.buf = mmap(NULL, sh->buffer_bytes, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (c.buf == MAP_FAILED) {
			c.me->error = errno;
			c.buf = NULL;
		} else {
			memset(c.buf, 1, sh->buffer_bytes); /* present and private */
		}
	}
	/* A worker process waits for its owner at the gate: it dies with it (gate.h).
	 * Before it counts itself in, untimed. */
	struct gate gate = sh->gate;
	if (gate_join(&gate) != 0)
		return 1; /* the owner is gone: nobody waits for this worker */
	__atomic_store_n(&c.me->ready, 1, __ATOMIC_RELEASE);
	int err = gate_wait(&gate);
	c.me->passed_gate_ns = now_ns();
	c.me->cpu = sched_getcpu();
	sched_getaffinity(0, sizeof sh->affinity[index], &sh->affinity[index]);
	if (!err && !c.me->error)
		err = loops[sh->workload](&c);
	if (err && !c.me->error)
		c.me->error = err;
	if (c.buf)
		munmap(c.buf, sh->buffer_bytes);
	return c.me->error ? 1 : 0;
}

const struct task task_scale = {.name = "scale", .desc = "run one scale workload",
				.fn = run_worker};

static int wait_ready(const struct scale_run *r, int timeout_ms)
{
	int64_t deadline = now_ns() + (int64_t)timeout_ms * 1000000;
	for (unsigned i = 0; i < r->started; i++) {
		while (!__atomic_load_n(&r->sh->slot[i].ready, __ATOMIC_ACQUIRE)) {
			if (now_ns() > deadline)
				return ETIMEDOUT;
			nanosleep(&(struct timespec){.tv_nsec = 100000}, NULL);
		}
	}
	return 0;
}

int scale_start(struct scale_run *r, const struct worker_kind *k, enum scale_workload w,
		unsigned n, const cpu_set_t *cpus, uint64_t max_ops, uint64_t buffer_bytes)
{
	memset(r, 0, sizeof *r);
	r->gate.fd[0] = r->gate.fd[1] = -1;
	if (n == 0 || n > SCALE_MAX_WORKERS || w >= SCALE_NWORKLOADS ||
	    !worker_can_run(k, &task_scale))
		return EINVAL;
	r->n = n;
	r->sh = mmap(NULL, sizeof *r->sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r->sh == MAP_FAILED) {
		r->sh = NULL;
		return errno;
	}
	r->workers = calloc(n, sizeof *r->workers);
	int err = r->workers ? gate_open(&r->gate) : ENOMEM;
	if (err) {
		scale_finish(r);
		return err;
	}
	r->sh->workload = (int32_t)w;
	r->sh->max_ops = max_ops;
	r->sh->buffer_bytes = buffer_bytes ? buffer_bytes : 64UL << 20;
	r->sh->gate = r->gate;
	area = r->sh;
	/* A thread run before this one left its adds in the global array: start from 0,
	 * so what the parent reads afterwards is this run's alone. */
	memset(own_counters, 0, sizeof own_counters);
	for (unsigned i = 0; i < n; i++) {
		err = worker_start(&r->workers[i], k, &task_scale, (long)i, cpus ? &cpus[i] : NULL);
		if (err)
			break;
		r->started++;
	}
	if (!err)
		err = wait_ready(r, 30000 + 100 * (int)n);
	if (err) {
		scale_release(r); /* let the started ones through, to stop at once */
		scale_finish(r);
	}
	return err;
}

void scale_release(struct scale_run *r)
{
	r->sh->released_ns = now_ns();
	gate_release(&r->gate, r->started);
}

uint64_t scale_ops(const struct scale_run *r)
{
	uint64_t total = 0;
	for (unsigned i = 0; i < r->started; i++)
		total += __atomic_load_n(&r->sh->slot[i].ops, __ATOMIC_RELAXED);
	return total;
}

const uint64_t *scale_own_counter_at(const struct scale_run *r, unsigned i)
{
	if (!r->sh || i >= r->n)
		return NULL;
	return own_counter(r->sh, (enum scale_workload)r->sh->workload, i);
}

uint64_t scale_own_counter(const struct scale_run *r, unsigned i)
{
	const uint64_t *c = scale_own_counter_at(r, i);
	return c ? __atomic_load_n(c, __ATOMIC_RELAXED) : 0;
}

/* The line looks like "TLB:  313343  293716   TLB shootdowns": a count per CPU, then
 * the name. Sums the counts; the name's words are not numbers and end the sum. */
static uint64_t sum_counts(const char *p)
{
	uint64_t sum = 0;
	for (;;) {
		char *end;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p < '0' || *p > '9')
			return sum;
		sum += strtoull(p, &end, 10);
		p = end;
	}
}

int scale_tlb_shootdowns_from(const char *path, uint64_t *count)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return errno;
	char *line = NULL;
	size_t cap = 0;
	int err = ENOENT;
	while (getline(&line, &cap, f) != -1) {
		const char *p = line + strspn(line, " ");
		if (strncmp(p, "TLB:", 4) == 0) {
			*count = sum_counts(p + 4);
			err = 0;
			break;
		}
	}
	free(line);
	fclose(f);
	return err;
}

int scale_tlb_shootdowns(uint64_t *count)
{
	return scale_tlb_shootdowns_from("/proc/interrupts", count);
}

int scale_finish(struct scale_run *r)
{
	int err = 0;
	if (r->sh)
		__atomic_store_n(&r->sh->stop, 1, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < r->started; i++) {
		struct worker *w = &r->workers[i];
		if (worker_reap(w) != 0 || w->exit.signaled || w->exit.code != 0)
			err = EIO;
	}
	gate_close(&r->gate);
	free(r->workers);
	if (r->sh)
		munmap(r->sh, sizeof *r->sh);
	r->workers = NULL;
	r->sh = NULL;
	r->started = 0;
	return err;
}

double scale_speedup(double ops1, double secs1, double opsn, double secsn)
{
	if (!(ops1 > 0 && secs1 > 0 && opsn >= 0 && secsn > 0))
		return 0;
	return (opsn / secsn) / (ops1 / secs1);
}
