/* util.c - error reports and small file reads. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

static void vreport(int errnum, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("tvp: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void die(int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(errnum, fmt, ap);
	va_end(ap);
	exit(1);
}

void warn(int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(errnum, fmt, ap);
	va_end(ap);
}

int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	ssize_t n = read(fd, buf, size - 1);
	int err = errno;
	close(fd);
	if (n < 0)
		return err;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

bool tie_to_owner(pid_t owner)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	return getppid() == owner;
}
