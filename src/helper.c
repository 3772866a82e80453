/* helper.c - tvp-helper, the tiny static program the exec-based workers run.
 *
 * Usage: tvp-helper TASK ARG PAGE_FD. It takes the clock first, so a start-latency
 * measurement ends at the helper's first instruction and not after its set-up; it is
 * linked statically so no dynamic loader runs in between (lmbench's lat_proc does the
 * same with its "hello"). It runs only the tasks marked exec: the others need the
 * memory of the program that started it, which an exec'd program does not have
 * (worker_start refuses them before they get here).
 *
 * With the task "serve" it is the minimal parent (minimal.h): a program of a few hundred
 * KiB and a dozen mappings that creates workers on command, so that creation and
 * footprint can be measured from a parent that is not tvp-bench's fat image.
 */
#include "minimal.h"
#include "task_registry.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int64_t start_ns = now_ns();

	if (argc != 4) {
		fprintf(stderr, "usage: %s TASK ARG PAGE_FD\n", argv[0]);
		return 2;
	}
	/* serve is not in the registry: no worker kind should run it as a task of a
	 * scenario, only minimal_start does, and only here. */
	const struct task *t = strcmp(argv[1], task_serve.name) == 0 ? &task_serve
								      : task_find(argv[1]);
	if (!t) {
		fprintf(stderr, "tvp-helper: unknown task '%s'\n", argv[1]);
		return 2;
	}
	if (!t->exec) {
		fprintf(stderr, "tvp-helper: task '%s' needs the memory of the program that "
				"started it, and cannot run in an exec'd worker\n", argv[1]);
		return 2;
	}
	int fd = atoi(argv[3]);
	int err = fd >= 0 ? task_page_attach(fd) : 0;
	if (err) {
		fprintf(stderr, "tvp-helper: mmap of the task page: %s\n", strerror(err));
		return 2;
	}
	_exit(t->fn(strtol(argv[2], NULL, 10), start_ns));
}
