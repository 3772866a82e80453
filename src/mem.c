/* mem.c - parent memory layouts and /proc readers (the memory cgroup is
 * mem_cgroup.c's). */
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
