/* ipc_session.c - a session of the ipc rows: the channel made, the peer started on it,
 * and at the end the peer reaped, both sides' waits read and the channel removed. */
#include "ipc_case.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Makes the channel and starts the peer on it. Returns 0, or an errno value after
 * skipping the benchmark with the reason; what was made then is gone but for the
 * session's close. */
int ipc_session_open(gb_state *st, struct ipc_session *s, const struct ipc_case *ic,
		     size_t size, size_t capacity, uint32_t spin_ns, const struct task *task,
		     const cpu_set_t *peer_cpu)
{
	char reason[256];
	memset(s, 0, sizeof *s);
	int err = ipc_create(&s->c, ic->t, size, capacity, spin_ns, reason, sizeof reason);
	if (err) {
		if (err == EMSGSIZE && reason[0])
			gb_skip(st, "%s: %s", ic->t->name, reason);
		else
			gb_skip(st, "%s: creating the channel: %s", ic->t->name, strerror(err));
		return err;
	}
	struct task_page *page = task_page();
	ipc_describe(&s->c, page->ipc_desc, sizeof page->ipc_desc);
	page->stop = 0;
	s->buf = malloc(size);
	if (!s->buf) {
		gb_skip(st, "malloc of %zu bytes failed", size);
		ic->t->close(&s->c);
		return ENOMEM;
	}
	err = worker_start(&s->w, ic->kind, task, 0, peer_cpu);
	if (err) {
		skip_start_error(st, ic->kind, err);
		free(s->buf);
		ic->t->close(&s->c);
		return err;
	}
	s->started = true;
	/* Touched after the fork, not before: a page the parent touched before it forked is
	 * copied at the parent's first write after, and that copy is fork's cost, not the
	 * transport's. */
	memset(s->buf, 0, size);
	if (ic->t->accept && (err = ic->t->accept(&s->c)) != 0)
		gb_skip(st, "%s: accepting the peer: %s", ic->t->name, strerror(err));
	if (ic->kind->mode == MODE_PROCESS)
		ipc_drop_peer_ends(&s->c);
	return err;
}

/* Reaps the peer, reads both sides' waits, and removes the channel. */
void ipc_session_close(gb_state *st, struct ipc_session *s)
{
	if (s->started) {
		int err = worker_reap(&s->w);
		if (!gb_error_occurred(st) && (err || s->w.exit.signaled || s->w.exit.code)) {
			char how[64];
			gb_skip(st, "the %s peer ended with %s", s->w.kind->name,
				err ? strerror(err) : worker_exit_str(&s->w.exit, how, sizeof how));
		}
	}
	if (s->c.t->waits && s->c.mem)
		for (int side = 0; side < 2; side++)
			s->c.t->waits(&s->c, side, &s->waits[side]);
	s->c.t->close(&s->c);
	free(s->buf);
}

/* Ends a producer's stream: stop it, and take what it still sends up to the last. */
void ipc_drain(struct ipc_session *s)
{
	__atomic_store_n(&task_page()->stop, 1, __ATOMIC_RELAXED);
	while (s->c.t->recv(&s->c, IPC_UP, s->buf) == 0 &&
	       !ipc_is_last(s->buf, s->c.msg_size, s->seq))
		s->seq++;
}
