/* test_behaviours_ipc.c - behaviours of the transports that a deliberate break once
 * changed with every other test still passing (issue 26; split from test_behaviours.c):
 * the polling rings never polling on the CPU the other side waits on nor at a zero
 * bound, a read after the peer is gone, System V refusing messages over msgmax. Each
 * test says which break it catches (tests/mutant_list.py). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "ipc/ipc.h"
#include "ipc/peer.h"
#include "ipc_trips.h"
#include "task.h"
#include "util.h"
#include "worker.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
			char reason[128];
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
			ping_pong_trips(&c, TRIPS);
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
		char reason[128];
		assert_int_equal(ipc_create(&c, t, 8, 0, 0, reason, sizeof reason), 0);
		ipc_describe(&c, task_page()->ipc_desc, sizeof task_page()->ipc_desc);
		struct worker w;
		assert_int_equal(worker_start(&w, worker_kind_find("pthread"), &task_ipc_echo, 0, NULL),
				 0);
		ping_pong_trips(&c, 100);
		assert_int_equal(worker_reap(&w), 0);
		t->waits(&c, 0, &waits[0]);
		t->waits(&c, 1, &waits[1]);
		t->close(&c);
		assert_int_equal(waits[0].spun + waits[1].spun, 0);
		assert_true(waits[0].slept + waits[1].slept > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rings_do_not_poll_on_a_shared_cpu),
		cmocka_unit_test(test_read_after_the_peer_is_gone),
		cmocka_unit_test(test_sysv_refuses_messages_over_msgmax),
		cmocka_unit_test(test_rings_never_poll_at_a_zero_bound),
	};
	return tvp_run_tests("behaviours_ipc", tests, task_page_setup, task_page_teardown);
}
