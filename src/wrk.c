/* wrk.c - runs wrk and reads its report (wrk.h). */
#include "wrk.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* "1.23ms" -> 1230 (µs); -1 if it is not a duration. */
static double duration_us(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s)
		return -1;
	if (strncmp(end, "us", 2) == 0)
		return v;
	if (strncmp(end, "ms", 2) == 0)
		return v * 1e3;
	if (strncmp(end, "s", 1) == 0)
		return v * 1e6;
	if (strncmp(end, "m", 1) == 0)
		return v * 60e6;
	return -1;
}

int wrk_parse(const char *out, struct wrk_result *r)
{
	memset(r, 0, sizeof *r);
	r->p50_us = r->p99_us = r->requests_per_s = r->seconds = -1;
	r->requests = -1;
	for (const char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		long a, b, c, d;
		char secs[32];
		if (strncmp(p, "50%", 3) == 0)
			r->p50_us = duration_us(p + 3 + strspn(p + 3, " \t"));
		else if (strncmp(p, "99%", 3) == 0)
			r->p99_us = duration_us(p + 3 + strspn(p + 3, " \t"));
		else if (sscanf(p, "%ld requests in %31[^,]", &a, secs) == 2) {
			r->requests = a;
			r->seconds = duration_us(secs) / 1e6;
		} else if (sscanf(p, "Socket errors: connect %ld, read %ld, write %ld, timeout %ld",
				  &a, &b, &c, &d) == 4) {
			r->errors += a + b + c;
			r->connect_errors = a;
			r->read_errors = b;
			r->write_errors = c;
			r->timeouts = d;
		} else if (sscanf(p, "Non-2xx or 3xx responses: %ld", &a) == 1) {
			r->errors += a;
			r->non_2xx = a;
		}
		else if (strncmp(p, "Requests/sec:", 13) == 0)
			r->requests_per_s = strtod(p + 13, NULL);
	}
	/* A run in which no request completed prints no percentiles worth reading. */
	if (r->requests_per_s < 0 || r->requests < 0 || r->seconds <= 0)
		return EPROTO;
	if (r->requests == 0)
		r->p50_us = r->p99_us = 0;
	return r->p50_us < 0 || r->p99_us < 0 ? EPROTO : 0;
}

const char *wrk_path(void)
{
	static char found[512];
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(found, sizeof found, "%.*s/wrk", (int)n, p);
		if (access(found, X_OK) == 0)
			return found;
		p += n + (p[n] == ':');
	}
	return NULL;
}

int wrk_run(const char *url, int conns, int secs, bool conn_close, const cpu_set_t *cpus,
	    const struct wrk_probe *probe, struct wrk_result *r, char *why, size_t size)
{
	const char *wrk = wrk_path();
	if (!wrk) {
		snprintf(why, size, "wrk is not installed (Debian package wrk; make deps)");
		return ENOENT;
	}
	char c[16], d[16];
	snprintf(c, sizeof c, "%d", conns);
	snprintf(d, sizeof d, "%ds", secs);
	const char *argv[] = {wrk, "-t1", "-c", c, "-d", d, "--latency", "--timeout", "2s",
			      conn_close ? "-H" : url, conn_close ? "Connection: close" : NULL, url, NULL};
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		snprintf(why, size, "pipe: %s", strerror(errno));
		return errno;
	}
	fflush(NULL);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (cpus)
			sched_setaffinity(0, sizeof *cpus, cpus);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execv(wrk, (char *const *)argv);
		_exit(127);
	}
	int err = pid < 0 ? errno : 0;
	close(pfd[1]);
	if (err) {
		close(pfd[0]);
		snprintf(why, size, "fork: %s", strerror(err));
		return err;
	}
	/* wrk's window plus its start and report; a wrk that hangs past it is killed. */
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	int64_t start = now_ns(), deadline = start + (int64_t)(secs + 15) * 1000000000;
	int64_t probe_at = probe ? start + (int64_t)(probe->at_s * 1e9) : INT64_MAX;
	bool late = false;
	while (out) {
		int64_t now = now_ns();
		if (now >= probe_at) {
			probe->fn(probe->arg);
			probe_at = INT64_MAX;
			continue;
		}
		int left = (int)((deadline - now) / 1000000);
		int until = probe_at < deadline ? (int)((probe_at - now) / 1000000) + 1 : left;
		struct pollfd p = {pfd[0], POLLIN, 0};
		int ready = left <= 0 ? 0 : poll(&p, 1, until);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0 && probe_at < deadline)
			continue;
		if (ready == 0) {
			late = true;
			break;
		}
		ssize_t n = read(pfd[0], out + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == cap - 1)
			break;
	}
	close(pfd[0]);
	if (late)
		kill(pid, SIGKILL);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
	}
	if (!out) {
		snprintf(why, size, "malloc: %s", strerror(ENOMEM));
		return ENOMEM;
	}
	out[len] = '\0';
	err = 0;
	if (late) {
		snprintf(why, size, "wrk did not finish within %d s", secs + 15);
		err = ETIMEDOUT;
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		snprintf(why, size, "wrk failed (%s %d): %.200s", WIFEXITED(st) ? "exit" : "signal",
			 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), out);
		err = EIO;
	} else if (wrk_parse(out, r) != 0) {
		snprintf(why, size, "wrk printed what the suite cannot read: %.200s", out);
		err = EPROTO;
	}
	free(out);
	return err;
}
