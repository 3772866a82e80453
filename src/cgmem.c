/* cgmem.c - a memory cgroup for a server, v1 or v2 (cgmem.h). */
#include "cgmem.h"
#include "cglimits.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool has_word(const char *list, const char *word, const char *seps)
{
	size_t len = strlen(word);
	for (const char *p = list; *p;) {
		p += strspn(p, seps);
		size_t n = strcspn(p, seps);
		if (n == len && strncmp(p, word, len) == 0)
			return true;
		p += n;
	}
	return false;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[700];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return ENAMETOOLONG;
	/* O_TRUNC: a cgroup file ignores it (as the shell's > does), a test's plain file
	 * must not keep the tail of a longer value. */
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return errno;
	size_t n = strlen(text);
	int err = write(fd, text, n) == (ssize_t)n ? 0 : errno ? errno : EIO;
	close(fd);
	return err;
}

static bool exists(const char *dir, const char *name)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

int cgmem_make_in(struct cgmem *cg, int version, const char *home, const char *name,
		  char *why, size_t size)
{
	memset(cg, 0, sizeof *cg);
	cg->version = version;
	snprintf(cg->home, sizeof cg->home, "%s", home);
	if ((size_t)snprintf(cg->dir, sizeof cg->dir, "%s/%s", home, name) >= sizeof cg->dir) {
		snprintf(why, size, "cgroup path too long: %s/%s", home, name);
		return ENAMETOOLONG;
	}
	if (version == 2) {
		/* A child gets the memory controller only if its parent hands it down. */
		char path[700], list[512] = "";
		snprintf(path, sizeof path, "%s/cgroup.subtree_control", home);
		read_text(path, list, sizeof list);
		if (!has_word(list, "memory", " \n")) {
			int err = write_file(home, "cgroup.subtree_control", "+memory");
			if (err) {
				snprintf(why, size, "cgroup v2: the memory controller is not enabled below "
					 "%s and cannot be (%s: %s%s)", home, "cgroup.subtree_control",
					 strerror(err), err == EBUSY ? "; a cgroup that holds processes "
					 "cannot hand controllers down" : "");
				return err;
			}
		}
	}
	if (mkdir(cg->dir, 0755) != 0) {
		int err = errno;
		snprintf(why, size, "mkdir %s: %s", cg->dir, strerror(err));
		return err;
	}
	return 0;
}

int cgmem_make(struct cgmem *cg, const char *name, char *why, size_t size)
{
	char home[512];
	int version;
	int err = limits_memory_home("/proc/self/cgroup", "/proc/self/mountinfo", "", &version,
				     home, sizeof home);
	if (err) {
		snprintf(why, size, "%s", err == EOPNOTSUPP ? "no memory cgroup mounted (v1 or v2)"
							    : strerror(err));
		return err;
	}
	return cgmem_make_in(cg, version, home, name, why, size);
}

int cgmem_enter(const struct cgmem *cg, pid_t pid)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%d\n", (int)pid);
	return write_file(cg->dir, "cgroup.procs", buf);
}

int cgmem_limit(const struct cgmem *cg, long long bytes)
{
	char v[32];
	if (cg->version == 2) {
		if (bytes < 0)
			snprintf(v, sizeof v, "max");
		else
			snprintf(v, sizeof v, "%lld", bytes);
		int err = write_file(cg->dir, "memory.max", v);
		/* No swap beyond the limit (a kernel without swap accounting has no file). */
		if (!err && exists(cg->dir, "memory.swap.max"))
			err = write_file(cg->dir, "memory.swap.max", bytes < 0 ? "max" : "0");
		return err;
	}
	bool memsw = exists(cg->dir, "memory.memsw.limit_in_bytes");
	snprintf(v, sizeof v, "%lld", bytes < 0 ? -1 : bytes);
	/* memsw may never be below the memory limit: lower memory first, raise it last. */
	if (bytes < 0) {
		int err = memsw ? write_file(cg->dir, "memory.memsw.limit_in_bytes", v) : 0;
		return err ? err : write_file(cg->dir, "memory.limit_in_bytes", v);
	}
	int err = write_file(cg->dir, "memory.limit_in_bytes", v);
	return err ? err : memsw ? write_file(cg->dir, "memory.memsw.limit_in_bytes", v) : 0;
}

/* "key N" lines of a file: each wanted key's value summed; -1 if none is there. */
static long long sum_keys(const char *dir, const char *file, const char *const *keys,
			  size_t n)
{
	char path[700], line[256];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	long long sum = -1;
	while (fgets(line, sizeof line, f)) {
		for (size_t i = 0; i < n; i++) {
			size_t len = strlen(keys[i]);
			if (strncmp(line, keys[i], len) == 0 && line[len] == ' ')
				sum = (sum < 0 ? 0 : sum) + strtoll(line + len + 1, NULL, 10);
		}
	}
	fclose(f);
	return sum;
}

long cgmem_kernel_kib(const struct cgmem *cg)
{
	if (cg->version == 1) {
		char path[700], buf[64];
		snprintf(path, sizeof path, "%s/memory.kmem.usage_in_bytes", cg->dir);
		if (read_text(path, buf, sizeof buf) != 0)
			return -1;
		return (long)(strtoll(buf, NULL, 10) / 1024);
	}
	static const char *const kernel[] = {"kernel"};
	long long b = sum_keys(cg->dir, "memory.stat", kernel, 1);
	if (b < 0) {
		/* Before 5.18 memory.stat has no total: its parts, as v1's kmem counts them. */
		static const char *const parts[] = {"kernel_stack", "pagetables", "percpu", "slab"};
		b = sum_keys(cg->dir, "memory.stat", parts, ARRAY_SIZE(parts));
	}
	return b < 0 ? -1 : (long)(b / 1024);
}

long cgmem_oom_kills(const struct cgmem *cg)
{
	static const char *const key[] = {"oom_kill"};
	return (long)sum_keys(cg->dir, cg->version == 1 ? "memory.oom_control" : "memory.events",
			      key, 1);
}

int cgmem_remove(struct cgmem *cg)
{
	if (!cg->dir[0])
		return 0;
	for (int i = 0; i < 100; i++) {
		if (rmdir(cg->dir) == 0 || errno == ENOENT) {
			cg->dir[0] = '\0';
			return 0;
		}
		if (errno != EBUSY)
			return errno;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return EBUSY;
}
