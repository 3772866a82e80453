/* mem.h - memory a parent holds while it creates workers, and the readers that say
 * what the kernel made of it.
 *
 * The layouts are the shapes fork is known to be sensitive to ("A fork() in the road",
 * HotOS 2019): private memory in 4 KiB pages (fork copies one page-table entry per
 * page), the same in transparent huge pages (one entry per 2 MiB), the same amount
 * split over thousands of mappings (fork walks every VMA), and shared memory (fork
 * copies no page tables for it: the child faults them in on use).
 */
#ifndef TVP_MEM_H
#define TVP_MEM_H

#include <stddef.h>
#include <sys/types.h>

enum mem_layout {
	MEM_PRIVATE,       /* one private mapping, huge pages refused (MADV_NOHUGEPAGE) */
	MEM_PRIVATE_THP,   /* one private mapping, huge pages asked for (MADV_HUGEPAGE) */
	MEM_MANY_MAPS,     /* private, split into mappings of MEM_SMALL_MAP bytes */
	MEM_SHARED,        /* one MAP_SHARED|MAP_ANONYMOUS mapping */
	MEM_NLAYOUTS
};

/* Each layout's name in benchmark names (layout:thp) and a line that says what it is. */
struct mem_layout_info {
	const char *name;
	const char *desc;
};
extern const struct mem_layout_info mem_layouts[MEM_NLAYOUTS];

#define MEM_SMALL_MAP (64 * 1024)

struct mem_region {
	char *base;
	size_t size;       /* bytes usable and touched */
	size_t span;       /* bytes of address space reserved, holes included */
	enum mem_layout layout;
	size_t nmaps;
};

/* Maps size bytes in the layout and writes every page of it, so every page is present
 * and private pages are dirty. Returns 0 or an errno value; EOPNOTSUPP when the layout
 * needs transparent huge pages and the kernel has them set to never, ENOSPC when the
 * mapping count would pass vm.max_map_count. On failure nothing stays mapped. */
int mem_region_make(struct mem_region *r, size_t size, enum mem_layout layout);
void mem_region_free(struct mem_region *r);

/* The active word of /sys/kernel/mm/transparent_hugepage/enabled ("always", "madvise",
 * "never"), or "unavailable". */
const char *mem_thp_mode(char *buf, size_t size);

/* Reads the "Name:  123 kB" lines of a /proc file into out[i] for each fields[i], in
 * KiB; a field the file lacks is -1. Returns 0, or an errno value when the file cannot
 * be read (ENOENT: a kernel or process without it). */
int mem_read_fields(const char *path, const char *const *fields, long *out, size_t n);

/* The parts of /proc/PID/smaps_rollup tvp uses, in KiB. */
struct mem_rollup {
	long rss, pss, private_clean, private_dirty, anon_huge;
};

/* Reads path (a smaps_rollup file). Returns 0 or an errno value: ENOENT when there is
 * no such file (a kernel before 4.14), EPROTO when a field is missing. */
int mem_rollup_from(const char *path, struct mem_rollup *r);
/* The same for a process; pid 0 is the caller. */
int mem_rollup(pid_t pid, struct mem_rollup *r);

/* The kernel's own memory of /proc/meminfo, in KiB: system-wide, so a caller that
 * wants one process's share takes several samples around it. */
struct mem_kernel {
	long kernel_stack, page_tables, slab_unreclaimable;
};
/* Returns 0 or an errno value, as mem_rollup_from. */
int mem_kernel_from(const char *path, struct mem_kernel *k);
int mem_kernel(struct mem_kernel *k);

/* A field of /proc/self/smaps_rollup in KiB ("AnonHugePages", "Rss"), or -1. */
long mem_self_rollup_kib(const char *field);

/* VmSize of /proc/PID/status (pid 0: the caller) in KiB, or -1. */
long mem_vm_size_kib(pid_t pid);

/* MemAvailable of /proc/meminfo in KiB, or -1. */
long mem_available_kib(void);

#endif
