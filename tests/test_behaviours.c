/* test_behaviours.c - behaviours of the C side that a deliberate break once changed with
 * every other test still passing (issue 26): fork's start stamp taken in the child after
 * fork, a scale worker ready only after its set-up, pool_wait refusing a slot with no
 * task, the polling rings never polling on the CPU the other side waits on, the planning
 * memory reader reading MemAvailable, and more since (the lowest cgroup limit on the
 * path, wrk's latency units, a connection held only when answered 200). Each test says
 * which break it catches (tests/mutant_list.py). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "ipc/ipc.h"
#include "cglimits.h"
#include "cleanup.h"
#include "cow.h"
#include "gate.h"
#include "http_run.h"
#include "http_server.h"
#include "ipc/peer.h"
#include "nums.h"
#include "park.h"
#include "mem.h"
#include "minimal.h"
#include "pool.h"
#include "scale.h"
#include "task.h"
#include "task_registry.h"
#include "util.h"
#include "worker.h"
#include "wrk.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* One field of /proc/self/status or /proc/meminfo in KiB, read here without the suite's
 * reader, so the test does not check the reader against itself. */
static long field_kib(const char *path, const char *field)
{
	FILE *f = fopen(path, "re");
	assert_non_null(f);
	char line[256];
	long v = -1;
	size_t n = strlen(field);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, n) == 0 && line[n] == ':') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Break fork-stamped-in-parent. The start stamp is the child's first instruction after
 * fork: with a parent holding 512 MiB of touched 4 KiB pages, fork copies 131072 page
 * table entries before the child can run, at least a few hundred microseconds on any
 * machine, so the stamp lies that far past the start of the call, whatever the load
 * (a busy machine only makes it later). A stamp taken before fork() lies within a
 * microsecond or two of it (and Google Benchmark, seeing near-zero times, runs huge
 * iteration counts). The least of three tries, so one preemption at the wrong moment
 * cannot make the break look right. */
static void test_fork_start_stamped_in_the_child(void **state)
{
	(void)state;
	const size_t size = 512UL << 20;
	const int64_t floor_ns = 100000;
	char *ballast = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(ballast != MAP_FAILED);
	madvise(ballast, size, MADV_NOHUGEPAGE); /* one entry per 4 KiB page to copy */
	memset(ballast, 1, size);
	const struct worker_kind *k = worker_kind_find("fork");
	assert_non_null(k);
	int64_t least = INT64_MAX;
	for (int i = 0; i < 3; i++) {
		task_page()->start_ns = 0;
		struct worker w;
		int64_t t0 = now_ns();
		assert_int_equal(worker_start(&w, k, &task_stamp, 0, NULL), 0);
		assert_int_equal(worker_reap(&w), 0);
		assert_int_equal(w.exit.code, 0);
		int64_t stamp = __atomic_load_n(&task_page()->start_ns, __ATOMIC_ACQUIRE);
		assert_true(stamp >= t0);
		if (stamp - t0 < least)
			least = stamp - t0;
	}
	munmap(ballast, size);
	if (least < floor_ns)
		fail_msg("start stamp %lld ns into fork with 512 MiB to copy: not taken in the "
			 "child after fork", (long long)least);
	assert_no_children();
}

/* Break scale-ready-before-setup. A worker says it is ready only after its set-up, so
 * when scale_start returns (every worker ready) each streaming worker's buffer is
 * already mapped and written: the timed window then holds the work alone. */
static void test_scale_ready_after_set_up(void **state)
{
	(void)state;
	const uint64_t buf = 128ULL << 20;
	const unsigned n = 2;
	long before = field_kib("/proc/self/status", "RssAnon");
	struct scale_run r;
	assert_int_equal(scale_start(&r, worker_kind_find("pthread"), SCALE_MEMORY, n, NULL, 1,
				     buf),
			 0);
	long after = field_kib("/proc/self/status", "RssAnon");
	scale_release(&r);
	assert_int_equal(scale_finish(&r), 0);
	long want = (long)(n * buf / 1024);
	if (after - before < want * 9 / 10)
		fail_msg("workers said ready with %ld KiB of their %ld KiB of buffers written",
			 after - before, want);
	assert_no_children();
}

static int square(int64_t arg, int64_t *result)
{
	*result = arg * arg;
	return 0;
}

/* Break pool-wait-stale. pool_wait on a slot that holds no task (one never used, or
 * one whose result was already taken) refuses with EINVAL: it neither waits forever
 * nor hands back the stale result of an earlier task. */
static void test_pool_wait_on_an_empty_slot_refuses(void **state)
{
	(void)state;
	static const char *const kinds[] = {"pthread", "fork"};
	for (size_t i = 0; i < 2; i++) {
		struct pool *p = pool_create(worker_kind_find(kinds[i]), 1, NULL);
		assert_non_null(p);
		unsigned h;
		struct pool_result res;
		assert_int_equal(pool_submit(p, square, 7, &h), 0);
		assert_int_equal(pool_wait(p, h, &res), 0);
		assert_int_equal(res.value, 49);
		res.value = -1;
		assert_int_equal(pool_wait(p, h, &res), EINVAL); /* taken already */
		assert_int_equal(res.value, -1);
		assert_int_equal(pool_wait(p, h + 1, &res), EINVAL); /* never used */
		assert_int_equal(pool_wait(p, 1u << 30, &res), EINVAL); /* no such slot */
		pool_close(p);
		assert_int_equal(pool_join(p), 0);
		pool_destroy(p);
	}
	assert_no_children();
}

/* Break ring-cpu-not-recorded. Two sides that are not each bound to one PU, but run on
 * one CPU, find out from the CPU each last waited on: once the other side has waited
 * there, a side never polls (the other cannot run while it does). The parent creates the
 * channel free to run on two PUs (so it says no bound PU), waits until the peer, bound
 * to the first PU, has waited once, and moves to that PU: from then on none of its waits
 * may poll. (Without that first wait the peer's CPU is not known yet: a peer that keeps
 * finding its message there without waiting leaves the parent polling.) */
static void test_rings_do_not_poll_on_a_shared_cpu(void **state)
{
	(void)state;
	cpu_set_t saved, one;
	assert_int_equal(sched_getaffinity(0, sizeof saved, &saved), 0);
	if (CPU_COUNT(&saved) < 2)
		skip(); /* a side free on several PUs needs two of them */
	int first = -1;
	for (int cpu = 0; cpu < CPU_SETSIZE && first < 0; cpu++)
		if (CPU_ISSET(cpu, &saved))
			first = cpu;
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	static const char *const rings[] = {"shm_ring", "spsc_ring"};
	static const char *const kinds[] = {"pthread", "fork"};
	enum { TRIPS = 200 };
	for (size_t i = 0; i < 2; i++) {
		const struct ipc_transport *t = ipc_find(rings[i]);
		assert_non_null(t);
		for (size_t k = 0; k < 2; k++) {
			if (k > 0 && !t->processes)
				continue;
			struct ipc_chan c;
			struct ipc_waits waits[2];
			char reason[128], fault[256], ping[8], pong[8];
			assert_int_equal(sched_setaffinity(0, sizeof saved, &saved), 0);
			assert_int_equal(ipc_create(&c, t, 8, 0, 100000, reason, sizeof reason), 0);
			ipc_describe(&c, task_page()->ipc_desc, sizeof task_page()->ipc_desc);
			struct worker w;
			const struct worker_kind *kind = worker_kind_find(kinds[k]);
			assert_int_equal(worker_start(&w, kind, &task_ipc_echo, 0, &one), 0);
			if (kind->mode == MODE_PROCESS)
				ipc_drop_peer_ends(&c);
			int64_t deadline = now_ns() + patience_ns();
			do {
				assert_true(now_ns() < deadline);
				nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
				t->waits(&c, 1, &waits[1]);
			} while (waits[1].spun + waits[1].slept == 0);
			assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
			uint64_t seq = 0;
			for (; seq < TRIPS; seq++) {
				ipc_stamp(ping, 8, seq);
				assert_int_equal(t->send(&c, IPC_DOWN, ping), 0);
				assert_int_equal(t->recv(&c, IPC_UP, pong), 0);
				assert_int_equal(ipc_check(pong, 8, seq, fault, sizeof fault), 0);
			}
			ipc_stamp_last(ping, 8, seq);
			assert_int_equal(t->send(&c, IPC_DOWN, ping), 0);
			assert_int_equal(t->recv(&c, IPC_UP, pong), 0);
			assert_int_equal(worker_reap(&w), 0);
			assert_int_equal(w.exit.code, 0);
			t->waits(&c, 0, &waits[0]);
			t->waits(&c, 1, &waits[1]);
			t->close(&c);
			if (waits[0].spun != 0)
				fail_msg("%s, %s peer, both on CPU %d: the parent polled %llu of %d "
					 "round trips",
					 t->name, kinds[k], first, (unsigned long long)waits[0].spun,
					 TRIPS);
			assert_true(waits[0].slept + waits[1].slept > 0); /* they took turns */
		}
	}
	assert_int_equal(sched_setaffinity(0, sizeof saved, &saved), 0);
	assert_no_children();
}

/* Break available-is-free. The reader the size skips plan with reads MemAvailable (what
 * can be had without swapping: free pages and the page cache that can be dropped), not
 * MemFree. Read here before and after it, both fields; skipped where the two are too
 * close to tell apart. */
static void test_planning_reads_mem_available(void **state)
{
	(void)state;
	const long slack = 16 << 10; /* KiB other processes may take or give meanwhile */
	long a0 = field_kib("/proc/meminfo", "MemAvailable");
	long f0 = field_kib("/proc/meminfo", "MemFree");
	long v = mem_available_kib();
	long a1 = field_kib("/proc/meminfo", "MemAvailable");
	long f1 = field_kib("/proc/meminfo", "MemFree");
	assert_true(a0 > 0 && a1 > 0 && f0 > 0 && f1 > 0);
	long lo = (a0 < a1 ? a0 : a1) - slack, hi = (a0 > a1 ? a0 : a1) + slack;
	long flo = f0 < f1 ? f0 : f1, fhi = f0 > f1 ? f0 : f1;
	if (fhi >= lo && flo <= hi)
		skip(); /* MemFree within MemAvailable's band: this machine cannot tell */
	if (v < lo || v > hi)
		fail_msg("mem_available_kib() %ld KiB; MemAvailable %ld..%ld, MemFree %ld..%ld", v,
			 a0, a1, f0, f1);
}

/* Break registry-busy-is-park. Every task the helper can be asked for by name is found
 * under that name, as itself: a table entry pointing at another task hides its own. */
static void test_registry_finds_every_task_by_name(void **state)
{
	(void)state;
	const struct task *const all[] = {&task_exit,	     &task_stamp,	&task_raise,
					  &task_affinity,    &task_park,	&task_busy,
					  &task_ipc_produce, &task_ipc_echo,	&task_bw_write,
					  &task_cow_write,   &task_nums_append, &task_scale,
					  &task_pool_worker};
	assert_int_equal(sizeof all / sizeof all[0], TASK_NTASKS);
	for (size_t i = 0; i < TASK_NTASKS; i++) {
		if (task_find(all[i]->name) != all[i])
			fail_msg("task_find(\"%s\") is not that task", all[i]->name);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(all[i]->name, all[j]->name);
	}
	assert_null(task_find("no-such-task"));
}

/* Break read-text-keeps-newline. read_text gives a /proc or cgroup value without its
 * trailing newline (and spaces), so "max\n" compares equal to "max". */
static void test_read_text_strips_the_newline(void **state)
{
	(void)state;
	char path[] = "/tmp/tvp-read-text-XXXXXX", buf[64];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "max \n", 5), 5);
	close(fd);
	assert_int_equal(read_text(path, buf, sizeof buf), 0);
	unlink(path);
	assert_string_equal(buf, "max");
	assert_int_equal(read_text("/nonexistent/tvp", buf, sizeof buf), ENOENT);
}

/* Break tie-to-owner-always. tie_to_owner says whether the caller's parent is still the
 * owner it names: a worker whose owner already died (its parent is now someone else)
 * must not count itself in. */
static void test_tie_to_owner_names_the_parent(void **state)
{
	(void)state;
	pid_t me = getpid();
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		bool ok = tie_to_owner(me) && !tie_to_owner(me + 1000000);
		_exit(ok ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Break cleanup-kills-nobody. Ctrl-C kills and reaps every worker process the benchmark
 * process started, also one not tied to it by the parent-death signal (a worker busy
 * in a task that never asked for one): a child plays the benchmark process, starts
 * such a worker, says its pid, and interrupts itself. */
static void test_interrupt_kills_an_untied_worker(void **state)
{
	(void)state;
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t bench = fork();
	assert_true(bench >= 0);
	if (bench == 0) {
		close(fd[0]);
		cleanup_on_signals();
		struct worker w;
		if (worker_start(&w, worker_kind_find("fork"), &task_busy, 60000000000L, NULL))
			_exit(3);
		if (write(fd[1], &w.pid, sizeof w.pid) != (ssize_t)sizeof w.pid)
			_exit(4);
		kill(getpid(), SIGINT);
		_exit(5); /* not reached: the handler re-raises SIGINT at its default */
	}
	close(fd[1]);
	pid_t worker = 0;
	assert_int_equal(read(fd[0], &worker, sizeof worker), (ssize_t)sizeof worker);
	close(fd[0]);
	int status;
	assert_int_equal(waitpid(bench, &status, 0), bench);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGINT);
	/* The handler reaped it before re-raising: no such process now. */
	int alive = kill(worker, 0) == 0;
	if (alive)
		kill(worker, SIGKILL); /* an orphan now: its new parent reaps it */
	assert_false(alive);
}

/* Break gate-eof-opens. A worker waiting at the gate whose owner is gone (every write
 * end closed: end of file) is told so (EPIPE) and does not run as if released; a real
 * release lets it through. */
static void test_gate_tells_release_from_owner_gone(void **state)
{
	(void)state;
	for (int release = 0; release < 2; release++) {
		struct gate g;
		assert_int_equal(gate_open(&g), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct gate mine = g;
			if (gate_join(&mine) != 0)
				_exit(3);
			int rc = gate_wait(&mine);
			_exit(rc == 0 ? 0 : rc == EPIPE ? 1 : 2);
		}
		if (release)
			gate_release(&g, 1);
		gate_close(&g); /* the owner's ends: without a release, end of file */
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), release ? 0 : 1);
	}
}

/* Break park-release-ignores-exit. park_release counts a parked worker that did not end
 * cleanly (killed at the gate here) among the bad ones, not only a failed reap. */
static void test_park_release_counts_a_killed_worker(void **state)
{
	(void)state;
	struct park p;
	assert_int_equal(park_start(&p, worker_kind_find("fork"), 3), 0);
	assert_int_equal(park_wait(&p, (int)(patience_ns() / 1000000)), 0);
	assert_int_equal(kill(p.workers[1].pid, SIGKILL), 0);
	assert_int_equal(park_release(&p), 1);
	assert_no_children();
}

/* Break helper-runs-any-task. tvp-helper refuses, with status 2, a task that needs the
 * memory of the program that started it (one not marked exec): run in a fresh image it
 * would read pointers that were never set. */
static void test_helper_refuses_an_in_image_task(void **state)
{
	(void)state;
	static const char *const tasks[] = {"nums_append", "scale", "cow_write"};
	for (size_t i = 0; i < 3; i++) {
		assert_false(task_find(tasks[i])->exec);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);
			dup2(null, STDERR_FILENO);
			execl(worker_helper_path(), "tvp-helper", tasks[i], "0", "-1", (char *)NULL);
			_exit(127);
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 2)
			fail_msg("tvp-helper %s: %s %d, not a refusal (status 2)", tasks[i],
				 WIFEXITED(status) ? "exit status" : "signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
}

/* Break cow-thp-from-region-start. The huge pages of a region are those of every
 * mapping that overlaps it, also one that starts before the region: a region taken
 * from the middle of a mapping counts that mapping's huge pages. Skipped where the
 * kernel gives no transparent huge pages. */
static void test_thp_of_a_region_inside_a_mapping(void **state)
{
	(void)state;
	const size_t huge = 2UL << 20, size = 16 * huge;
	char *raw = mmap(NULL, size + huge, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(raw != MAP_FAILED);
	char *p = (char *)(((uintptr_t)raw + huge - 1) & ~(uintptr_t)(huge - 1));
	madvise(p, size, MADV_HUGEPAGE);
	memset(p, 1, size);
	long whole = cow_region_thp_kib(p, size);
	long middle = cow_region_thp_kib(p + 4 * huge, 4 * huge);
	munmap(raw, size + huge);
	assert_true(whole >= 0 && middle >= 0);
	if (whole == 0)
		skip(); /* no huge page given here (THP never, or none free) */
	assert_int_equal(middle, whole);
}

/* Break stamp-not-counted. The stamp task counts its run on the page beside its time:
 * the create scenario's start rows check that each worker ran. */
static void test_stamp_counts_its_run(void **state)
{
	(void)state;
	static const char *const kinds[] = {"pthread", "fork", "vfork", "posix_spawn"};
	for (size_t i = 0; i < 4; i++) {
		__atomic_store_n(&task_page()->runs, 0, __ATOMIC_RELEASE);
		struct worker w;
		assert_int_equal(worker_start(&w, worker_kind_find(kinds[i]), &task_stamp, 0, NULL), 0);
		assert_int_equal(worker_reap(&w), 0);
		assert_int_equal(w.exit.code, 0);
		assert_int_equal(__atomic_load_n(&task_page()->runs, __ATOMIC_ACQUIRE), 1);
	}
	assert_no_children();
}

/* Break park-counts-before-join. A parked worker counts itself in only once it is tied
 * to its owner: one that cannot tie itself (the gate names an opener that is not its
 * parent) ends with 114 and is not counted, so the owner never sees it as parked. */
static void test_park_counts_only_tied_workers(void **state)
{
	(void)state;
	struct gate g;
	assert_int_equal(gate_open(&g), 0);
	g.opener = 1; /* not this worker's parent */
	__atomic_store_n(&task_page()->runs, 0, __ATOMIC_RELEASE);
	struct worker w;
	assert_int_equal(worker_start(&w, worker_kind_find("fork"), &task_park, gate_arg(&g), NULL),
			 0);
	assert_int_equal(worker_reap(&w), 0);
	gate_close(&g);
	assert_int_equal(w.exit.code, 114);
	assert_int_equal(__atomic_load_n(&task_page()->runs, __ATOMIC_ACQUIRE), 0);
	assert_no_children();
}

/* Break minimal-parks-twice. The minimal parent holds one set of parked workers at a
 * time: a second park before the release is refused with its reason, and the first
 * set still comes back whole. */
static void test_minimal_parent_parks_one_set(void **state)
{
	(void)state;
	struct minimal m;
	if (minimal_start(&m) != 0)
		fail_msg("%s", m.why);
	struct minimal_park p, again;
	size_t bad = 99;
	if (minimal_park(&m, worker_kind_find("fork"), 2, &p) != 0)
		fail_msg("%s", m.why);
	int err = minimal_park(&m, worker_kind_find("fork"), 1, &again);
	if (err == 0) {
		minimal_stop(&m);
		fail_msg("a second set parked while the first was");
	}
	assert_non_null(strstr(m.why, "already parked"));
	assert_int_equal(minimal_release(&m, &p, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(minimal_stop(&m), 0);
	assert_no_children();
}

/* Break seqpacket-peer-gone-ok. A peer that is gone without a word (it exited, its end
 * of the channel closed) is end of file: a read says EPIPE for every descriptor
 * transport, never a message of whatever the buffer held. */
static void test_read_after_the_peer_is_gone(void **state)
{
	(void)state;
	static const char *const names[] = {"pipe", "unix_stream", "unix_seqpacket"};
	for (size_t i = 0; i < 3; i++) {
		const struct ipc_transport *t = ipc_find(names[i]);
		struct ipc_chan c;
		char reason[128], buf[64];
		assert_int_equal(ipc_create(&c, t, sizeof buf, 0, 0, reason, sizeof reason), 0);
		struct worker w;
		assert_int_equal(worker_start(&w, worker_kind_find("fork"), &task_exit, 0, NULL), 0);
		ipc_drop_peer_ends(&c);
		assert_int_equal(worker_reap(&w), 0);
		int err = t->recv(&c, IPC_UP, buf);
		t->close(&c);
		if (err != EPIPE)
			fail_msg("%s: a read after the peer exited gave %d (%s), not EPIPE", names[i],
				 err, strerror(err));
	}
	assert_no_children();
}

/* Break sysv-msgmax-unchecked. A System V channel for messages over kernel.msgmax is
 * refused when it is made, with the limit named, even where the queue (msgmnb) could
 * hold one: msgsnd would refuse every message later. Skipped where msgmax is not below
 * msgmnb. */
static void test_sysv_refuses_messages_over_msgmax(void **state)
{
	(void)state;
	char text[64];
	assert_int_equal(read_text("/proc/sys/kernel/msgmax", text, sizeof text), 0);
	long msgmax = atol(text);
	assert_int_equal(read_text("/proc/sys/kernel/msgmnb", text, sizeof text), 0);
	long msgmnb = atol(text);
	if (msgmax >= msgmnb)
		skip();
	struct ipc_chan c;
	char reason[256] = "";
	const struct ipc_transport *t = ipc_find("sysv_mq");
	int err = ipc_create(&c, t, (size_t)msgmax + 1, 0, 0, reason, sizeof reason);
	if (err == 0)
		t->close(&c);
	assert_int_equal(err, EMSGSIZE);
	assert_non_null(strstr(reason, "msgmax"));
	assert_int_equal(ipc_create(&c, t, (size_t)msgmax, 0, 0, reason, sizeof reason), 0);
	t->close(&c);
}

/* Break ring-polls-at-zero-bound. A spin bound of 0 means sleep at once: neither side of
 * either ring polls, wherever the two run. */
static void test_rings_never_poll_at_a_zero_bound(void **state)
{
	(void)state;
	static const char *const rings[] = {"shm_ring", "spsc_ring"};
	for (size_t i = 0; i < 2; i++) {
		const struct ipc_transport *t = ipc_find(rings[i]);
		struct ipc_chan c;
		struct ipc_waits waits[2];
		char reason[128], fault[256], ping[8], pong[8];
		assert_int_equal(ipc_create(&c, t, 8, 0, 0, reason, sizeof reason), 0);
		ipc_describe(&c, task_page()->ipc_desc, sizeof task_page()->ipc_desc);
		struct worker w;
		assert_int_equal(worker_start(&w, worker_kind_find("pthread"), &task_ipc_echo, 0, NULL),
				 0);
		uint64_t seq = 0;
		for (; seq < 100; seq++) {
			ipc_stamp(ping, 8, seq);
			assert_int_equal(t->send(&c, IPC_DOWN, ping), 0);
			assert_int_equal(t->recv(&c, IPC_UP, pong), 0);
			assert_int_equal(ipc_check(pong, 8, seq, fault, sizeof fault), 0);
		}
		ipc_stamp_last(ping, 8, seq);
		assert_int_equal(t->send(&c, IPC_DOWN, ping), 0);
		assert_int_equal(t->recv(&c, IPC_UP, pong), 0);
		assert_int_equal(worker_reap(&w), 0);
		t->waits(&c, 0, &waits[0]);
		t->waits(&c, 1, &waits[1]);
		t->close(&c);
		assert_int_equal(waits[0].spun + waits[1].spun, 0);
		assert_true(waits[0].slept + waits[1].slept > 0);
	}
}

/* Breaks cglimits-highest-limit: where a cgroup and its parent both set a limit, the
 * lower one binds, whichever of the two sets it (the fixture: the job's memory limit is
 * 512 MiB under its parent's 256 MiB; its pids limit 100 under its parent's 200). */
static void test_the_lowest_limit_on_the_path_binds(void **state)
{
	(void)state;
	struct cg_limits l;
	const char *f = "tests/fixtures/cgroup-v2-nested";
	char cg[128], mi[128];
	snprintf(cg, sizeof cg, "%s/cgroup", f);
	snprintf(mi, sizeof mi, "%s/mountinfo", f);
	assert_int_equal(limits_read_from(cg, mi, f, &l), 0);
	assert_int_equal(l.memory.max, 268435456LL);
	assert_int_equal(l.memory.current, 209715200LL);
	assert_non_null(strstr(l.memory.dir, "/sys/fs/cgroup/ci"));
	assert_null(strstr(l.memory.dir, "/job"));
	assert_int_equal(l.pids.max, 100);
	assert_int_equal(l.pids.current, 40);
	assert_non_null(strstr(l.pids.dir, "/sys/fs/cgroup/ci/job"));
}

/* Break wrk-ms-as-s: wrk prints a latency in the unit that fits it (850.00us, 1.20ms,
 * 1.50s, 2.00m); each is read in microseconds. */
static void test_wrk_latency_units(void **state)
{
	(void)state;
	static const char *const units[][2] = {
		{"850.00us", "850"}, {"1.20ms", "1200"}, {"1.50s", "1500000"}, {"2.00m", "120000000"}};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		char out[512];
		snprintf(out, sizeof out,
			 "  Latency Distribution\n     50%%  %s\n     99%%  %s\n"
			 "  10 requests in 1.00s, 1.00KB read\nRequests/sec:     10.00\n",
			 units[i][0], units[i][0]);
		struct wrk_result r;
		assert_int_equal(wrk_parse(out, &r), 0);
		double want = strtod(units[i][1], NULL);
		assert_true(r.p50_us > want * 0.999 && r.p50_us < want * 1.001);
		assert_true(r.p99_us > want * 0.999 && r.p99_us < want * 1.001);
	}
}

/* A one-thread server for http_hold: answers each of n connections' request with the
 * small body under the status line it is given. */
struct status_server {
	int lfd, n;
	const char *status;
};

static void *serve_status(void *arg)
{
	struct status_server *ss = arg;
	size_t blen;
	const char *body = http_body(HTTP_SMALL_PATH, &blen);
	for (int i = 0; i < ss->n; i++) {
		int fd = accept(ss->lfd, NULL, NULL);
		if (fd < 0)
			break;
		char req[1024], head[160];
		ssize_t got = read(fd, req, sizeof req);
		(void)got;
		int h = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Length: %zu\r\n\r\n",
				 ss->status, blen);
		if (write(fd, head, (size_t)h) != h || write(fd, body, blen) != (ssize_t)blen)
			break;
		/* Closed once answered: http_hold judges a connection by its whole answer,
		 * which is in the client's socket by then. */
		close(fd);
	}
	return NULL;
}

/* How many of n connections http_hold counts held against a server answering status. */
static int held_under(const char *status, int n)
{
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof a;
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(lfd, 16), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &al), 0);
	struct status_server ss = {lfd, n, status};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, serve_status, &ss), 0);
	struct http_peer peer = {.server = 0, .pid = -1, .port = ntohs(a.sin_port)};
	int fds[8];
	int held = http_hold(&peer, n, 2.0, fds);
	http_release(fds, n);
	pthread_join(t, NULL);
	close(lfd);
	return held;
}

/* Break http-hold-any-status: a connection counts as held when its request was answered
 * 200 with the body; an error status with the same bytes after it (a server refusing,
 * overloaded) is no connection served. */
static void test_held_only_when_answered_200(void **state)
{
	(void)state;
	assert_int_equal(held_under("200 OK", 3), 3);
	assert_int_equal(held_under("503 Service Unavailable", 3), 0);
}

/* Break http-tree-children-only: a server's processes are its first one and every
 * descendant, however deep (a server whose workers fork helpers of their own): a chain
 * of three processes is three. */
static void test_server_tree_holds_every_descendant(void **state)
{
	(void)state;
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t root = fork();
	assert_true(root >= 0);
	if (root == 0) {
		/* root -> child -> grandchild, a process group of their own, each waiting to
		 * be killed with it. */
		setpgid(0, 0);
		for (int depth = 0; depth < 2; depth++) {
			pid_t pid = fork();
			if (pid < 0)
				_exit(1);
			if (pid > 0)
				for (;;)
					pause();
		}
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	struct http_peer peer = {.server = 0, .pid = root, .port = 0};
	int threads = 0;
	int n = http_tree_procs(&peer, &threads);
	/* The chain dies with its process group: the root reaped here, its descendants
	 * (reparented) waited for until the group is empty. */
	kill(-root, SIGKILL);
	waitpid(root, NULL, 0);
	for (int i = 0; i < 1000 && kill(-root, 0) == 0; i++)
		usleep(1000);
	assert_int_equal(n, 3);
	assert_int_equal(threads, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_start_stamped_in_the_child),
		cmocka_unit_test(test_scale_ready_after_set_up),
		cmocka_unit_test(test_pool_wait_on_an_empty_slot_refuses),
		cmocka_unit_test(test_rings_do_not_poll_on_a_shared_cpu),
		cmocka_unit_test(test_planning_reads_mem_available),
		cmocka_unit_test(test_registry_finds_every_task_by_name),
		cmocka_unit_test(test_read_text_strips_the_newline),
		cmocka_unit_test(test_tie_to_owner_names_the_parent),
		cmocka_unit_test(test_interrupt_kills_an_untied_worker),
		cmocka_unit_test(test_gate_tells_release_from_owner_gone),
		cmocka_unit_test(test_park_release_counts_a_killed_worker),
		cmocka_unit_test(test_helper_refuses_an_in_image_task),
		cmocka_unit_test(test_thp_of_a_region_inside_a_mapping),
		cmocka_unit_test(test_stamp_counts_its_run),
		cmocka_unit_test(test_park_counts_only_tied_workers),
		cmocka_unit_test(test_minimal_parent_parks_one_set),
		cmocka_unit_test(test_read_after_the_peer_is_gone),
		cmocka_unit_test(test_sysv_refuses_messages_over_msgmax),
		cmocka_unit_test(test_rings_never_poll_at_a_zero_bound),
		cmocka_unit_test(test_the_lowest_limit_on_the_path_binds),
		cmocka_unit_test(test_wrk_latency_units),
		cmocka_unit_test(test_held_only_when_answered_200),
		cmocka_unit_test(test_server_tree_holds_every_descendant),
	};
	return tvp_run_tests("behaviours", tests, task_page_setup, task_page_teardown);
}
