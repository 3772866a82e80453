/* park.c - start many workers, hold them at a gate, release and reap them. */
#include "park.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int park_start(struct park *p, const struct worker_kind *k, size_t n)
{
	memset(p, 0, sizeof *p);
	p->n = n;
	p->gate.fd[0] = p->gate.fd[1] = -1;
	if (!task_page())
		return p->err = EINVAL;
	p->workers = calloc(n ? n : 1, sizeof *p->workers);
	if (!p->workers)
		return p->err = ENOMEM;
	int err = gate_open(&p->gate);
	if (err)
		return p->err = err;
	__atomic_store_n(&task_page()->runs, 0, __ATOMIC_RELEASE);
	for (size_t i = 0; i < n; i++) {
		err = worker_start(&p->workers[i], k, &task_park, gate_arg(&p->gate), NULL);
		if (err)
			return p->err = err;
		p->started++;
	}
	return 0;
}

int park_wait(struct park *p, int timeout_ms)
{
	int64_t deadline = now_ns() + (int64_t)timeout_ms * 1000000;
	while (__atomic_load_n(&task_page()->runs, __ATOMIC_ACQUIRE) < (int64_t)p->started) {
		if (now_ns() > deadline)
			return ETIMEDOUT;
		nanosleep(&(struct timespec){.tv_nsec = 200000}, NULL);
	}
	return 0;
}

size_t park_release(struct park *p)
{
	size_t bad = 0;
	gate_release(&p->gate, p->started);
	for (size_t i = 0; i < p->started; i++) {
		struct worker *w = &p->workers[i];
		if (worker_reap(w) != 0 || w->exit.signaled || w->exit.code != 0)
			bad++;
	}
	gate_close(&p->gate);
	free(p->workers);
	p->workers = NULL;
	return bad;
}

const char *park_error_str(const struct park *p, char *buf, size_t size)
{
	char why[128];
	const char *who = p->workers && p->started < p->n ? p->workers[p->started].kind->how
							     : "start";
	snprintf(buf, size, "%s: %s after %zu of %zu workers", who ? who : "start",
		 worker_error_str(p->err, why, sizeof why), p->started, p->n);
	return buf;
}
