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

/* A field of /proc/PID/status in KiB ("VmRSS", "VmPTE"; pid 0: the caller), or -1. */
long mem_status_kib(pid_t pid, const char *field);

/* How many mappings the process has (lines of /proc/PID/maps; pid 0: the caller), or -1:
 * what fork walks, and what a fat parent carries. */
long mem_maps_count(pid_t pid);

/* --- a memory cgroup of its own ---------------------------------------------------
 * The kernel charges a process's kernel memory (its kernel stack, page tables, and the
 * slab objects marked for accounting: task_struct, mm_struct, VMAs, files...) to the
 * memory cgroup of the task that allocates it; fork, clone and pthread_create allocate
 * in the creator. So a parent moved into a cgroup of its own has every worker it
 * creates afterwards charged there, and the cgroup's counter says what they cost
 * exactly, where /proc/meminfo is system-wide and lags by per-CPU batches.
 *
 * cgroup v1 (memory.kmem.usage_in_bytes, the total; v1's memory.stat has no breakdown)
 * is what this needs; a machine whose memory controller is on cgroup v2 only is refused
 * with EOPNOTSUPP, and the caller falls back to another source. The cgroup is made
 * under the caller's own memory cgroup, named tvp-PID-N; it is removed by
 * mem_cgroup_remove, and by mem_cgroup_remove_all on SIGINT or SIGTERM (cleanup.h). */
struct mem_cgroup {
	char dir[512];       /* the cgroup made */
	char home[512];      /* the cgroup the caller was in, where processes go back */
};

/* Makes the cgroup. Returns 0 or an errno value: EOPNOTSUPP with no v1 memory
 * controller (or one without kmem accounting), EACCES/EPERM without the right to make
 * one (not root). */
int mem_cgroup_make(struct mem_cgroup *cg);
/* Moves process pid (every thread of it) into the cgroup, or back home. Memory already
 * charged stays where it was: only what is allocated afterwards is charged here. */
int mem_cgroup_enter(const struct mem_cgroup *cg, pid_t pid);
int mem_cgroup_leave(const struct mem_cgroup *cg, pid_t pid);
/* The kernel memory charged to the cgroup now, in KiB, or -1. */
long mem_cgroup_kernel_kib(const struct mem_cgroup *cg);
/* Removes the cgroup; its processes must have left or ended. A process that is
 * exiting may hold it for a moment: retried for up to a second. Returns 0 or errno. */
int mem_cgroup_remove(struct mem_cgroup *cg);
/* Removes every cgroup this process made and has not removed: async-signal-safe, for
 * the interrupt handler, after the workers are killed. The caller leaves each first,
 * and every process still in one is killed (only this run's processes are). */
void mem_cgroup_remove_all(void);
/* Removes the cgroups a run killed with SIGKILL left (tvp-PID-N whose PID is gone):
 * what no handler of that run could. Returns how many it removed. */
int mem_cgroup_sweep(void);
/* How far the cgroup's kernel counter may be from the bytes really allocated: each CPU
 * keeps up to a page charged ahead for byte-sized slab objects (the kernel's per-CPU
 * obj_stock), so nr_cpus pages, in KiB. */
long mem_cgroup_resolution_kib(void);

#endif
