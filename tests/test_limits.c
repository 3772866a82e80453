/* test_limits.c - the cgroup readers find the lowest memory and pids limit on the path
 * and the cgroup that sets it, on fixture v1 and v2 trees (so they are tested on any
 * machine), and the live reader agrees with the files it names; EAGAIN at a real
 * pids.max names it; the memory cgroups a SIGKILLed run left are swept at the next
 * start. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "cglimits.h"
#include "cleanup.h"
#include "ipc/ipc.h"
#include "mem.h"
#include "park.h"
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <sys/msg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIXTURES "tests/fixtures/"

static void ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	if (n < t || strcmp(s + n - t, tail) != 0)
		fail_msg("'%s' does not end with '%s'", s, tail);
}

/* v1: the limit is the parent's (400 MiB, set on /docker), not the caller's own
 * "unlimited"; pids are limited on the caller's own cgroup. */
static void test_v1_tree(void **state)
{
	(void)state;
	struct cg_limits l;
	assert_int_equal(limits_read_from(FIXTURES "cgroup-v1/cgroup", FIXTURES "cgroup-v1/mountinfo",
					  FIXTURES "cgroup-v1", &l),
			 0);
	assert_int_equal(l.memory.version, 1);
	assert_int_equal(l.memory.max, 419430400LL);
	assert_int_equal(l.memory.current, 314572800LL);
	ends_with(l.memory.dir, "cgroup-v1/sys/fs/cgroup/memory/docker");
	assert_int_equal(limits_oom_kills(l.memory.dir, 1), 3);
	assert_int_equal(l.pids.version, 1);
	assert_int_equal(l.pids.max, 150);
	assert_int_equal(l.pids.current, 150);
	ends_with(l.pids.dir, "cgroup-v1/sys/fs/cgroup/pids/docker/abc");
}

/* v2: memory limited on the caller's own cgroup ("max" above it), pids on the parent. */
static void test_v2_tree(void **state)
{
	(void)state;
	struct cg_limits l;
	assert_int_equal(limits_read_from(FIXTURES "cgroup-v2/cgroup", FIXTURES "cgroup-v2/mountinfo",
					  FIXTURES "cgroup-v2", &l),
			 0);
	assert_int_equal(l.memory.version, 2);
	assert_int_equal(l.memory.max, 268435456LL);
	assert_int_equal(l.memory.current, 104857600LL);
	ends_with(l.memory.dir, "cgroup-v2/sys/fs/cgroup/ci/job");
	assert_int_equal(limits_oom_kills(l.memory.dir, 2), 1);
	assert_int_equal(l.pids.version, 2);
	assert_int_equal(l.pids.max, 100);
	assert_int_equal(l.pids.current, 40);
	ends_with(l.pids.dir, "cgroup-v2/sys/fs/cgroup/ci");
}

/* No cgroup mounted at all: no limit, and not an error; a missing file is one. */
static void test_nothing_mounted(void **state)
{
	(void)state;
	struct cg_limits l;
	assert_int_equal(limits_read_from(FIXTURES "cgroup-v2/cgroup", FIXTURES "meminfo", "", &l), 0);
	assert_int_equal(l.memory.version, 0);
	assert_int_equal(l.memory.max, -1);
	assert_int_equal(l.pids.max, -1);
	assert_int_equal(limits_read_from(FIXTURES "no-such", FIXTURES "cgroup-v2/mountinfo", "", &l),
			 ENOENT);
}

/* The caller's memory cgroup, where cgmem.c makes a server's: v1's memory hierarchy where
 * one has it (the fixture's hybrid mounts v2 too), v2's unified one where only it is
 * mounted; none where neither holds the caller. */
static void test_memory_home(void **state)
{
	(void)state;
	char home[512];
	int v = 0;
	assert_int_equal(limits_memory_home(FIXTURES "cgroup-v2/cgroup", FIXTURES "cgroup-v2/mountinfo",
					    FIXTURES "cgroup-v2", &v, home, sizeof home), 0);
	assert_int_equal(v, 2);
	assert_string_equal(home, FIXTURES "cgroup-v2/sys/fs/cgroup/ci/job");
	assert_int_equal(limits_memory_home(FIXTURES "cgroup-v1/cgroup", FIXTURES "cgroup-v1/mountinfo",
					    FIXTURES "cgroup-v1", &v, home, sizeof home), 0);
	assert_int_equal(v, 1);
	assert_string_equal(home, FIXTURES "cgroup-v1/sys/fs/cgroup/memory/docker/abc");
	/* The same directory the limits' reader walks up from. */
	struct cg_limits l;
	assert_int_equal(limits_read_from(FIXTURES "cgroup-v1/cgroup", FIXTURES "cgroup-v1/mountinfo",
					  FIXTURES "cgroup-v1", &l), 0);
	assert_int_equal(strncmp(l.memory.dir, FIXTURES "cgroup-v1/sys/fs/cgroup/memory/",
				 strlen(FIXTURES "cgroup-v1/sys/fs/cgroup/memory/")), 0);
	assert_int_equal(limits_memory_home(FIXTURES "cgroup-v2/cgroup", FIXTURES "meminfo", "", &v,
					    home, sizeof home), EOPNOTSUPP);
	assert_int_equal(limits_memory_home(FIXTURES "cgroup-v2/cgroup", FIXTURES "nonesuch", "", &v,
					    home, sizeof home), ENOENT);
	assert_int_equal(limits_memory_home(FIXTURES "cgroup-v1/cgroup", FIXTURES "cgroup-v1/mountinfo",
					    FIXTURES "cgroup-v1", &v, home, 8), ENAMETOOLONG);
}

/* The live reader: whatever limit it reports, the available memory never exceeds
 * MemAvailable, and a named limit is at most the limit minus its use. */
static void test_live(void **state)
{
	(void)state;
	struct cg_limits l;
	char why[128];
	assert_int_equal(limits_read(&l), 0);
	long avail = limits_available_kib(why, sizeof why);
	assert_true(avail >= 0);
	assert_true(avail <= mem_available_kib());
	if (strcmp(why, "MemAvailable") != 0) {
		assert_true(l.memory.max >= 0);
		assert_non_null(strstr(why, "memory cgroup's limit"));
		assert_true(avail <= (l.memory.max - l.memory.current) / 1024 + 1);
	}
}

static int write_file(const char *dir, const char *file, const char *text)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int err = write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : errno;
	close(fd);
	return err;
}

/* A pids cgroup at its limit refuses fork with EAGAIN: the reason names pids.max and
 * the cgroup, not RLIMIT_NPROC (root, the usual user in a container, is exempt from
 * that anyway). Needs the right to make a pids cgroup: skipped, saying so, without. */
static void test_park_at_pids_max(void **state)
{
	(void)state;
	struct cg_limits l;
	char dir[600];
	if (limits_read(&l) != 0 || !l.pids.version) {
		fprintf(stderr, "no pids cgroup controller mounted\n");
		skip();
	}
	snprintf(dir, sizeof dir, "%s/tvp-test-%d", l.pids.dir, (int)getpid());
	if (mkdir(dir, 0755) != 0) {
		int e = errno;
		if (e == EACCES || e == EPERM || e == EROFS) {
			fprintf(stderr, "cannot make a pids cgroup here: %s\n", strerror(e));
			skip();
		}
		fail_msg("mkdir %s: %s", dir, strerror(e));
	}
	assert_int_equal(write_file(dir, "pids.max", "20"), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char me[24];
		snprintf(me, sizeof me, "%d\n", (int)getpid());
		if (write_file(dir, "cgroup.procs", me) != 0)
			_exit(10);
		struct park p;
		int err = park_start(&p, worker_kind_find("fork"), 50);
		char why[256];
		park_error_str(&p, why, sizeof why);
		size_t started = p.started;
		if (park_wait(&p, 10000) != 0 || park_release(&p) != 0)
			_exit(12);
		if (err != EAGAIN || started >= 50)
			_exit(13);
		if (!strstr(why, "pids.max 20") || !strstr(why, "tvp-test-") ||
		    strstr(why, "RLIMIT_NPROC")) {
			fprintf(stderr, "reason: %s\n", why);
			_exit(14);
		}
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	for (int i = 0; i < 100 && rmdir(dir) != 0 && errno == EBUSY; i++)
		usleep(10000); /* the child's exit leaves the cgroup a moment later */
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(access(dir, F_OK), -1);
}

/* A memory cgroup a run killed with SIGKILL left (tvp-PID-N, PID gone) is removed at the
 * next start; one whose process lives is not. Needs a v1 memory cgroup of one's own. */
static void test_sweep_removes_what_a_dead_run_left(void **state)
{
	(void)state;
	struct mem_cgroup live;
	int err = mem_cgroup_make(&live);
	if (err == EOPNOTSUPP || err == EACCES || err == EPERM || err == EROFS) {
		fprintf(stderr, "no memory cgroup here: %s\n", strerror(err));
		skip();
	}
	assert_int_equal(err, 0);
	pid_t dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	char left[600];
	snprintf(left, sizeof left, "%s/tvp-%d-7", live.home, (int)dead);
	assert_int_equal(mkdir(left, 0755), 0);
	assert_true(mem_cgroup_sweep() >= 1);
	assert_int_equal(access(left, F_OK), -1);
	assert_int_equal(access(live.dir, F_OK), 0); /* this process's own stays */
	assert_int_equal(mem_cgroup_remove(&live), 0);
}

/* Where no IPC namespace of its own can be made (no CAP_SYS_ADMIN, no user namespaces),
 * the SIGINT handler is what removes the queues: a process interrupted while it holds a
 * POSIX and a System V queue leaves neither. Runs in this namespace on purpose. */
static void test_sigint_removes_queues_without_a_namespace(void **state)
{
	(void)state;
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(fd[0]);
		cleanup_on_signals();
		struct ipc_chan px, sv;
		char why[256], desc[2][128] = {"", ""};
		if (ipc_create(&px, ipc_find("posix_mq"), 64, 0, 0, why, sizeof why) != 0 ||
		    ipc_create(&sv, ipc_find("sysv_mq"), 64, 0, 0, why, sizeof why) != 0)
			_exit(1);
		snprintf(desc[0], sizeof desc[0], "%s", px.name[0]);
		snprintf(desc[1], sizeof desc[1], "%d", sv.id);
		if (write(fd[1], desc, sizeof desc) != sizeof desc)
			_exit(2);
		pause();
		_exit(3);
	}
	close(fd[1]);
	char desc[2][128];
	assert_int_equal(read(fd[0], desc, sizeof desc), sizeof desc);
	close(fd[0]);
	mqd_t q = mq_open(desc[0], O_RDONLY);
	assert_true(q != (mqd_t)-1); /* there while the child lives */
	mq_close(q);
	struct msqid_ds ds;
	int id = atoi(desc[1]);
	assert_int_equal(msgctl(id, IPC_STAT, &ds), 0);
	kill(child, SIGINT);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
	assert_true(mq_open(desc[0], O_RDONLY) == (mqd_t)-1 && errno == ENOENT);
	assert_int_equal(msgctl(id, IPC_STAT, &ds), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_tree),
		cmocka_unit_test(test_v2_tree),
		cmocka_unit_test(test_nothing_mounted),
		cmocka_unit_test(test_memory_home),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_park_at_pids_max),
		cmocka_unit_test(test_sweep_removes_what_a_dead_run_left),
		cmocka_unit_test(test_sigint_removes_queues_without_a_namespace),
	};
	return tvp_run_tests("limits", tests, task_page_setup, task_page_teardown);
}
