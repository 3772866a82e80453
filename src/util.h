/* util.h - the few helpers every tvp file uses: a monotonic clock and error reports.
 *
 * The one error convention of the library: a function that can fail returns 0 or a
 * positive errno value, as the pthread functions do (never -errno, never -1 with errno
 * set). The exceptions say so in their header: a function that returns a pointer (NULL
 * with errno set) or a value (-1, or a negative count, for "unknown"). */
#ifndef TVP_UTIL_H
#define TVP_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* CLOCK_MONOTONIC in nanoseconds: the one clock tvp times with. */
static inline int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Prints "tvp: <message>: <strerror(errno)>" (the errno part only when errnum != 0)
 * and exits with status 1. For harness set-up only, never inside a benchmark. */
void die(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* Same message, returns. */
void warn(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads a small text file (a /proc or /sys entry) into buf, newline stripped.
 * Returns 0 or an errno value. */
int read_text(const char *path, char *buf, size_t size);

/* In a child process: be killed when owner, the process that made it, dies, so no
 * orphan outlives its benchmark or pool. PR_SET_PDEATHSIG arms only for the parent alive
 * at the call: a child whose owner died before it would never get the signal. Returns
 * false then (its parent is no longer owner), and the child must leave at once. */
bool tie_to_owner(pid_t owner);

#endif
