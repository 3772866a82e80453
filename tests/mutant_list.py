"""mutant_list.py - the deliberate breaks tests/mutants.py applies, one at a time.

Each is a few exact replacements in one file: an id, the file, what the break does, and
the edits, (text, replacement) pairs, each text found exactly once in that file. A break
that `make test` does not catch is a gap in the tests. The first seven are the ones that
once passed the whole suite."""
MUTANTS = [
    {"id": "similar-inverted", "file": "scripts/claims.py",
     "what": "the 'similar' relation of the verdict rules inverted",
     "edits": [("holds = abs(ratio - 1) <= rule.threshold",
                "holds = abs(ratio - 1) > rule.threshold")]},
    {"id": "rule-sides-swapped", "file": "scripts/claims.py",
     "what": "C2's fork-against-thread rule with its two sides swapped",
     "edits": [('''Rule("C2", "a forked process costs more to create than a thread",
         create(*FORK), create(*THREAD), "greater", 1.5)''',
                '''Rule("C2", "a forked process costs more to create than a thread",
         create(*THREAD), create(*FORK), "greater", 1.5)''')]},
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
     "edits": [("{meds[1] / meds[0]:.2g}", "{meds[0] / meds[1]:.2g}")]},
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
    {"id": "exec-kind-runs-anything", "file": "src/worker.c",
     "what": "worker_start no longer refuses a task the helper cannot run",
     "edits": [("	if (k->execs)\n		return t->exec;", "	if (k->execs)\n		return true;")]},
    {"id": "sysv-queue-kept", "file": "src/ipc/mq.c",
     "what": "closing a System V channel leaves its queue",
     "edits": [("		msgctl(c->id, IPC_RMID, NULL);\n		ipc_untrack(NULL, c->id);",
                "		ipc_untrack(NULL, c->id);")]},
    {"id": "u-test-one-sided", "file": "scripts/stats.py",
     "what": "the U test's p-value halved (one-sided where the rules need two)",
     "edits": [('alternative="two-sided").pvalue)', 'alternative="two-sided").pvalue) / 2')]},
]
