"""mutant_list.py - the deliberate breaks tests/mutants.py applies, one at a time.

Each is a few exact replacements in one file: an id, the file, what the break does, and
the edits, (text, replacement) pairs, each text found exactly once in that file. A break
that `make test` does not catch is a gap in the tests. The first seven are the ones that
once passed the whole suite."""
MUTANTS = [
    {"id": "equivalence-from-no-difference", "file": "scripts/claims.py",
     "what": "'within ±x' declared from the absence of a significant difference, not TOST",
     "edits": [('p = max(stats.rank_test(a, b, lo, "greater"), stats.rank_test(a, b, hi, "less"))',
                'p = 0.0 if (stats.u_test(a, b) or 0) >= SIGNIFICANCE else 1.0')]},
    {"id": "threshold-not-tested", "file": "scripts/claims.py",
     "what": "a comparison's test asks only whether a exceeds b, not threshold x b",
     "edits": [('p = stats.rank_test(a, b, t, "greater")', 'p = stats.rank_test(a, b, 1.0, "greater")')]},
    {"id": "rule-sides-swapped", "file": "scripts/claims.py",
     "what": "C2's fork-against-thread rule with its two sides swapped",
     "edits": [('''Rule("C2", "a forked process costs more to create than a thread",
         create(*FORK, parent=MINIMAL), create(*THREAD, parent=MINIMAL), "greater", 1.5)''',
                '''Rule("C2", "a forked process costs more to create than a thread",
         create(*THREAD, parent=MINIMAL), create(*FORK, parent=MINIMAL), "greater", 1.5)''')]},
    {"id": "median-is-mean", "file": "scripts/results.py",
     "what": "Bench.median, what every table uses, returns the mean",
     "edits": [("        return self.median_ci()[0]\n",
                "        return sum(self.times_us) / len(self.times_us)\n")]},
    {"id": "sigint-keeps-posix-mq", "file": "src/ipc/ipc.c",
     "what": "Ctrl-C no longer removes POSIX message queues",
     "edits": [("			mq_unlink(tracked_mq[i]);", "			(void)tracked_mq[i];")]},
    {"id": "live-kernel-reader-zero", "file": "src/mem.c",
     "what": "the live kernel-memory reader zeroes KernelStack and SUnreclaim",
     "edits": [('int mem_kernel(struct mem_kernel *k) { return mem_kernel_from("/proc/meminfo", k); }',
                '''int mem_kernel(struct mem_kernel *k)
{
	int rc = mem_kernel_from("/proc/meminfo", k);
	k->kernel_stack = k->slab_unreclaimable = 0;
	return rc;
}''')]},
    {"id": "benchmark-renamed", "file": "bench/ipc.c",
     "what": "a C benchmark renamed (ipc's latency family becomes round_trip)",
     "edits": [('[LATENCY] = "latency",', '[LATENCY] = "round_trip",'),
               ('{"latency", "ping-pong', '{"round_trip", "ping-pong')]},
    {"id": "claims-ratio-inverted", "file": "scripts/report/claims_table.py",
     "what": "the claims table's thread : process ratio inverted",
     "edits": [("{p / t:.2g}", "{t / p:.2g}")]},
    {"id": "zero-median-crash", "file": "scripts/claims.py",
     "what": "a zero median divides instead of giving 'undecided'",
     "edits": [("    if med_b == 0:\n", "    if False:\n")]},
    {"id": "pool-runs-task-twice", "file": "src/pool.c",
     "what": "a pool worker runs each task twice",
     "edits": [("		int rc = s->fn(s->arg, &value);\n",
                "		int rc = s->fn(s->arg, &value);\n		rc = s->fn(s->arg, &value);\n")]},
    {"id": "ring-skips-its-check", "file": "src/ipc/ipc.c",
     "what": "the consumer's message check accepts anything",
     "edits": [("	const unsigned char *p = msg;\n	if (size < 16) {",
                "	const unsigned char *p = msg;\n	return 0;\n	if (size < 16) {")]},
    {"id": "pair-on-one-pu", "file": "src/pin.c",
     "what": "placement ignores a pair policy: both workers on the pair's first PU",
     "edits": [("hwloc_bitmap_copy(bits, two[i % 2]->cpuset);",
                "hwloc_bitmap_copy(bits, two[0]->cpuset);")]},
    {"id": "scatter-is-compact", "file": "src/pin.c",
     "what": "placement ignores scatter: worker i on PU i, as compact",
     "edits": [("hwloc_bitmap_copy(bits, sets[i]);",
                "hwloc_bitmap_copy(bits, pu(i % npus)->cpuset);")]},
    {"id": "exec-kind-runs-anything", "file": "src/worker.c",
     "what": "worker_start no longer refuses a task the helper cannot run",
     "edits": [("	if (k->execs)\n		return t->exec;", "	if (k->execs)\n		return true;")]},
    {"id": "sysv-queue-kept", "file": "src/ipc/mq.c",
     "what": "closing a System V channel leaves its queue",
     "edits": [("		msgctl(c->id, IPC_RMID, NULL);\n		ipc_untrack(NULL, c->id);",
                "		ipc_untrack(NULL, c->id);")]},
    {"id": "plot-reads-no-column", "file": "plots/globals.gp",
     "what": "C3's figure plots a column its data does not have (a series without a point)",
     "edits": [("ARG1 using ($1 - 0.2):4:(mode_rgb($3)):xtic(2)",
                "ARG1 using ($1 - 0.2):9:(mode_rgb($3)):xtic(2)")]},
    {"id": "rank-test-ties-ignored", "file": "scripts/stats.py",
     "what": "the rank test without mid-ranks for ties (ordinal ranks: ties broken by order)",
     "edits": [("ranks = sps.rankdata(np.concatenate([x, y]))",
                "ranks = sps.rankdata(np.concatenate([x, y]), method=\"ordinal\")")]},

    # Issue 26's behaviours no test pinned: each has a test of its own, named in "tests"
    # (the tests --fast runs for it).
    {"id": "fork-stamped-in-parent", "file": "src/worker.c",
     "what": "fork's start stamp taken in the parent before fork(), not in the child",
     "tests": ["test_behaviours"],
     "edits": [("""static int start_fork(struct worker *w)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		int64_t start_ns = now_ns();
		_exit(w->task->fn(w->arg, start_ns));""", """static int start_fork(struct worker *w)
{
	int64_t start_ns = now_ns();
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) {
		_exit(w->task->fn(w->arg, start_ns));""")]},
    {"id": "scale-ready-before-setup", "file": "src/scale.c",
     "what": "a scale worker says it is ready before its set-up (its buffer), not after",
     "tests": ["test_behaviours"],
     "edits": [("	/* Set-up before the gate: it is not part of the run. */\n",
                "	__atomic_store_n(&c.me->ready, 1, __ATOMIC_RELEASE);\n"
                "	/* Set-up before the gate: it is not part of the run. */\n"),
               ("nobody waits for this worker */\n	__atomic_store_n(&c.me->ready, 1, __ATOMIC_RELEASE);\n",
                "nobody waits for this worker */\n")]},
    {"id": "pool-wait-stale", "file": "src/pool.c",
     "what": "pool_wait on a slot with no task returns its stale result, not EINVAL",
     "tests": ["test_behaviours"],
     "edits": [("		if (state == DONE)\n			return 0;\n		if (state == FREE)\n			return EINVAL;\n",
                "		if (state == DONE || state == FREE)\n			return 0;\n")]},
    {"id": "ring-cpu-not-recorded", "file": "src/ipc/ring.c",
     "what": "a ring side never records the CPU it waits on: both poll on one CPU",
     "tests": ["test_behaviours"],
     "edits": [("	if (__atomic_load_n(&me->cpu, __ATOMIC_RELAXED) != here)\n"
                "		__atomic_store_n(&me->cpu, here, __ATOMIC_RELAXED);\n", "")]},
    {"id": "available-is-free", "file": "src/mem.c",
     "what": "the planning memory reader reads MemFree, not MemAvailable",
     "tests": ["test_behaviours"],
     "edits": [('one_field("/proc/meminfo", "MemAvailable")', 'one_field("/proc/meminfo", "MemFree")')]},
    {"id": "sign-test-ties-below", "file": "scripts/stats.py",
     "what": "the sign test counts values equal to the threshold as below it",
     "tests": ["test_behaviours.py:SignTest"],
     "edits": [("below = sum(v < threshold for v in values)",
                "below = sum(v <= threshold for v in values)")]},
    {"id": "robustness-lists-context", "file": "scripts/claims.py",
     "what": "the robustness line lists context rows that move, not only counted ones",
     "tests": ["test_behaviours.py:Robustness"],
     "edits": [("if o.rule.counted and o.holds != base[o.rule.prediction]",
                "if o.holds != base[o.rule.prediction]")]},
    {"id": "budget-sweep-to-one", "file": "scripts/budget.py",
     "what": "step 3 of the budget shrinks a sweep down to one value",
     "tests": ["test_behaviours.py:BudgetSweeps"],
     "edits": [("                if len(values) < 3:\n", "                if len(values) < 2:\n")]},
    {"id": "samples-reps-unnumbered", "file": "scripts/samples.py",
     "what": "samples.csv gives every repetition of a row without an index number 0",
     "tests": ["test_behaviours.py:SamplesNumbers"],
     "edits": [("seen[name] = rep + 1", "seen[name] = rep")]},
    {"id": "zh-slower-is-faster", "file": "locale/zh_CN/LC_MESSAGES/tvp.po",
     "what": "the Chinese of 'processes slower' says processes faster",
     "tests": ["test_behaviours.py:ZhComparisons"],
     "edits": [('msgid "processes slower"\nmsgstr "进程更慢"',
                'msgid "processes slower"\nmsgstr "进程更快"')]},
    {"id": "sentinel-direction-ignored", "file": "scripts/report/state.py",
     "what": "the sentinel takes a probe's rise as worse for every probe, bandwidths too",
     "tests": ["test_behaviours.py:Sentinel"],
     "edits": [("    return b / a if PROBES[name][1] else a / b\n", "    return b / a\n")]},
    {"id": "env-memory-is-free", "file": "scripts/machine_state.py",
     "what": "the run's context records MemFree as the memory available",
     "tests": ["test_behaviours.py:MemoryReader"],
     "edits": [('mem = meminfo("MemAvailable", "SwapTotal", "SwapFree")',
                'mem = meminfo("MemFree", "SwapTotal", "SwapFree")'),
               ('str(mem.get("MemAvailable", ""))', 'str(mem.get("MemFree", ""))')]},
    {"id": "gil-executor-every-cpu", "file": "bench/py_bench.py",
     "what": "the GIL figure's ProcessPoolExecutor made without max_workers (every CPU)",
     "tests": ["test_behaviours.py:GilExecutors"],
     "edits": [('lambda k: cf.ProcessPoolExecutor(k, mp_context=mp.get_context("fork"))',
                'lambda k: cf.ProcessPoolExecutor(mp_context=mp.get_context("fork"))')]},
    {"id": "footprint-slab-total", "file": "bench/footprint.c",
     "what": "footprint's slab growth is the total, not divided by the workers alive",
     "tests": ["test_behaviours.py:FootprintSlab"],
     "edits": [("fp->info_slab = (double)(k1.info.slab_unreclaimable - k0.info.slab_unreclaimable) * per;",
                "fp->info_slab = (double)(k1.info.slab_unreclaimable - k0.info.slab_unreclaimable);")]},
]
