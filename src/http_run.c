/* http_run.c - the http scenario's run: its cgroup, temporary folder and guard, and
 * starting and stopping its servers, the suite's and Apache (http_run.h). */
#include "http_run.h"
#include "http_tree.h"
#include "cgmem.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const struct http_server_info http_servers[HTTP_NSERVERS] = {
	[HTTP_THREAD_PER_CONN] = {"thread_per_conn", "thread per connection", true, NULL},
	[HTTP_FORK_PER_CONN] = {"fork_per_conn", "fork per connection", false, NULL},
	[HTTP_PREFORK_POOL] = {"prefork_pool", "pre-forked pool", false, NULL},
	[HTTP_THREAD_POOL] = {"thread_pool", "thread pool", true, NULL},
	[HTTP_EPOLL] = {"epoll", "epoll loop", false, NULL},
	[HTTP_APACHE_PREFORK] = {"apache_prefork", "Apache prefork", false, "prefork"},
	[HTTP_APACHE_WORKER] = {"apache_worker", "Apache worker", true, "worker"},
	[HTTP_APACHE_EVENT] = {"apache_event", "Apache event", true, "event"},
};

static struct {
	bool ready, contained;
	char no_cgroup[440];
	struct cgmem cg;
	char tmp[256];
	int guard_fd;
	pid_t guard;
	unsigned seq;
} env = {.guard_fd = -1};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

/* Kills what is left in the cgroup, removes it, removes the folder: run by the guard
 * when the run's end closes its pipe, whichever way the run ended. */
static const char guard_script[] =
	"read _; "
	"if [ -n \"$1\" ]; then i=0; while [ $i -lt 100 ]; do "
	"for p in $(cat \"$1/cgroup.procs\" 2>/dev/null); do kill -9 $p 2>/dev/null; done; "
	"rmdir \"$1\" 2>/dev/null; [ -d \"$1\" ] || break; i=$((i+1)); sleep 0.1; done; fi; "
	"rm -rf \"$2\"";

int http_env_init(char *why, size_t size)
{
	if (env.ready)
		return 0;
	/* A level of 10,000 connections needs as many descriptors in wrk and the server,
	 * which inherit the limit. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	const char *t = getenv("TMPDIR");
	snprintf(env.tmp, sizeof env.tmp, "%s/tvp-http-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(env.tmp)) {
		snprintf(why, size, "mkdtemp %s: %s", env.tmp, strerror(errno));
		return errno;
	}
	/* Apache's children run as www-data and read the document root under it. */
	chmod(env.tmp, 0755);
	/* tvp-PID-: the tests' leak check and a later run's sweep know the run's cgroups by
	 * it. */
	char name[64], cgwhy[400];
	snprintf(name, sizeof name, "tvp-%d-http", (int)getpid());
	int err = cgmem_make(&env.cg, name, cgwhy, sizeof cgwhy);
	env.contained = err == 0;
	if (err)
		snprintf(env.no_cgroup, sizeof env.no_cgroup, "no memory cgroup: %s", cgwhy);
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		err = errno;
		snprintf(why, size, "pipe: %s", strerror(err));
		goto undo;
	}
	fflush(NULL);
	env.guard = fork();
	if (env.guard == 0) {
		/* Ignored before exec, ignored in sh: Ctrl-C ends the run, not its guard. */
		static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
		for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
			signal(sigs[i], SIG_IGN);
		dup2(pfd[0], 0);
		execl("/bin/sh", "sh", "-c", guard_script, "tvp-http-guard",
		      env.contained ? env.cg.dir : "", env.tmp, (char *)NULL);
		_exit(127);
	}
	err = env.guard < 0 ? errno : 0;
	close(pfd[0]);
	if (err) {
		close(pfd[1]);
		snprintf(why, size, "fork: %s", strerror(err));
		goto undo;
	}
	env.guard_fd = pfd[1];
	env.ready = true;
	return 0;
undo:
	if (env.contained)
		cgmem_remove(&env.cg);
	rmdir(env.tmp);
	return err;
}

bool http_contained(const char **why)
{
	if (why)
		*why = env.no_cgroup;
	return env.contained;
}

void http_env_fini(void)
{
	if (!env.ready)
		return;
	if (env.contained)
		cgmem_remove(&env.cg);
	close(env.guard_fd); /* the guard removes the folder, and the cgroup if still there */
	while (waitpid(env.guard, NULL, 0) < 0 && errno == EINTR) {
	}
	env.ready = false;
}

long http_kmem_kib(void)
{
	return env.contained ? cgmem_kernel_kib(&env.cg) : -1;
}

int http_limit(long long bytes)
{
	return env.contained ? cgmem_limit(&env.cg, bytes) : EPERM;
}

long http_oom_kills(void)
{
	return env.contained ? cgmem_oom_kills(&env.cg) : -1;
}

/* --- starting and stopping ------------------------------------------------------- */

static const char *httpd_path(void)
{
	static char path[600];
	const char *e = getenv("TVP_HTTPD");
	if (e && *e)
		return e;
	char self[512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return "tvp-httpd";
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(path, sizeof path, "%s/tvp-httpd", self);
	/* A sanitized build lives one folder down (build/san): the server is not. */
	if (access(path, X_OK) != 0 && slash) {
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof path, "%s/tvp-httpd", self);
		}
	}
	return path;
}

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	int err = write(fd, data, len) == (ssize_t)len ? 0 : (errno ? errno : EIO);
	close(fd);
	return err;
}

/* A port free now (the kernel's pick for port 0). Apache binds it a moment later; if
 * something took it in between, the caller tries another. */
static int free_port(void)
{
	int bound, fd = http_listen(0, &bound);
	if (fd < 0)
		return -1;
	close(fd);
	return bound;
}

static bool accepts(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bool ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

/* Forks the server's first process: it waits on go until the parent has put it into
 * the cgroup (so everything it makes is charged there), then execs argv. */
static pid_t spawn(char *const argv[], const cpu_set_t *cpus, int out_fd)
{
	int go[2];
	if (pipe2(go, O_CLOEXEC) != 0)
		return -1;
	fflush(NULL);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		/* A group of its own: Apache stops its children by signalling its whole
		 * process group, which would otherwise be the run's, and whoever started it. */
		setpgid(0, 0);
		if (cpus)
			sched_setaffinity(0, sizeof *cpus, cpus);
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		if (out_fd >= 0) {
			dup2(out_fd, 1);
			dup2(out_fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	int err = errno;
	close(go[0]);
	if (pid > 0) {
		if (env.contained)
			cgmem_enter(&env.cg, pid);
		if (write(go[1], "g", 1) != 1) {
		}
	}
	close(go[1]);
	errno = err;
	return pid;
}

static bool reaped(pid_t pid, long wait_ms)
{
	for (long t = 0; t <= wait_ms; t += 5) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD))
			return true;
		sleep_ms(5);
	}
	return false;
}

static int start_suite(struct http_peer *p, int s, int capacity, const cpu_set_t *cpus,
		       char *why, size_t size)
{
	int out[2];
	if (pipe2(out, O_CLOEXEC) != 0) {
		snprintf(why, size, "pipe: %s", strerror(errno));
		return errno;
	}
	char cap[16];
	snprintf(cap, sizeof cap, "%d", capacity);
	char *argv[] = {(char *)httpd_path(), (char *)http_servers[s].name, cap, NULL};
	p->pid = spawn(argv, cpus, out[1]);
	int err = p->pid < 0 ? errno : 0;
	close(out[1]);
	if (err) {
		close(out[0]);
		snprintf(why, size, "fork: %s", strerror(err));
		return err;
	}
	char line[256] = "";
	size_t len = 0;
	struct pollfd pf = {out[0], POLLIN, 0};
	while (len < sizeof line - 1 && !memchr(line, '\n', len) && poll(&pf, 1, 10000) > 0) {
		ssize_t n = read(out[0], line + len, sizeof line - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		line[len] = '\0';
	}
	close(out[0]);
	char *end;
	long port = strtol(line, &end, 10);
	if (port <= 0 || *end != '\n') {
		http_stop(p);
		snprintf(why, size, "%s did not start: %.200s", argv[0], len ? line : "no output");
		return EIO;
	}
	p->port = (int)port;
	return 0;
}

static int start_apache(struct http_peer *p, int s, int capacity, const cpu_set_t *cpus,
			char *why, size_t size)
{
	const char *apache = http_apache_path();
	if (!apache) {
		snprintf(why, size, "apache2 is not installed (Debian package apache2; make deps)");
		return ENOENT;
	}
	const char *nocg;
	if (!http_contained(&nocg)) {
		/* Its children do not die with it: without a cgroup, nothing could find them. */
		snprintf(why, size, "Apache needs a cgroup to contain its children: %s", nocg);
		return EPERM;
	}
	char dir[300], path[400], conf[4096];
	snprintf(dir, sizeof dir, "%s/%s-%u", env.tmp, http_servers[s].name, env.seq++);
	snprintf(path, sizeof path, "%s/htdocs", dir);
	if (mkdir(dir, 0755) != 0 || mkdir(path, 0755) != 0) {
		snprintf(why, size, "mkdir %s: %s", path, strerror(errno));
		return errno;
	}
	static const char *const bodies[] = {HTTP_SMALL_PATH, HTTP_BIG_PATH};
	for (size_t i = 0; i < ARRAY_SIZE(bodies); i++) {
		size_t len;
		const char *b = http_body(bodies[i], &len);
		snprintf(path, sizeof path, "%s/htdocs%s", dir, bodies[i]);
		int err = write_file(path, b, len);
		if (err) {
			snprintf(why, size, "write %s: %s", path, strerror(err));
			return err;
		}
	}
	for (int attempt = 0; attempt < 5; attempt++) {
		p->port = free_port();
		int err = p->port > 0 ? 0 : errno;
		if (!err)
			err = http_apache_conf(conf, sizeof conf, s, p->port, dir, capacity);
		snprintf(path, sizeof path, "%s/httpd.conf", dir);
		if (!err)
			err = write_file(path, conf, strlen(conf));
		if (err) {
			snprintf(why, size, "Apache's configuration %s: %s", path, strerror(err));
			return err;
		}
		char *argv[] = {(char *)apache, "-f", path, "-DFOREGROUND", NULL};
		p->pid = spawn(argv, cpus, -1);
		if (p->pid < 0) {
			snprintf(why, size, "fork: %s", strerror(errno));
			return errno;
		}
		bool up = false;
		for (int t = 0; t < 1000 && !up; t++) {
			up = accepts(p->port);
			if (!up && waitpid(p->pid, NULL, WNOHANG) == p->pid)
				break;
			if (!up)
				sleep_ms(10);
		}
		/* Up is not serving: a document root its children (www-data) cannot reach, in
		 * a TMPDIR of mode 0700, answers every request with 403. */
		int one = -1;
		bool serves = up && http_hold(p, 1, 10.0, &one) == 1;
		http_release(&one, 1);
		if (serves)
			return 0;
		http_stop(p);
		char log[2048] = "";
		snprintf(path, sizeof path, "%s/error.log", dir);
		read_text(path, log, sizeof log);
		if (up) {
			/* The last line says why. */
			size_t n = strlen(log);
			while (n && log[n - 1] == '\n')
				log[--n] = '\0';
			char *last = strrchr(log, '\n');
			snprintf(why, size, "%s started but did not serve %s%s: %.300s", apache, dir,
				 HTTP_SMALL_PATH, last ? last + 1 : log[0] ? log : "no log");
			return EACCES;
		}
		if (!strstr(log, "Address already in use")) {
			snprintf(why, size, "%s did not start: %.300s", apache, log[0] ? log : "no log");
			return EIO;
		}
	}
	snprintf(why, size, "Apache found no free port in 5 tries");
	return EADDRINUSE;
}

int http_start(struct http_peer *p, int s, int capacity, const cpu_set_t *cpus, char *why,
	       size_t size)
{
	memset(p, 0, sizeof *p);
	p->server = s;
	p->pid = -1;
	int err = http_env_init(why, size);
	if (err)
		return err;
	return http_servers[s].mpm ? start_apache(p, s, capacity, cpus, why, size)
				   : start_suite(p, s, capacity, cpus, why, size);
}

/* A fresh cgroup, of the same name, for the next server. The emptied one still holds
 * kernel memory its last server left charged to it, so a server started in it read that
 * in its baseline (the reference: 7-11 MiB of kernel memory in idle servers whose own is
 * under 100 KiB, and connections that then seemed to free kernel memory). Removed, what
 * it holds moves to its parent. Where it cannot be renewed, the old one stays. */
static void renew_cgroup(void)
{
	struct cgmem old = env.cg;
	const char *name = strrchr(old.dir, '/');
	char why[400];
	if (!name || cgmem_remove(&env.cg) != 0) {
		env.cg = old;
		return;
	}
	if (cgmem_make_in(&env.cg, old.version, old.home, name + 1, why, sizeof why) != 0) {
		env.contained = false;
		snprintf(env.no_cgroup, sizeof env.no_cgroup, "no memory cgroup: %s", why);
	}
}

void http_stop(struct http_peer *p)
{
	if (p->pid <= 0)
		return;
	struct pstat *s;
	int n = http_tree_list(p->pid, &s);
	/* Apache stops its children on SIGTERM; the suite's die with their parent. */
	kill(p->pid, SIGTERM);
	if (!reaped(p->pid, 3000)) {
		kill(p->pid, SIGKILL);
		reaped(p->pid, 10000);
	}
	for (int i = 1; i < n; i++)
		kill(s[i].pid, SIGKILL);
	if (n >= 0)
		free(s);
	/* And whatever the tree walk missed (a child that was being forked), by the cgroup:
	 * wait until it is empty, so the next server is measured alone. */
	if (env.contained) {
		char path[600], buf[64];
		snprintf(path, sizeof path, "%s/cgroup.procs", env.cg.dir);
		for (int t = 0; t < 500; t++) {
			if (read_text(path, buf, sizeof buf) != 0 || !buf[0])
				break;
			for (char *q = buf; *q;) {
				long pid = strtol(q, &q, 10);
				if (pid > 0)
					kill((pid_t)pid, SIGKILL);
				while (*q == '\n')
					q++;
			}
			sleep_ms(10);
		}
		renew_cgroup();
	}
	p->pid = -1;
}
