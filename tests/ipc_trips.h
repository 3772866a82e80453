/* ipc_trips.h - the echo peer's protocol as the tests drive it: TRIPS stamped 8-byte
 * round trips, each answer checked, then the last stamp that tells the peer to leave.
 * Include after cmocka.h and ipc/ipc.h. */
#ifndef TVP_IPC_TRIPS_H
#define TVP_IPC_TRIPS_H

#include <stdint.h>

__attribute__((unused)) static void ping_pong_trips(struct ipc_chan *c, uint64_t trips)
{
	const struct ipc_transport *t = c->t;
	char fault[256], ping[8], pong[8];
	uint64_t seq = 0;
	for (; seq < trips; seq++) {
		ipc_stamp(ping, 8, seq);
		assert_int_equal(t->send(c, IPC_DOWN, ping), 0);
		assert_int_equal(t->recv(c, IPC_UP, pong), 0);
		assert_int_equal(ipc_check(pong, 8, seq, fault, sizeof fault), 0);
	}
	ipc_stamp_last(ping, 8, seq);
	assert_int_equal(t->send(c, IPC_DOWN, ping), 0);
	assert_int_equal(t->recv(c, IPC_UP, pong), 0);
}

#endif
