/* mem.c - parent memory layouts and /proc readers. */
#include "mem.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HUGE_PAGE (2UL * 1024 * 1024)

const struct mem_layout_info mem_layouts[MEM_NLAYOUTS] = {
	[MEM_PRIVATE] = {"private", "private memory in 4 KiB pages"},
	[MEM_PRIVATE_THP] = {"thp", "private memory in transparent huge pages"},
	[MEM_MANY_MAPS] = {"maps", "private memory as many 64 KiB mappings"},
	[MEM_SHARED] = {"shared", "MAP_SHARED anonymous memory"},
};

static size_t page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }

static void touch(char *base, size_t size)
{
	size_t step = page_size();
	for (size_t off = 0; off < size; off += step)
		((volatile char *)base)[off] = 1;
}

static long max_map_count(void)
{
	char buf[32];
	if (read_text("/proc/sys/vm/max_map_count", buf, sizeof buf) != 0)
		return 65530; /* the kernel's default */
	return strtol(buf, NULL, 10);
}

const char *mem_thp_mode(char *buf, size_t size)
{
	char line[128];
	snprintf(buf, size, "unavailable");
	if (read_text("/sys/kernel/mm/transparent_hugepage/enabled", line, sizeof line) != 0)
		return buf;
	char *open = strchr(line, '['), *close = open ? strchr(open, ']') : NULL;
	if (open && close)
		snprintf(buf, size, "%.*s", (int)(close - open - 1), open + 1);
	return buf;
}

/* One private mapping aligned to a huge page, so MADV_HUGEPAGE can use whole ones. */
static int make_private(struct mem_region *r, size_t size, int advice)
{
	size_t span = size + HUGE_PAGE;
	char *raw = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return errno;
	char *base = (char *)(((uintptr_t)raw + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
	if (base > raw)
		munmap(raw, (size_t)(base - raw));
	size_t tail = (size_t)(raw + span - (base + size));
	if (tail)
		munmap(base + size, tail);
	r->base = base;
	r->span = size;
	r->nmaps = 1;
	if (size && madvise(base, size, advice) != 0) {
		int err = errno;
		munmap(base, size);
		return err;
	}
	return 0;
}

/* Pieces of MEM_SMALL_MAP bytes with a one-page hole after each, so the kernel cannot
 * merge them into one VMA. */
static int make_many(struct mem_region *r, size_t size)
{
	size_t pg = page_size(), n = (size + MEM_SMALL_MAP - 1) / MEM_SMALL_MAP;
	if ((long)n + 64 > max_map_count())
		return ENOSPC;
	size_t stride = MEM_SMALL_MAP + pg, span = n * stride;
	char *base = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return errno;
	for (size_t i = 0; i < n; i++)
		munmap(base + i * stride + MEM_SMALL_MAP, pg);
	madvise(base, span, MADV_NOHUGEPAGE);
	r->base = base;
	r->span = span;
	r->nmaps = n;
	for (size_t i = 0; i < n; i++)
		touch(base + i * stride, MEM_SMALL_MAP);
	return 0;
}

int mem_region_make(struct mem_region *r, size_t size, enum mem_layout layout)
{
	memset(r, 0, sizeof *r);
	r->layout = layout;
	r->size = size;
	if (size == 0)
		return 0;

	int err = 0;
	char thp[32];
	switch (layout) {
	case MEM_PRIVATE:
		err = make_private(r, size, MADV_NOHUGEPAGE);
		break;
	case MEM_PRIVATE_THP:
		if (strcmp(mem_thp_mode(thp, sizeof thp), "always") != 0 &&
		    strcmp(thp, "madvise") != 0)
			return EOPNOTSUPP;
		err = make_private(r, size, MADV_HUGEPAGE);
		break;
	case MEM_MANY_MAPS:
		return make_many(r, size);
	case MEM_SHARED:
		r->base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (r->base == MAP_FAILED) {
			r->base = NULL;
			return errno;
		}
		r->span = size;
		r->nmaps = 1;
		break;
	case MEM_NLAYOUTS:
		return EINVAL;
	}
	if (err) {
		memset(r, 0, sizeof *r);
		return err;
	}
	touch(r->base, size);
	return 0;
}

void mem_region_free(struct mem_region *r)
{
	if (r->base)
		munmap(r->base, r->span);
	memset(r, 0, sizeof *r);
}

int mem_read_fields(const char *path, const char *const *fields, long *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = -1;
	FILE *f = fopen(path, "re");
	if (!f)
		return errno;
	char line[256];
	while (fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		for (size_t i = 0; i < n; i++) {
			size_t len = strlen(fields[i]);
			if ((size_t)(colon - line) == len && strncmp(line, fields[i], len) == 0)
				out[i] = strtol(colon + 1, NULL, 10);
		}
	}
	fclose(f);
	return 0;
}

int mem_rollup_from(const char *path, struct mem_rollup *r)
{
	static const char *const fields[] = {"Rss", "Pss", "Private_Clean", "Private_Dirty",
					     "AnonHugePages"};
	long v[5];
	int rc = mem_read_fields(path, fields, v, 5);
	if (rc)
		return rc;
	for (size_t i = 0; i < 5; i++)
		if (v[i] < 0)
			return EPROTO;
	*r = (struct mem_rollup){v[0], v[1], v[2], v[3], v[4]};
	return 0;
}

int mem_rollup(pid_t pid, struct mem_rollup *r)
{
	char path[64];
	if (pid)
		snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/self/smaps_rollup");
	return mem_rollup_from(path, r);
}

int mem_kernel_from(const char *path, struct mem_kernel *k)
{
	static const char *const fields[] = {"KernelStack", "PageTables", "SUnreclaim"};
	long v[3];
	int rc = mem_read_fields(path, fields, v, 3);
	if (rc)
		return rc;
	for (size_t i = 0; i < 3; i++)
		if (v[i] < 0)
			return EPROTO;
	*k = (struct mem_kernel){v[0], v[1], v[2]};
	return 0;
}

int mem_kernel(struct mem_kernel *k) { return mem_kernel_from("/proc/meminfo", k); }

static long one_field(const char *path, const char *field)
{
	long v;
	return mem_read_fields(path, &field, &v, 1) == 0 ? v : -1;
}

long mem_self_rollup_kib(const char *field)
{
	return one_field("/proc/self/smaps_rollup", field);
}

long mem_vm_size_kib(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", pid ? (int)pid : (int)getpid());
	return one_field(path, "VmSize");
}

long mem_available_kib(void) { return one_field("/proc/meminfo", "MemAvailable"); }

long mem_status_kib(pid_t pid, const char *field)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/status", pid ? (int)pid : (int)getpid());
	return one_field(path, field);
}

long mem_maps_count(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/maps", pid ? (int)pid : (int)getpid());
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	long n = 0;
	int c;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* --- the memory cgroup ------------------------------------------------------------ */

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
