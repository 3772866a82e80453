/* ipc_spin.c - the spin rows: the rings again, their waiting side polling for up to
 * spin_us before it sleeps (measure spin_latency and spin_throughput). */
#include "ipc_case.h"
#include "scenario.h"
#include "util.h"

/* The rings again, their waiting side polling first: the sweep of the bound on two
 * cores, the default bound on one PU (where the ring must not poll) and unpinned, and
 * throughput at the default bound on two cores. Spawned or forked, throughput goes
 * through the same transport; the round trip is measured for both. */
void ipc_register_spin(bool full, const long *sizes, size_t nsizes)
{
	const enum worker_kind_id *kinds = ipc_kinds;
	/* The quick profile sets the default bound against no polling at all; the sweep
	 * that chose the default, and throughput at every size, are the full profile's. */
	static const long full_sweep_us[] = {0, 1, 10, 100};
	const long default_us = IPC_SPIN_DEFAULT_NS / 1000;
	const long quick_sweep_us[] = {0, default_us};
	const long *sweep_us = full ? full_sweep_us : quick_sweep_us;
	size_t nsweep = full ? ARRAY_SIZE(full_sweep_us) : ARRAY_SIZE(quick_sweep_us);
	static const long quick_spin_sizes[] = {65536, 1 << 20};
	if (!full) {
		sizes = quick_spin_sizes;
		nsizes = ARRAY_SIZE(quick_spin_sizes);
	}
	for (size_t i = 0; i < ipc_ntransports; i++) {
		const struct ipc_transport *t = ipc_transports[i];
		if (!t->waits)
			continue;
		for (size_t k = 0; k < IPC_NKINDS; k++) {
			if (k > 0 && !t->processes)
				continue;
			struct bench *b = ipc_add(t, t->name, kinds[k], SPIN_LATENCY,
						  PIN_DIFF_CORE, ipc_run_latency, GB_US);
			for (size_t v = 0; v < nsweep; v++)
				bench_arg(b, sweep_us[v]);
			bench_arg(ipc_add(t, t->name, kinds[k], SPIN_LATENCY, PIN_SAME_PU,
					  ipc_run_latency, GB_US), default_us);
			bench_arg(ipc_add(t, t->name, kinds[k], SPIN_LATENCY, PIN_NONE,
					  ipc_run_latency, GB_US), default_us);
			if (kinds[k] == KIND_POSIX_SPAWN)
				continue;
			b = ipc_add(t, t->name, kinds[k], SPIN_THROUGHPUT, PIN_DIFF_CORE,
				    ipc_run_throughput, GB_US);
			for (size_t s = 0; s < nsizes; s++)
				bench_args2(b, default_us, sizes[s]);
		}
	}
}
