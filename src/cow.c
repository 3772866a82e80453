/* cow.c - the copy-on-write write loop and the task that runs it in a worker. */
#include "cow.h"
#include "mem.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define PAGE 4096

struct cow_job cow_job;
struct cow_thp *cow_thp;

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

/* A mapping's header line: "start-end perms offset dev inode [path]", hex addresses. */
static bool mapping_header(const char *line, uintptr_t *start, uintptr_t *end)
{
	char *p;
	unsigned long long s = strtoull(line, &p, 16), e;
	if (p == line || *p != '-')
		return false;
	const char *q = p + 1;
	e = strtoull(q, &p, 16);
	if (p == q || *p != ' ')
		return false;
	*start = (uintptr_t)s;
	*end = (uintptr_t)e;
	return true;
}

long cow_region_thp_kib(const void *base, size_t size)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	if (!f)
		return -1;
	uintptr_t lo = (uintptr_t)base, hi = lo + size, start, end;
	bool inside = false;
	long kib = 0, v;
	char line[512];
	/* Stops at the first mapping past the region: smaps is made as it is read, so the
	 * mappings after it are never walked. */
	while (fgets(line, sizeof line, f)) {
		if (mapping_header(line, &start, &end)) {
			if (start >= hi)
				break;
			inside = end > lo;
		} else if (inside && sscanf(line, "AnonHugePages: %ld kB", &v) == 1) {
			kib += v;
		}
	}
	int err = ferror(f) ? EIO : 0;
	fclose(f);
	if (err) {
		errno = err;
		return -1;
	}
	return kib;
}

static int run_cow_write(long arg, int64_t start_ns)
{
	(void)arg;
	(void)start_ns;
	struct task_page *page = task_page();
	struct cow_result r;
	long before = mem_self_rollup_kib("Private_Dirty");
	/* Outside the timed loop: reading smaps walks the region's page tables. */
	if (cow_thp)
		cow_thp->before_kib = cow_region_thp_kib(cow_job.base, cow_job.size);
	cow_write(cow_job.base, cow_job.size, cow_job.pct, &r);
	if (cow_thp)
		cow_thp->after_kib = cow_region_thp_kib(cow_job.base, cow_job.size);
	page->result[COW_WRITE_NS] = r.write_ns;
	page->result[COW_MINFLT] = r.minflt;
	page->result[COW_PAGES] = r.pages;
	page->result[COW_PRIVATE_DIRTY_KIB] = mem_self_rollup_kib("Private_Dirty") - before;
	return 0;
}

const struct task task_cow_write = {.name = "cow_write",
				    .desc = "write a fraction of cow_job's pages",
				    .fn = run_cow_write};
