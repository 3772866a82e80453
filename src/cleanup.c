/* cleanup.c - what an interrupted run undoes. */
#include "cleanup.h"
#include "ipc/ipc.h"
#include "mem.h"
#include "worker.h"

#include <signal.h>
#include <unistd.h>

static pid_t owner;

static void undo(int sig)
{
	/* A forked worker inherits this handler: only the benchmark process cleans up. */
	if (getpid() == owner) {
		worker_kill_all();
		ipc_remove_tracked();
		mem_cgroup_remove_all();  /* after the kill: a cgroup with members stays */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void cleanup_on_signals(void)
{
	owner = getpid();
	struct sigaction sa = {.sa_handler = undo};
	sigemptyset(&sa.sa_mask);
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}
