/* cow.c - the copy-on-write write loop and the task that runs it in a worker. */
#include "cow.h"
#include "mem.h"
#include "util.h"

#include <sys/resource.h>

#define PAGE 4096

struct cow_job cow_job;

void cow_write(char *base, size_t size, int pct, struct cow_result *r)
{
	size_t npages = size / PAGE, k = npages * (size_t)pct / 100;
	struct rusage ru0, ru1;
	getrusage(RUSAGE_THREAD, &ru0);
	int64_t t0 = now_ns();
	/* A plain store: a read-modify-write would first fault the page in for reading. */
	for (size_t i = 0; i < k; i++)
		((volatile char *)base)[(i * npages / k) * PAGE] = (char)i;
	int64_t t1 = now_ns();
	getrusage(RUSAGE_THREAD, &ru1);
	r->write_ns = t1 - t0;
	r->minflt = ru1.ru_minflt - ru0.ru_minflt;
	r->pages = (int64_t)k;
}

static int run_cow_write(long arg, int64_t start_ns)
{
	(void)arg;
	(void)start_ns;
	struct task_page *page = task_page();
	struct cow_result r;
	long before = mem_self_rollup_kib("Private_Dirty");
	cow_write(cow_job.base, cow_job.size, cow_job.pct, &r);
	page->result[COW_WRITE_NS] = r.write_ns;
	page->result[COW_MINFLT] = r.minflt;
	page->result[COW_PAGES] = r.pages;
	page->result[COW_PRIVATE_DIRTY_KIB] = mem_self_rollup_kib("Private_Dirty") - before;
	return 0;
}

const struct task task_cow_write = {.name = "cow_write",
				    .desc = "write a fraction of cow_job's pages",
				    .fn = run_cow_write};
