/* cleanup.h - an interrupted run leaves nothing behind. On SIGINT, SIGTERM or SIGHUP the
 * benchmark process kills and reaps every process worker still alive, removes the named
 * IPC objects it made, and then dies of the signal as it would have. */
#ifndef TVP_CLEANUP_H
#define TVP_CLEANUP_H

void cleanup_on_signals(void);

#endif
