/* minimal.c - the minimal parent: the server that runs in tvp-helper, and the client
 * tvp-bench talks to it with. Both sides of the protocol (minimal.h) live here so they
 * cannot drift apart.
 *
 * This is the one place in src/ that reads a clock for a measurement: the time must be
 * taken in the process that creates the worker, and that process is the helper. It
 * times exactly what bench/create.c times in tvp-bench: the create call through the
 * reap, or to the stamp the worker writes.
 */
#include "minimal.h"
#include "park.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The two descriptors in one task argument, as gate.c does it. */
#define FD_BITS 21
#define FD_MASK ((1L << FD_BITS) - 1)

/* How long the client waits for a reply: the server answers within milliseconds, but a
 * park of thousands of workers on a loaded machine takes seconds. */
#define REPLY_TIMEOUT_MS 120000

/* --- the server ---------------------------------------------------------------- */

struct reply {
	char *buf;
	size_t len, cap;
};

static void reply_add(struct reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void reply_add(struct reply *r, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(r->buf ? r->buf + r->len : NULL, r->cap - r->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (r->len + (size_t)n < r->cap) {
			r->len += (size_t)n;
			return;
		}
		size_t cap = (r->cap + (size_t)n + 1) * 2;
		char *b = realloc(r->buf, cap);
		if (!b)
			return; /* the reply is cut short; the client sees a malformed line */
		r->buf = b;
		r->cap = cap;
	}
}

static void serve_create(struct reply *r, const char *kind, const char *task)
{
	const struct worker_kind *k = worker_kind_find(kind);
	bool stamp = strcmp(task, task_stamp.name) == 0;
	if (!k || (!stamp && strcmp(task, task_exit.name) != 0)) {
		reply_add(r, "err %d no worker kind %s or task %s\n", EINVAL, kind, task);
		return;
	}
	const struct task *t = stamp ? &task_stamp : &task_exit;
	struct task_page *page = task_page();
	struct worker w;
	if (stamp)
		page->start_ns = 0;
	int64_t t0 = now_ns();
	int err = worker_start(&w, k, t, 0, NULL);
	if (err) {
		char why[128];
		reply_add(r, "err %d %s: %s\n", err, k->how, worker_error_str(err, why, sizeof why));
		return;
	}
	err = worker_reap(&w);
	int64_t t1 = now_ns();
	if (err) {
		reply_add(r, "err %d reaping a %s worker: %s\n", err, k->name, strerror(err));
		return;
	}
	int64_t end = stamp ? __atomic_load_n(&page->start_ns, __ATOMIC_ACQUIRE) : t1;
	if (stamp && end < t0) {
		reply_add(r, "err %d %s worker wrote no start stamp\n", EPROTO, k->name);
		return;
	}
	double cpu = (double)(w.exit.ru.ru_utime.tv_sec + w.exit.ru.ru_stime.tv_sec) * 1e9 +
		     (double)(w.exit.ru.ru_utime.tv_usec + w.exit.ru.ru_stime.tv_usec) * 1e3;
	reply_add(r, "ok %lld %.0f %ld %d %d\n", (long long)(end - t0), cpu,
		  (long)w.exit.ru.ru_minflt, (int)w.exit.signaled, w.exit.code);
}

static void serve_park(struct reply *r, struct park *p, bool *parked, const char *kind,
		       unsigned long n)
{
	const struct worker_kind *k = worker_kind_find(kind);
	if (!k || *parked) {
		reply_add(r, "err %d %s\n", EINVAL, *parked ? "workers already parked"
							    : "no such worker kind");
		return;
	}
	*parked = true;
	int64_t t0 = now_ns();
	int err = park_start(p, k, n);
	if (!err)
		err = park_wait(p, 30000 + (int)n * 10);
	int64_t t1 = now_ns();
	if (err) {
		char why[256];
		if (err == ETIMEDOUT && !p->err)
			snprintf(why, sizeof why, "waiting for %zu parked workers: %s", p->started,
				 strerror(err));
		else
			park_error_str(p, why, sizeof why);
		reply_add(r, "err %d %zu %s\n", err, p->started, why);
		return;
	}
	reply_add(r, "ok %lld %zu", (long long)(t1 - t0), p->started);
	for (size_t i = 0; k->mode == MODE_PROCESS && i < p->started; i++)
		reply_add(r, " %d", (int)p->workers[i].pid);
	reply_add(r, "\n");
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EPIPE;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int serve(long arg, int64_t start_ns)
{
	(void)start_ns;
	int in = (int)(arg & FD_MASK), out = (int)(arg >> FD_BITS & FD_MASK);
	struct task_page *page = task_page();
	/* Dies with the program that started it, so no server outlives a killed run. */
	if (!page || !tie_to_owner(page->owner))
		return 114;
	/* The helpers it spawns need neither pipe; its forked workers keep them, harmlessly. */
	fcntl(in, F_SETFD, FD_CLOEXEC);
	fcntl(out, F_SETFD, FD_CLOEXEC);
	FILE *f = fdopen(in, "re");
	if (!f)
		return 115;
	char *line = NULL;
	size_t cap = 0;
	struct park park;
	bool parked = false;
	struct reply r = {0};
	while (getline(&line, &cap, f) > 0) {
		char kind[32], task[32];
		unsigned long n;
		r.len = 0;
		if (sscanf(line, "create %31s %31s", kind, task) == 2) {
			serve_create(&r, kind, task);
		} else if (sscanf(line, "park %31s %lu", kind, &n) == 2) {
			serve_park(&r, &park, &parked, kind, n);
		} else if (strncmp(line, "ping", 4) == 0) {
			reply_add(&r, "ok\n");
		} else if (strncmp(line, "release", 7) == 0 && parked) {
			size_t bad = park_release(&park);
			parked = false;
			reply_add(&r, "ok %zu\n", bad);
		} else {
			reply_add(&r, "err %d unknown command: %.40s\n", EINVAL, line);
		}
		if (send_all(out, r.buf ? r.buf : "", r.len) != 0)
			break;
	}
	if (parked)
		park_release(&park);
	free(r.buf);
	free(line);
	fclose(f);
	close(out);
	return 0;
}

const struct task task_serve = {.name = "serve",
				.desc = "the minimal parent: create workers on command",
				.fn = serve, .exec = true};

/* --- the client ---------------------------------------------------------------- */

static int ask(struct minimal *m, const char *cmd, char **line);

static int fail(struct minimal *m, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct minimal *m, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->why, sizeof m->why, fmt, ap);
	va_end(ap);
	return err;
}

int minimal_start(struct minimal *m)
{
	memset(m, 0, sizeof *m);
	m->cmd = m->rep = -1;
	int c[2], r[2];
	/* Close-on-exec, so no other worker inherits them; cleared below on the server's
	 * two ends just for the spawn. */
	if (pipe2(c, O_CLOEXEC) != 0)
		return fail(m, errno, "pipe2: %s", strerror(errno));
	if (pipe2(r, O_CLOEXEC) != 0) {
		int err = errno;
		close(c[0]);
		close(c[1]);
		return fail(m, err, "pipe2: %s", strerror(err));
	}
	int err = 0;
	if (c[0] > FD_MASK || r[1] > FD_MASK)
		err = EMFILE;
	if (!err && (fcntl(c[0], F_SETFD, 0) != 0 || fcntl(r[1], F_SETFD, 0) != 0))
		err = errno;
	if (!err)
		err = worker_start(&m->w, &worker_kinds[KIND_POSIX_SPAWN], &task_serve,
				   (long)c[0] | (long)r[1] << FD_BITS, NULL);
	close(c[0]);
	close(r[1]);
	if (err) {
		close(c[1]);
		close(r[0]);
		char why[128];
		return fail(m, err, "posix_spawn of tvp-helper serve: %s",
			    worker_error_str(err, why, sizeof why));
	}
	m->cmd = c[1];
	m->rep = r[0];
	char *line;
	err = ask(m, "ping\n", &line);
	if (!err && strcmp(line, "ok\n") != 0)
		err = fail(m, EPROTO, "the minimal parent answered ping with %.40s", line);
	free(line);
	if (err) {
		char why[sizeof m->why];
		memcpy(why, m->why, sizeof why);
		worker_stop(&m->w);
		minimal_stop(m);
		memcpy(m->why, why, sizeof why);
	}
	return err;
}

int minimal_stop(struct minimal *m)
{
	if (m->cmd >= 0)
		close(m->cmd);
	if (m->rep >= 0)
		close(m->rep);
	m->cmd = m->rep = -1;
	if (!m->w.kind)
		return 0;
	int err = worker_reap(&m->w);
	m->w.kind = NULL;
	if (err)
		return fail(m, err, "waitpid of the minimal parent: %s", strerror(err));
	if (m->w.exit.signaled || m->w.exit.code != 0) {
		char how[64];
		return fail(m, EPROTO, "the minimal parent ended with %s",
			    worker_exit_str(&m->w.exit, how, sizeof how));
	}
	return 0;
}

/* Sends one command line and reads the reply line into a malloc'd string (*line).
 * Returns 0 or an errno value. */
static int ask(struct minimal *m, const char *cmd, char **line)
{
	*line = NULL;
	if (send_all(m->cmd, cmd, strlen(cmd)) != 0)
		return fail(m, EPIPE, "writing to the minimal parent: %s", strerror(EPIPE));
	size_t len = 0, cap = 256;
	char *buf = malloc(cap);
	if (!buf)
		return fail(m, ENOMEM, "malloc: %s", strerror(ENOMEM));
	for (;;) {
		/* A poll with a limit: the server's workers hold its reply pipe open, so a
		 * server that died would otherwise leave this waiting. */
		struct pollfd p = {.fd = m->rep, .events = POLLIN};
		int rc = poll(&p, 1, REPLY_TIMEOUT_MS);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0) {
			free(buf);
			int err = rc == 0 ? ETIMEDOUT : errno;
			return fail(m, err, "waiting for the minimal parent's reply: %s",
				    strerror(err));
		}
		if (len + 1 >= cap) {
			char *b = realloc(buf, cap *= 2);
			if (!b) {
				free(buf);
				return fail(m, ENOMEM, "realloc: %s", strerror(ENOMEM));
			}
			buf = b;
		}
		ssize_t n = read(m->rep, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return fail(m, EPIPE, "the minimal parent closed its reply pipe");
		}
		len += (size_t)n;
		buf[len] = '\0';
		if (buf[len - 1] == '\n')
			break;
	}
	*line = buf;
	return 0;
}

/* An "err ERRNO why" reply into m->why and its errno. */
static int reply_error(struct minimal *m, const char *line, bool with_count)
{
	int err = 0, used = 0;
	unsigned long started;
	if (sscanf(line, "err %d %n", &err, &used) < 1 || err <= 0)
		return fail(m, EPROTO, "the minimal parent's reply is malformed: %.60s", line);
	const char *why = line + used;
	if (with_count && sscanf(why, "%lu %n", &started, &used) == 1)
		why += used;
	return fail(m, err, "minimal parent: %.*s", (int)strcspn(why, "\n"), why);
}

int minimal_create(struct minimal *m, const struct worker_kind *k, const struct task *t,
		   struct minimal_trip *trip)
{
	char cmd[96], *line;
	snprintf(cmd, sizeof cmd, "create %s %s\n", k->name, t->name);
	int err = ask(m, cmd, &line);
	if (err)
		return err;
	long long ns;
	double cpu, minflt;
	int sig, code;
	memset(trip, 0, sizeof *trip);
	if (sscanf(line, "ok %lld %lf %lf %d %d", &ns, &cpu, &minflt, &sig, &code) == 5) {
		*trip = (struct minimal_trip){.ns = ns, .cpu_ns = cpu, .minflt = minflt,
					      .exit = {.signaled = sig != 0, .code = code}};
	} else {
		err = reply_error(m, line, false);
	}
	free(line);
	return err;
}

int minimal_park(struct minimal *m, const struct worker_kind *k, size_t n,
		 struct minimal_park *p)
{
	char cmd[96], *line;
	memset(p, 0, sizeof *p);
	snprintf(cmd, sizeof cmd, "park %s %zu\n", k->name, n);
	int err = ask(m, cmd, &line);
	if (err)
		return err;
	long long ns;
	unsigned long started;
	int used;
	if (sscanf(line, "ok %lld %lu%n", &ns, &started, &used) == 2) {
		p->ns = ns;
		p->started = started;
		if (k->mode == MODE_PROCESS) {
			p->pids = calloc(started ? started : 1, sizeof *p->pids);
			const char *s = line + used;
			for (size_t i = 0; p->pids && i < started; i++) {
				char *end;
				p->pids[i] = (pid_t)strtol(s, &end, 10);
				if (end == s) {
					err = fail(m, EPROTO, "the minimal parent named %zu pids of %lu",
						   i, started);
					break;
				}
				s = end;
			}
			if (!p->pids)
				err = fail(m, ENOMEM, "calloc: %s", strerror(ENOMEM));
		}
	} else {
		err = reply_error(m, line, true);
	}
	free(line);
	return err;
}

int minimal_release(struct minimal *m, struct minimal_park *p, size_t *bad)
{
	char *line;
	free(p->pids);
	p->pids = NULL;
	*bad = 0;
	int err = ask(m, "release\n", &line);
	if (err)
		return err;
	unsigned long b;
	if (sscanf(line, "ok %lu", &b) == 1)
		*bad = b;
	else
		err = reply_error(m, line, false);
	free(line);
	return err;
}
