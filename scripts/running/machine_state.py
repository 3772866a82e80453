"""machine_state.py - what state the machine was in while a run measured it: the
sentinel's probes (tvp-bench --probe) before the first scenario and after each one,
how much CPU other processes and the hypervisor (steal) took during each scenario, and
the environment once (virtualisation, uptime, memory, swap, the cgroups' memory
and pids limits). run.py records them in the
JSON context; the report's "State of the machine" section reads them back."""
import json
import os
import shutil
import statistics
import subprocess

from running import cglimits

# /proc/stat's cpu line, in this order (guest time is counted inside user already).
STAT_FIELDS = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
# Other processes using more than this share of every CPU at the start: a warning.
BUSY_WARNING = 0.05


def probe(bench, takes=3):
    """The sentinel's probes as a dict, each the median of three takes (one take of a
    quarter second is at the mercy of one slow moment), or {} when tvp-bench cannot
    take them."""
    seen = {}
    for _ in range(takes):
        try:
            r = subprocess.run([bench, "--probe"], capture_output=True, text=True,
                               timeout=60)
            one = json.loads(r.stdout) if r.returncode == 0 else {}
        except (OSError, ValueError, subprocess.TimeoutExpired):
            one = {}
        for name, value in one.items():
            if value is not None:
                seen.setdefault(name, []).append(value)
    return {name: statistics.median(values) for name, values in seen.items()}


def cpu_ticks():
    """The machine's CPU time so far by kind (USER_HZ ticks), and this process's
    children's (the suite's own), in the same unit."""
    with open("/proc/stat") as f:
        fields = f.readline().split()[1:1 + len(STAT_FIELDS)]
    ticks = dict(zip(STAT_FIELDS, map(int, fields)))
    t = os.times()
    ticks["suite"] = (t.children_user + t.children_system + t.user + t.system) * \
        os.sysconf("SC_CLK_TCK")
    return ticks


def cpu_shares(before, after):
    """Between two cpu_ticks(): the share of all CPU time that other processes used
    (busy time not the suite's own), and that the hypervisor stole."""
    d = {k: after[k] - before[k] for k in before}
    total = sum(d[k] for k in STAT_FIELDS)
    if total <= 0:
        return {"others": 0.0, "steal": 0.0}
    busy = d["user"] + d["nice"] + d["system"] + d["irq"] + d["softirq"]
    return {"others": max(0.0, busy - d["suite"]) / total, "steal": d["steal"] / total}


def others_now(seconds=1.0):
    """The share of all CPU time other processes use now, over a short sample."""
    import time
    before = cpu_ticks()
    time.sleep(seconds)
    return cpu_shares(before, cpu_ticks())["others"]


def _run(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return r.stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def virtualisation():
    """In words: the hypervisor and the container, as systemd-detect-virt, the CPU's
    hypervisor flag and the kernel log say them; "none found" on bare metal."""
    found = []
    if shutil.which("systemd-detect-virt"):
        vm, box = _run(["systemd-detect-virt", "--vm"]), _run(["systemd-detect-virt",
                                                               "--container"])
        if vm and vm != "none":
            found.append(f"virtual machine: {vm}")
        if box and box != "none":
            found.append(f"container: {box}")
    with open("/proc/cpuinfo") as f:
        flags = next((line for line in f if line.startswith("flags")), "")
    if " hypervisor" in flags:
        found.append("CPU flag hypervisor")
    log = _run(["dmesg"]) if shutil.which("dmesg") else ""
    said = next((line.split("]", 1)[-1].strip() for line in log.splitlines()
                 if "Hypervisor detected" in line), "")
    if said:
        found.append(f"kernel log: {said}")
    return "; ".join(found) or "none found"


def meminfo(*fields):
    values = {}
    with open("/proc/meminfo") as f:
        for line in f:
            name, rest = line.split(":", 1)
            if name in fields:
                values[name] = int(rest.split()[0])
    return values


def environment():
    """The context keys of the environment, once per run (strings, as Google
    Benchmark's context has them)."""
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    mem = meminfo("MemAvailable", "SwapTotal", "SwapFree")
    # In a container MemAvailable is the host's: the cgroup's limit less its use caps it.
    limits = cglimits.read()
    avail, source = cglimits.available_kib(mem.get("MemAvailable"), limits)
    return {"virtualisation": virtualisation(),
            "uptime_s": f"{uptime:.0f}",
            "mem_available_kib": str(avail if avail is not None else ""),
            "mem_available_source": source,
            "swap_total_kib": str(mem.get("SwapTotal", "")),
            "swap_free_kib": str(mem.get("SwapFree", "")),
            **cglimits.context(limits)}


def gbench_debug_library(bench):
    """Whether the Google Benchmark library tvp-bench loads was built without NDEBUG
    (Debian's is): its warning text is compiled in only then. False when it cannot
    tell (no ldd, a static link)."""
    try:
        r = subprocess.run(["ldd", bench], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    path = next((line.split("=>")[1].split("(")[0].strip() for line in r.stdout.splitlines()
                 if "libbenchmark" in line and "=>" in line), "")
    try:
        with open(path, "rb") as f:
            return b"Library was built as DEBUG" in f.read()
    except OSError:
        return False
