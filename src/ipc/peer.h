/* peer.h - the far side of a channel, as tasks any worker kind can run (a thread, a
 * forked child, or tvp-helper started by posix_spawn). Both attach to the channel the
 * task page's ipc_desc describes. */
#ifndef TVP_IPC_PEER_H
#define TVP_IPC_PEER_H

#include "task.h"

/* Sends stamped messages 0, 1, 2, ... up until the page's stop flag is set, then the
 * last message (ipc_stamp_last). */
extern const struct task task_ipc_produce;
/* Receives each message down and sends it back up, up to and with the last; then writes
 * the CPU time its own thread spent from attaching to the last echo (user + system, ns,
 * from getrusage RUSAGE_THREAD) to the page's result[PEER_CPU_NS], so the parent can say
 * what both sides of a round trip burn, whatever the peer's kind. */
extern const struct task task_ipc_echo;
enum { PEER_CPU_NS = 0 };
/* lmbench's bw_pipe and bw_unix writer: writes chunks of arg bytes, unstamped, to an
 * inherited descriptor until the reader closes its end; the page's ipc_desc is
 * "WRITE_FD READ_FD". Forked children only: it shares the parent's descriptors. */
extern const struct task task_bw_write;

/* Exit codes of the peer tasks, past 0. */
enum { PEER_ATTACH = 20, PEER_MEMORY, PEER_SEND, PEER_RECV };

#endif
