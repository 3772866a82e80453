/* cglimits.c - the cgroups' memory and pids limits (see cglimits.h). */
#include "cglimits.h"
#include "mem.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* v1 writes "no limit" as the page counter's maximum in bytes (9223372036854771712 on
 * x86-64): anything this large is none. */
#define NO_LIMIT (1LL << 62)

static bool has_word(const char *list, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, word, len) == 0 &&
		    (p[len] == ',' || p[len] == '\0' || p[len] == '\n'))
			return true;
	return false;
}

/* A file's first number: -1 for "max" (v2's no limit), a v1 "unlimited" or nothing. */
static long long read_number(const char *dir, const char *file)
{
	char path[640], buf[64];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return -1;
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	bool ok = fgets(buf, sizeof buf, f) != NULL;
	fclose(f);
	if (!ok || strncmp(buf, "max", 3) == 0)
		return -1;
	char *end;
	errno = 0;
	long long v = strtoll(buf, &end, 10);
	if (errno || end == buf || v < 0 || v >= NO_LIMIT)
		return -1;
	return v;
}

/* The value of "key N" in a file of such lines, or -1. */
static long long read_key(const char *dir, const char *file, const char *key)
{
	char path[640], line[256];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return -1;
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	long long v = -1;
	size_t len = strlen(key);
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, len) == 0 && line[len] == ' ') {
			v = strtoll(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Where a controller lives: the mount point (under prefix) and the mount's root. */
struct mount {
	int version;
	char point[512], root[512];
};

static void find_mounts(FILE *f, const char *prefix, struct mount *mem, struct mount *pids,
			struct mount *v2)
{
	char line[1024];
	while (fgets(line, sizeof line, f)) {
		/* id parent dev root mountpoint opts [optional...] - fstype source superopts */
		char *dash = strstr(line, " - ");
		char r[512], m[512], type[64], src[256], opts[512] = "";
		if (!dash || sscanf(line, "%*s %*s %*s %511s %511s", r, m) != 2 ||
		    sscanf(dash + 3, "%63s %255s %511s", type, src, opts) < 2)
			continue;
		struct mount *to[2] = {NULL, NULL};
		int v = 0;
		if (strcmp(type, "cgroup") == 0) {
			v = 1;
			to[0] = has_word(opts, "memory") ? mem : NULL;
			to[1] = has_word(opts, "pids") ? pids : NULL;
		} else if (strcmp(type, "cgroup2") == 0) {
			v = 2;
			to[0] = v2;
		}
		for (int i = 0; i < 2; i++)
			if (to[i] && !to[i]->version) {
				to[i]->version = v;
				snprintf(to[i]->point, sizeof to[i]->point, "%s%s", prefix, m);
				snprintf(to[i]->root, sizeof to[i]->root, "%s", r);
			}
	}
}

/* The mounts of mountinfo_file, their points under prefix. Returns 0 or an errno value
 * of opening it. */
static int read_mounts(const char *mountinfo_file, const char *prefix, struct mount *mem,
		       struct mount *pids, struct mount *v2)
{
	FILE *f = fopen(mountinfo_file, "re");
	if (!f)
		return errno;
	find_mounts(f, prefix, mem, pids, v2);
	fclose(f);
	return 0;
}

/* The caller's cgroup path of a v1 controller, or of v2 (controller NULL). */
static bool find_path(FILE *f, const char *controller, char *out, size_t size)
{
	char line[1024];
	rewind(f);
	while (fgets(line, sizeof line, f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		bool match = controller ? has_word(c1 + 1, controller) : c1[1] == '\0';
		if (match) {
			snprintf(out, size, "%.*s", (int)strcspn(c2 + 1, "\n"), c2 + 1);
			return true;
		}
	}
	return false;
}

/* Where a controller is for the caller: on v1 when a v1 hierarchy has it, else on v2
 * (v2 shows a controller's files only where it is enabled; a hybrid machine mounts v2
 * too, without the controllers v1 holds). The mount, with the caller's cgroup path on it
 * in path, or NULL. */
static const struct mount *controller_at(FILE *cgroup, const struct mount *v1,
					 const char *controller, const struct mount *v2,
					 char *path, size_t size)
{
	if (v1->version && find_path(cgroup, controller, path, size))
		return v1;
	if (v2->version && find_path(cgroup, NULL, path, size))
		return v2;
	return NULL;
}

/* The directory of cgroup path on mount mt. Returns 0 or ENAMETOOLONG. */
static int cgroup_dir(const struct mount *mt, const char *path, char *dir, size_t size)
{
	const char *rel = path;
	size_t rlen = strlen(mt->root);
	/* A mount of a sub-tree (a container's view) shows paths relative to its root. */
	if (strcmp(mt->root, "/") != 0 && strncmp(path, mt->root, rlen) == 0)
		rel = path + rlen;
	if ((size_t)snprintf(dir, size, "%s%s", mt->point, strcmp(rel, "/") == 0 ? "" : rel) >=
	    size)
		return ENAMETOOLONG;
	return 0;
}

/* The lowest limit from the caller's cgroup on mt (at path) up to the mount point: file
 * holds the limit, usage the use. Leaves version 0 when the caller's cgroup directory
 * is not there. */
static void walk_up(const struct mount *mt, const char *path, const char *file,
		    const char *usage, struct cg_limit *out)
{
	char dir[512];
	if (cgroup_dir(mt, path, dir, sizeof dir) != 0)
		return;
	snprintf(out->dir, sizeof out->dir, "%s", dir);
	out->max = -1;
	out->current = read_number(dir, usage);
	size_t base = strlen(mt->point);
	bool seen = out->current >= 0;
	for (;;) {
		long long v = read_number(dir, file);
		if (v >= 0 && (out->max < 0 || v < out->max)) {
			out->max = v;
			out->current = read_number(dir, usage);
			snprintf(out->dir, sizeof out->dir, "%s", dir);
		}
		char *slash = strrchr(dir, '/');
		if (strlen(dir) <= base || !slash || (size_t)(slash - dir) < base)
			break;
		*slash = '\0';
		seen |= read_number(dir, usage) >= 0;
	}
	/* A hierarchy's root has no usage file in v1 (pids): the mount is enough. */
	if (seen || out->max >= 0 || access(out->dir, F_OK) == 0)
		out->version = mt->version;
}

int limits_read_from(const char *cgroup_file, const char *mountinfo_file, const char *prefix,
		     struct cg_limits *l)
{
	struct mount mem = {0}, pids = {0}, v2 = {0};
	*l = (struct cg_limits){.memory = {.max = -1, .current = -1},
				.pids = {.max = -1, .current = -1}};
	int err = read_mounts(mountinfo_file, prefix, &mem, &pids, &v2);
	if (err)
		return err;
	FILE *f = fopen(cgroup_file, "re");
	if (!f)
		return errno;
	char path[512];
	const struct mount *mt = controller_at(f, &mem, "memory", &v2, path, sizeof path);
	if (mt)
		walk_up(mt, path, mt == &v2 ? "memory.max" : "memory.limit_in_bytes",
			mt == &v2 ? "memory.current" : "memory.usage_in_bytes", &l->memory);
	if ((mt = controller_at(f, &pids, "pids", &v2, path, sizeof path)))
		walk_up(mt, path, "pids.max", "pids.current", &l->pids);
	fclose(f);
	return 0;
}

int limits_memory_home(const char *cgroup_file, const char *mountinfo_file, const char *prefix,
		       int *version, char *dir, size_t size)
{
	struct mount mem = {0}, pids = {0}, v2 = {0};
	int err = read_mounts(mountinfo_file, prefix, &mem, &pids, &v2);
	if (err)
		return err;
	if (!mem.version && !v2.version)
		return EOPNOTSUPP;
	FILE *f = fopen(cgroup_file, "re");
	if (!f)
		return errno;
	char path[512];
	const struct mount *mt = controller_at(f, &mem, "memory", &v2, path, sizeof path);
	fclose(f);
	if (!mt)
		return EOPNOTSUPP;
	if ((err = cgroup_dir(mt, path, dir, size)))
		return err;
	*version = mt->version;
	return 0;
}

int limits_read(struct cg_limits *l)
{
	return limits_read_from("/proc/self/cgroup", "/proc/self/mountinfo", "", l);
}

long limits_available_kib(char *why, size_t size)
{
	struct cg_limits l;
	long avail = mem_available_kib();
	snprintf(why, size, "MemAvailable");
	if (limits_read(&l) != 0 || l.memory.max < 0)
		return avail;
	long long left = l.memory.max - (l.memory.current > 0 ? l.memory.current : 0);
	long left_kib = left > 0 ? (long)(left / 1024) : 0;
	if (avail < 0 || left_kib < avail) {
		snprintf(why, size, "the memory cgroup's limit of %lld MiB (%lld MiB in use)",
			 l.memory.max >> 20, (l.memory.current > 0 ? l.memory.current : 0) >> 20);
		return left_kib;
	}
	return avail;
}

long long limits_oom_kills(const char *dir, int version)
{
	if (version == 1)
		return read_key(dir, "memory.oom_control", "oom_kill");
	if (version == 2)
		return read_key(dir, "memory.events", "oom_kill");
	return -1;
}

const char *limits_pids_note(char *buf, size_t size)
{
	struct cg_limits l;
	buf[0] = '\0';
	if (limits_read(&l) == 0 && l.pids.max >= 0)
		snprintf(buf, size, " (pids.max %lld of cgroup %s, %lld in use)", l.pids.max,
			 l.pids.dir, l.pids.current);
	return buf;
}
