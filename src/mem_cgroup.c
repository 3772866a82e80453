/* mem_cgroup.c - the memory cgroup footprint charges workers to (mem.h): made under the
 * caller's own in the v1 hierarchy, entered, read, removed, and swept after a run that
 * was killed. */
#include "mem.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static size_t page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }

/* Whether the comma-separated list has the word. */
static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, word, len) == 0 && (p[len] == ',' || p[len] == '\0' ||
						   p[len] == '\n'))
			return true;
	return false;
}

/* The v1 memory hierarchy's mount point and the caller's cgroup in it, joined. */
static int v1_memory_home(char *out, size_t size)
{
	char line[1024], mnt[512] = "", root[512] = "", path[512] = "";
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return errno;
	while (!mnt[0] && fgets(line, sizeof line, f)) {
		/* id parent dev root mountpoint opts [optional...] - fstype source superopts */
		char *dash = strstr(line, " - ");
		char r[512], m[512], type[64], src[256], opts[512];
		if (!dash || sscanf(line, "%*s %*s %*s %511s %511s", r, m) != 2 ||
		    sscanf(dash + 3, "%63s %255s %511s", type, src, opts) != 3)
			continue;
		if (strcmp(type, "cgroup") == 0 && has_word(opts, "memory")) {
			snprintf(mnt, sizeof mnt, "%s", m);
			snprintf(root, sizeof root, "%s", r);
		}
	}
	fclose(f);
	if (!mnt[0])
		return EOPNOTSUPP;
	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return errno;
	while (!path[0] && fgets(line, sizeof line, f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		if (has_word(c1 + 1, "memory"))
			snprintf(path, sizeof path, "%.*s", (int)strcspn(c2 + 1, "\n"), c2 + 1);
	}
	fclose(f);
	if (!path[0])
		return EOPNOTSUPP;
	/* A mount of a sub-tree (a container's view) shows paths relative to its root. */
	const char *rel = path;
	size_t rlen = strlen(root);
	if (strcmp(root, "/") != 0 && strncmp(path, root, rlen) == 0)
		rel = path + rlen;
	if ((size_t)snprintf(out, size, "%s%s", mnt, strcmp(rel, "/") == 0 ? "" : rel) >= size)
		return ENAMETOOLONG;
	return 0;
}

/* The cgroups made and not yet removed, for the interrupt handler. */
#define CG_TRACKED 4
static struct mem_cgroup cg_tracked[CG_TRACKED];

static void cg_track(const struct mem_cgroup *cg, bool on)
{
	for (int i = 0; i < CG_TRACKED; i++) {
		if (on && !cg_tracked[i].dir[0]) {
			cg_tracked[i] = *cg;
			return;
		}
		if (!on && strcmp(cg_tracked[i].dir, cg->dir) == 0) {
			cg_tracked[i].dir[0] = '\0';
			return;
		}
	}
}

/* rmdir, retried while a process that is exiting still holds the cgroup. Only
 * async-signal-safe calls. */
static int cg_rmdir(const char *dir)
{
	for (int i = 0; i < 100; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return errno;
		struct timespec ts = {.tv_nsec = 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return EBUSY;
}

static long file_long(const char *dir, const char *name)
{
	char path[600], buf[64];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (read_text(path, buf, sizeof buf) != 0)
		return -1;
	return strtol(buf, NULL, 10);
}

int mem_cgroup_make(struct mem_cgroup *cg)
{
	static unsigned seq;
	memset(cg, 0, sizeof *cg);
	int err = v1_memory_home(cg->home, sizeof cg->home);
	if (err)
		return err;
	if ((size_t)snprintf(cg->dir, sizeof cg->dir, "%s/tvp-%d-%u", cg->home, (int)getpid(),
			     seq++) >= sizeof cg->dir)
		return ENAMETOOLONG;
	if (mkdir(cg->dir, 0755) != 0)
		return errno;
	cg_track(cg, true);
	if (mem_cgroup_kernel_kib(cg) < 0) { /* a kernel built without kmem accounting */
		mem_cgroup_remove(cg);
		return EOPNOTSUPP;
	}
	return 0;
}

int mem_cgroup_sweep(void)
{
	char home[512], path[800];
	if (v1_memory_home(home, sizeof home) != 0)
		return 0;
	DIR *d = opendir(home);
	if (!d)
		return 0;
	int removed = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		int pid;
		unsigned n;
		char end;
		if (sscanf(e->d_name, "tvp-%d-%u%c", &pid, &n, &end) != 2 || pid <= 0)
			continue;
		/* Only a run that is over: its process is gone (kill -9 skips every handler). */
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof path, "%s/%s", home, e->d_name);
		if (rmdir(path) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

static int write_pid(const char *dir, pid_t pid)
{
	char path[600], buf[24];
	size_t dl = strlen(dir);
	if (dl + sizeof "/cgroup.procs" > sizeof path)
		return ENAMETOOLONG;
	memcpy(path, dir, dl);
	memcpy(path + dl, "/cgroup.procs", sizeof "/cgroup.procs");
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	/* By hand, not snprintf: the interrupt handler comes through here. */
	int len = 0;
	char digits[16];
	unsigned v = (unsigned)pid;
	do
		digits[len++] = (char)('0' + v % 10);
	while ((v /= 10) && len < (int)sizeof digits);
	for (int i = 0; i < len; i++)
		buf[i] = digits[len - 1 - i];
	buf[len++] = '\n';
	int err = write(fd, buf, (size_t)len) == len ? 0 : errno;
	close(fd);
	return err;
}

int mem_cgroup_enter(const struct mem_cgroup *cg, pid_t pid)
{
	return write_pid(cg->dir, pid ? pid : getpid());
}

int mem_cgroup_leave(const struct mem_cgroup *cg, pid_t pid)
{
	return write_pid(cg->home, pid ? pid : getpid());
}

long mem_cgroup_kernel_kib(const struct mem_cgroup *cg)
{
	long bytes = file_long(cg->dir, "memory.kmem.usage_in_bytes");
	return bytes < 0 ? -1 : bytes / 1024;
}

int mem_cgroup_remove(struct mem_cgroup *cg)
{
	if (!cg->dir[0])
		return 0;
	int err = cg_rmdir(cg->dir);
	if (!err) {
		cg_track(cg, false);
		cg->dir[0] = '\0';
	}
	return err;
}

/* SIGKILLs every process the cgroup lists but the caller. Only async-signal-safe
 * calls: open, read, kill. */
static void cg_kill_members(const char *dir)
{
	char path[600], buf[4096];
	size_t dl = strlen(dir);
	if (dl + sizeof "/cgroup.procs" > sizeof path)
		return;
	memcpy(path, dir, dl);
	memcpy(path + dl, "/cgroup.procs", sizeof "/cgroup.procs");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	long pid = 0;
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] >= '0' && buf[i] <= '9') {
				pid = pid * 10 + (buf[i] - '0');
			} else {
				if (pid > 0 && pid != (long)getpid())
					kill((pid_t)pid, SIGKILL);
				pid = 0;
			}
		}
	}
	close(fd);
}

void mem_cgroup_remove_all(void)
{
	for (int i = 0; i < CG_TRACKED; i++) {
		struct mem_cgroup *cg = &cg_tracked[i];
		if (!cg->dir[0])
			continue;
		/* The caller may be in it itself (a parent measured in place). */
		mem_cgroup_leave(cg, getpid());
		/* What is still in it is ours, and some of it may be unknown to the table of
		 * live workers: a child whose fork the interrupt cut short of being recorded,
		 * or the minimal parent's workers. */
		for (int tries = 0; tries < 10 && cg->dir[0]; tries++) {
			cg_kill_members(cg->dir);
			if (cg_rmdir(cg->dir) == 0)
				cg->dir[0] = '\0';
		}
	}
}

long mem_cgroup_resolution_kib(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	return (cpus > 0 ? cpus : 1) * (long)(page_size() / 1024);
}
