/* test_ipc.c - every transport delivers every message intact and in order, between
 * threads, forked and spawned processes, at sizes that force partial reads and writes;
 * the rings lose no message and no wake-up, sleeping at once or polling first; a ring
 * pair on one PU never polls; named objects are private, unique, and gone afterwards,
 * also when the peer is killed mid-transfer; a message over a system limit is refused
 * with the limit named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "ipc/ipc.h"
#include "ipc/peer.h"
#include "ipc_trips.h"
#include "worker.h"

#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const kinds[] = {"pthread", "fork", "posix_spawn"};
/* 120 and 121: the most a ring carries in a message's slot, and one byte more. 4 MiB:
 * the full profile's largest message. */
static const size_t sizes[] = {1, 7, 64, 120, 121, 4096 + 3, 65536 + 1, 4 << 20};

/* Starts a producing peer of kind k on a new channel whose waits poll for spin_ns first;
 * 0, or EMSGSIZE past a limit. */
static int open_spinning(struct ipc_chan *c, struct worker *w, const struct ipc_transport *t,
			 const char *kind, size_t size, uint32_t spin_ns)
{
	char reason[256];
	int err = ipc_create(c, t, size, 0, spin_ns, reason, sizeof reason);
	if (err == EMSGSIZE) {
		assert_true(reason[0] != '\0'); /* the limit is named */
		return err;
	}
	assert_int_equal(err, 0);
	ipc_describe(c, task_page()->ipc_desc, sizeof task_page()->ipc_desc);
	task_page()->stop = 0;
	const struct worker_kind *k = worker_kind_find(kind);
	assert_int_equal(worker_start(w, k, &task_ipc_produce, 0, NULL), 0);
	if (t->accept)
		assert_int_equal(t->accept(c), 0);
	if (k->mode == MODE_PROCESS)
		ipc_drop_peer_ends(c);
	return 0;
}

static int open_with_peer(struct ipc_chan *c, struct worker *w, const struct ipc_transport *t,
			  const char *kind, size_t size)
{
	return open_spinning(c, w, t, kind, size, 0);
}

/* Enough messages of size to go round a ring's 4 MiB of bytes twice, at odd places. */
static unsigned messages_for(size_t size)
{
	return size > 120 && size < (4u << 20) ? (unsigned)((9u << 20) / size) : 50;
}

static void receive_in_order(struct ipc_chan *c, unsigned n)
{
	char *buf = malloc(c->msg_size), fault[256];
	uint64_t seq = 0;
	for (; seq < n; seq++) {
		assert_int_equal(c->t->recv(c, IPC_UP, buf), 0);
		if (ipc_check(buf, c->msg_size, seq, fault, sizeof fault) != 0)
			fail_msg("%s, %zu bytes: %s", c->t->name, c->msg_size, fault);
	}
	/* Stop the peer; the rest of its stream is still in order, up to the last. */
	task_page()->stop = 1;
	for (;; seq++) {
		assert_int_equal(c->t->recv(c, IPC_UP, buf), 0);
		if (ipc_is_last(buf, c->msg_size, seq))
			break;
		if (ipc_check(buf, c->msg_size, seq, fault, sizeof fault) != 0)
			fail_msg("%s, %zu bytes, draining: %s", c->t->name, c->msg_size, fault);
	}
	free(buf);
}

static void test_every_transport_delivers(void **state)
{
	(void)state;
	for (size_t i = 0; i < ipc_ntransports; i++) {
		const struct ipc_transport *t = ipc_transports[i];
		for (size_t k = 0; k < 3; k++) {
			if (k > 0 && !t->processes)
				continue;
			for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
				struct ipc_chan c;
				struct worker w;
				if (open_with_peer(&c, &w, t, kinds[k], sizes[s]) == EMSGSIZE)
					continue;
				receive_in_order(&c, messages_for(sizes[s]));
				assert_int_equal(worker_reap(&w), 0);
				assert_false(w.exit.signaled);
				assert_int_equal(w.exit.code, 0);
				t->close(&c);
			}
		}
	}
	assert_no_children();
}

static void stream_stalled(int sig)
{
	(void)sig;
	static const char msg[] = "a ring stream stalled for 60 s: a lost wake-up\n";
	write(2, msg, sizeof msg - 1);
	worker_kill_all();
	_exit(1);
}

/* The rings' wake-ups race on every message: a reader that catches up goes to sleep while
 * the writer publishes. A lost wake-up leaves both sides asleep, and only a long stream of
 * small messages meets the race often enough to show it. Polling first changes who is
 * asleep when: a bound of 1 us ends many polls in a sleep, the default few. */
static void test_rings_never_lose_a_wake_up(void **state)
{
	(void)state;
	static const char *const rings[] = {"shm_ring", "spsc_ring"};
	static const uint32_t spins[] = {0, 1000, IPC_SPIN_DEFAULT_NS};
	signal(SIGALRM, stream_stalled);
	alarm((unsigned)(patience_ns() / 1000000000));
	for (size_t i = 0; i < 2; i++) {
		const struct ipc_transport *t = ipc_find(rings[i]);
		for (size_t k = 0; k < 2; k++) {
			if (k > 0 && !t->processes)
				continue;
			for (size_t n = 0; n < sizeof spins / sizeof spins[0]; n++) {
				struct ipc_chan c;
				struct worker w;
				assert_int_equal(open_spinning(&c, &w, t, kinds[k], 8, spins[n]), 0);
				receive_in_order(&c, 1u << 23);
				assert_int_equal(worker_reap(&w), 0);
				assert_int_equal(w.exit.code, 0);
				t->close(&c);
			}
		}
	}
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	assert_no_children();
}

/* Pings an echoing peer of kind k, placed on peer_cpu, through ring t polling for up to
 * 100 us, and reads how both sides' waits ended. */
static void ping_ring(const struct ipc_transport *t, const char *kind, const cpu_set_t *peer_cpu,
		      struct ipc_waits waits[2])
{
	struct ipc_chan c;
	char reason[128];
	assert_int_equal(ipc_create(&c, t, 8, 0, 100000, reason, sizeof reason), 0);
	ipc_describe(&c, task_page()->ipc_desc, sizeof task_page()->ipc_desc);
	struct worker w;
	const struct worker_kind *k = worker_kind_find(kind);
	assert_int_equal(worker_start(&w, k, &task_ipc_echo, 0, peer_cpu), 0);
	if (k->mode == MODE_PROCESS)
		ipc_drop_peer_ends(&c);
	ping_pong_trips(&c, 200);
	assert_int_equal(worker_reap(&w), 0);
	assert_int_equal(w.exit.code, 0);
	t->waits(&c, 0, &waits[0]);
	t->waits(&c, 1, &waits[1]);
	t->close(&c);
}

/* On one PU the other side cannot run while this one polls: neither side of a ring pair
 * bound to the same PU polls, whatever the bound; on two PUs the pinging side polls. */
static void test_ring_on_one_pu_does_not_spin(void **state)
{
	(void)state;
	static const char *const rings[] = {"shm_ring", "spsc_ring"};
	cpu_set_t saved, one, other;
	assert_int_equal(sched_getaffinity(0, sizeof saved, &saved), 0);
	int first = -1, second = -1;
	for (int cpu = 0; cpu < CPU_SETSIZE && second < 0; cpu++)
		if (CPU_ISSET(cpu, &saved))
			*(first < 0 ? &first : &second) = cpu;
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	CPU_ZERO(&other);
	CPU_SET(second, &other);
	assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
	for (size_t i = 0; i < 2; i++) {
		const struct ipc_transport *t = ipc_find(rings[i]);
		assert_non_null(t->waits);
		for (size_t k = 0; k < 3; k++) {
			if (k > 0 && !t->processes)
				continue;
			struct ipc_waits w[2];
			ping_ring(t, kinds[k], &one, w);
			for (int side = 0; side < 2; side++)
				if (w[side].spun != 0)
					fail_msg("%s, %s peer, one PU: side %d polled %llu times",
						 t->name, kinds[k], side,
						 (unsigned long long)w[side].spun);
			/* They took turns: one side at least slept (which one depends on
			 * whether a wake-up preempts the waker). */
			assert_true(w[0].slept + w[1].slept > 0);
			if (second < 0)
				continue; /* a machine of one PU has no pair of two */
			ping_ring(t, kinds[k], &other, w);
			assert_true(w[0].spun > 0);
			assert_true(w[0].spin_hits <= w[0].spun);
		}
	}
	assert_int_equal(sched_setaffinity(0, sizeof saved, &saved), 0);
	assert_no_children();
}

static void test_every_transport_echoes(void **state)
{
	(void)state;
	static const size_t small[] = {1, 8, 64};
	for (size_t i = 0; i < ipc_ntransports; i++) {
		const struct ipc_transport *t = ipc_transports[i];
		for (size_t k = 0; k < 2; k++) {
			if (k > 0 && !t->processes)
				continue;
			for (size_t s = 0; s < 3; s++) {
				struct ipc_chan c;
				char reason[128], fault[256], ping[64], pong[64];
				assert_int_equal(ipc_create(&c, t, small[s], 0, 0, reason, sizeof reason), 0);
				ipc_describe(&c, task_page()->ipc_desc, sizeof task_page()->ipc_desc);
				struct worker w;
				const struct worker_kind *kind = worker_kind_find(kinds[k]);
				assert_int_equal(worker_start(&w, kind, &task_ipc_echo, 0, NULL), 0);
				if (t->accept)
					assert_int_equal(t->accept(&c), 0);
				if (k > 0)
					ipc_drop_peer_ends(&c);
				uint64_t seq = 0;
				for (; seq < 20; seq++) {
					ipc_stamp(ping, small[s], seq);
					assert_int_equal(t->send(&c, IPC_DOWN, ping), 0);
					assert_int_equal(t->recv(&c, IPC_UP, pong), 0);
					assert_int_equal(ipc_check(pong, small[s], seq, fault, sizeof fault), 0);
				}
				/* The last ping comes back too, and then the peer ends by itself. */
				ipc_stamp_last(ping, small[s], seq);
				assert_int_equal(t->send(&c, IPC_DOWN, ping), 0);
				assert_int_equal(t->recv(&c, IPC_UP, pong), 0);
				assert_true(ipc_is_last(pong, small[s], seq));
				assert_int_equal(worker_reap(&w), 0);
				assert_int_equal(w.exit.code, 0);
				t->close(&c);
			}
		}
	}
	assert_no_children();
}

static void test_named_objects_private_and_removed(void **state)
{
	(void)state;
	/* POSIX queues: unique names, mode 0600, made with O_EXCL, gone after close. */
	struct ipc_chan a, b;
	char reason[128];
	assert_int_equal(ipc_create(&a, ipc_find("posix_mq"), 64, 0, 0, reason, sizeof reason), 0);
	assert_int_equal(ipc_create(&b, ipc_find("posix_mq"), 64, 0, 0, reason, sizeof reason), 0);
	assert_string_not_equal(a.name[0], b.name[0]);
	mqd_t q = mq_open(a.name[0], O_RDONLY);
	assert_true(q != (mqd_t)-1);
	struct stat st;
	assert_int_equal(fstat((int)q, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	mq_close(q);
	assert_true(mq_open(a.name[0], O_RDWR | O_CREAT | O_EXCL, 0600, NULL) == (mqd_t)-1);
	assert_int_equal(errno, EEXIST);
	char names[2][48];
	memcpy(names, a.name, sizeof names);
	a.t->close(&a);
	b.t->close(&b);
	for (int d = 0; d < 2; d++) {
		assert_true(mq_open(names[d], O_RDONLY) == (mqd_t)-1);
		assert_int_equal(errno, ENOENT);
	}
	/* System V queue: mode 0600, removed with the channel. */
	assert_int_equal(ipc_create(&a, ipc_find("sysv_mq"), 64, 0, 0, reason, sizeof reason), 0);
	struct msqid_ds ds;
	assert_int_equal(msgctl(a.id, IPC_STAT, &ds), 0);
	assert_int_equal(ds.msg_perm.mode & 0777, 0600);
	int id = a.id;
	a.t->close(&a);
	assert_int_equal(msgctl(id, IPC_STAT, &ds), -1);
}

static void test_peer_killed_mid_transfer(void **state)
{
	(void)state;
	for (size_t i = 0; i < ipc_ntransports; i++) {
		const struct ipc_transport *t = ipc_transports[i];
		if (!t->processes)
			continue;
		struct ipc_chan c;
		struct worker w;
		assert_int_equal(open_with_peer(&c, &w, t, "fork", 4096), 0);
		char *buf = malloc(4096);
		for (int n = 0; n < 3; n++)
			assert_int_equal(t->recv(&c, IPC_UP, buf), 0);
		free(buf);
		kill(w.pid, SIGKILL);
		assert_int_equal(worker_reap(&w), 0);
		assert_true(w.exit.signaled);
		char name[48];
		int id = c.id;
		snprintf(name, sizeof name, "%s", c.name[0]);
		t->close(&c);
		if (name[0]) {
			assert_true(mq_open(name, O_RDONLY) == (mqd_t)-1);
			assert_int_equal(errno, ENOENT);
		}
		if (t == ipc_find("sysv_mq")) {
			struct msqid_ds ds;
			assert_int_equal(msgctl(id, IPC_STAT, &ds), -1);
		}
	}
	assert_no_children();
}

static void test_limits_named(void **state)
{
	(void)state;
	struct ipc_chan c;
	char reason[256];
	/* Over every kernel's hard limit (16 MiB), root or not. */
	assert_int_equal(ipc_create(&c, ipc_find("posix_mq"), 64 << 20, 0, 0, reason, sizeof reason),
			 EMSGSIZE);
	assert_non_null(strstr(reason, "msgsize_max"));
	assert_int_equal(ipc_create(&c, ipc_find("sysv_mq"), 1 << 20, 0, 0, reason, sizeof reason),
			 EMSGSIZE);
	assert_non_null(strstr(reason, "msgmax"));
}

static void test_stamps_catch_faults(void **state)
{
	(void)state;
	char fault[256];
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		size_t n = sizes[s];
		unsigned char *m = malloc(n);
		ipc_stamp(m, n, 41);
		assert_int_equal(ipc_check(m, n, 41, fault, sizeof fault), 0);
		assert_int_equal(ipc_check(m, n, 42, fault, sizeof fault), EPROTO); /* lost one */
		/* The end of a stream is told apart from the message it replaces. */
		ipc_stamp_last(m, n, 41);
		assert_true(ipc_is_last(m, n, 41));
		assert_int_equal(ipc_check(m, n, 41, fault, sizeof fault), EPROTO);
		ipc_stamp(m, n, 41);
		assert_false(ipc_is_last(m, n, 41));
		if (n >= 16) {
			m[n - 1] ^= 0xff; /* a damaged tail */
			assert_int_equal(ipc_check(m, n, 41, fault, sizeof fault), EPROTO);
			assert_non_null(strstr(fault, "damaged"));
		}
		free(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamps_catch_faults),
		cmocka_unit_test(test_limits_named),
		cmocka_unit_test(test_named_objects_private_and_removed),
		cmocka_unit_test(test_every_transport_delivers),
		cmocka_unit_test(test_every_transport_echoes),
		cmocka_unit_test(test_rings_never_lose_a_wake_up),
		cmocka_unit_test(test_ring_on_one_pu_does_not_spin),
		cmocka_unit_test(test_peer_killed_mid_transfer),
	};
	return tvp_run_tests("ipc", tests, task_page_setup, task_page_teardown);
}
