/* task.c - the basic tasks workers run, and the page they report through. */
#include "task.h"
#include "util.h"
#include "gate.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static struct task_page *page;
static int page_fd = -1;

static int run_exit(long arg, int64_t start_ns)
{
	(void)start_ns;
	return (int)arg;
}

static int run_stamp(long arg, int64_t start_ns)
{
	(void)arg;
	if (!page)
		return 111;
	__atomic_store_n(&page->start_ns, start_ns, __ATOMIC_RELEASE);
	__atomic_add_fetch(&page->runs, 1, __ATOMIC_RELEASE);
	return 0;
}

static int run_raise(long arg, int64_t start_ns)
{
	(void)start_ns;
	/* kill(getpid()), not raise(): raise() signals the thread id glibc cached, which
	 * in a raw clone child is still the parent's. */
	kill(getpid(), (int)arg);
	return 0; /* only reached when the signal is ignored */
}

static int run_affinity(long arg, int64_t start_ns)
{
	(void)arg;
	(void)start_ns;
	if (!page)
		return 111;
	if (sched_getaffinity(0, sizeof page->affinity, &page->affinity) != 0)
		return 112;
	__atomic_add_fetch(&page->runs, 1, __ATOMIC_RELEASE);
	return 0;
}

static int run_park(long arg, int64_t start_ns)
{
	(void)start_ns;
	if (!page)
		return 111;
	/* Joined before it counts itself in, so every parked worker the owner sees is
	 * tied to it. */
	struct gate g = gate_from_arg(arg);
	if (gate_join(&g) != 0)
		return 114;
	__atomic_add_fetch(&page->runs, 1, __ATOMIC_RELEASE);
	return gate_wait(&g) == 0 ? 0 : 113;
}

static int run_busy(long arg, int64_t start_ns)
{
	(void)start_ns;
	int64_t until = now_ns() + arg;
	while (now_ns() < until) {
	}
	return 0;
}

const struct task task_exit = {.name = "exit", .desc = "exit at once with code arg",
			       .fn = run_exit, .vfork_safe = true, .exec = true};
const struct task task_stamp = {.name = "stamp", .desc = "record the first-instruction time",
				.fn = run_stamp, .vfork_safe = true, .exec = true};
const struct task task_raise = {.name = "raise", .desc = "raise signal arg", .fn = run_raise,
				.exec = true};
const struct task task_affinity = {.name = "affinity", .desc = "record the CPU affinity",
				   .fn = run_affinity, .exec = true};
const struct task task_park = {.name = "park", .desc = "count in, then wait at the start gate",
			       .fn = run_park, .exec = true};
const struct task task_busy = {.name = "busy", .desc = "keep a CPU busy for arg ns",
			       .fn = run_busy, .exec = true};

int task_page_attach(int fd)
{
	void *p = mmap(NULL, sizeof *page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return errno;
	page = p;
	page_fd = fd;
	return 0;
}

int task_page_open(void)
{
	if (page)
		return 0;
	/* No MFD_CLOEXEC: helpers started by exec map this descriptor. */
	int fd = memfd_create("tvp-task-page", 0);
	if (fd < 0)
		return errno;
	if (ftruncate(fd, sizeof *page) != 0) {
		int err = errno;
		close(fd);
		return err;
	}
	int rc = task_page_attach(fd);
	if (rc)
		close(fd);
	else
		page->owner = (int32_t)getpid();
	return rc;
}

void task_page_close(void)
{
	if (page)
		munmap(page, sizeof *page);
	if (page_fd >= 0)
		close(page_fd);
	page = NULL;
	page_fd = -1;
}

struct task_page *task_page(void) { return page; }
int task_page_fd(void) { return page_fd; }
