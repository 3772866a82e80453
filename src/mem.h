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

enum mem_layout {
	MEM_PRIVATE,       /* one private mapping, huge pages refused (MADV_NOHUGEPAGE) */
	MEM_PRIVATE_THP,   /* one private mapping, huge pages asked for (MADV_HUGEPAGE) */
	MEM_MANY_MAPS,     /* private, split into mappings of MEM_SMALL_MAP bytes */
	MEM_SHARED,        /* one MAP_SHARED|MAP_ANONYMOUS mapping */
};

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

/* A field of /proc/self/smaps_rollup in KiB ("AnonHugePages", "Rss"), or -1. */
long mem_self_rollup_kib(const char *field);

/* MemAvailable of /proc/meminfo in KiB, or -1. */
long mem_available_kib(void);

#endif
