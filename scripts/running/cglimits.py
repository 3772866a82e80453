"""cglimits.py - the memory and pids limits of the cgroups a process is in, as
src/cglimits.c reads them (the same rules, for the run's planning and its report).

Inside a container /proc/meminfo's MemAvailable is the host's; the limit that ends a
run there is the cgroup's: v1 memory.limit_in_bytes / memory.usage_in_bytes and
pids.max / pids.current, or v2 memory.max / memory.current and pids.max /
pids.current. A limit on an ancestor binds too: the lowest limit on the path to the
hierarchy's root is kept, with the cgroup that sets it."""
import os

# v1 writes "no limit" as the page counter's maximum in bytes.
NO_LIMIT = 1 << 62

FILES = {  # controller -> version -> (limit file, usage file)
    "memory": {1: ("memory.limit_in_bytes", "memory.usage_in_bytes"),
               2: ("memory.max", "memory.current")},
    "pids": {1: ("pids.max", "pids.current"), 2: ("pids.max", "pids.current")},
}


def _number(path):
    """A file's first number; None for "max", a v1 "unlimited", or no file."""
    try:
        with open(path) as f:
            text = f.read().split()
    except OSError:
        return None
    if not text or text[0] == "max":
        return None
    try:
        v = int(text[0])
    except ValueError:
        return None
    return v if 0 <= v < NO_LIMIT else None


def _key(path, key):
    """N of a "key N" line, or None."""
    try:
        with open(path) as f:
            for line in f:
                k, _, v = line.partition(" ")
                if k == key:
                    return int(v)
    except (OSError, ValueError):
        pass
    return None


def _mounts(mountinfo, prefix):
    """{controller or "v2": (version, mount point under prefix, mount root)}."""
    found = {}
    try:
        with open(mountinfo) as f:
            lines = f.read().splitlines()
    except OSError:
        return found
    for line in lines:
        head, sep, tail = line.partition(" - ")
        fields, rest = head.split(), tail.split()
        if not sep or len(fields) < 5 or len(rest) < 2:
            continue
        root, point = fields[3], prefix + fields[4]
        opts = rest[2].split(",") if len(rest) > 2 else []
        if rest[0] == "cgroup":
            for c in ("memory", "pids"):
                if c in opts:
                    found.setdefault(c, (1, point, root))
        elif rest[0] == "cgroup2":
            found.setdefault("v2", (2, point, root))
    return found


def _paths(cgroup_file):
    """{controller or "v2": the process's cgroup path}."""
    paths = {}
    try:
        with open(cgroup_file) as f:
            lines = f.read().splitlines()
    except OSError:
        return paths
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[1] == "":
            paths.setdefault("v2", parts[2])
        for c in parts[1].split(","):
            paths.setdefault(c, parts[2])
    return paths


def _walk(version, point, root, path, controller):
    """{version, max, current, dir} for the lowest limit from path up to point, or
    None when the controller's files are not there."""
    limit_file, usage_file = FILES[controller][version]
    rel = path[len(root):] if root != "/" and path.startswith(root) else path
    d = point + ("" if rel == "/" else rel)
    out = {"version": version, "max": None, "current": _number(os.path.join(d, usage_file)),
           "dir": d, "own": d, "top": point}
    seen = out["current"] is not None
    while True:
        v = _number(os.path.join(d, limit_file))
        if v is not None and (out["max"] is None or v < out["max"]):
            out.update(max=v, current=_number(os.path.join(d, usage_file)), dir=d)
        if len(d) <= len(point) or "/" not in d[len(point):]:
            break
        d = d.rsplit("/", 1)[0]
        seen = seen or _number(os.path.join(d, usage_file)) is not None
    # A hierarchy's root has no usage file in v1 (pids): the mount is enough.
    return out if seen or out["max"] is not None or os.path.isdir(out["own"]) else None


def read(cgroup_file="/proc/self/cgroup", mountinfo="/proc/self/mountinfo", prefix=""):
    """{"memory": {...} or None, "pids": {...} or None}, each {version, max (bytes or
    tasks, None: no limit), current, dir (the cgroup that sets the limit)}."""
    mounts, paths = _mounts(mountinfo, prefix), _paths(cgroup_file)
    out = {}
    for c in ("memory", "pids"):
        out[c] = None
        if c in mounts and c in paths:
            out[c] = _walk(*mounts[c], paths[c], c)
        elif "v2" in mounts and "v2" in paths:
            out[c] = _walk(*mounts["v2"], paths["v2"], c)
    return out


def oom_kills(mem):
    """{cgroup directory: tasks its OOM killer has killed} for the process's memory
    cgroup and each ancestor (the one whose limit was hit counts the kill; whether
    its ancestors count it too depends on the version), {} when none can be read."""
    if not mem:
        return {}
    name, key = (("memory.oom_control", "oom_kill") if mem["version"] == 1
                 else ("memory.events", "oom_kill"))
    out, d = {}, mem["own"]
    while True:
        v = _key(os.path.join(d, name), key)
        if v is not None:
            out[d] = v
        if len(d) <= len(mem["top"]) or "/" not in d[len(mem["top"]):]:
            return out
        d = d.rsplit("/", 1)[0]


def oom_kills_moved(before, after):
    """How many more OOM kills the most-moved cgroup counted between two readings of
    oom_kills(), or None when nothing could be read."""
    if not before and not after:
        return None
    return max([after[d] - before.get(d, 0) for d in after] or [0])


def available_kib(mem_available_kib, limits=None):
    """(KiB this process may still take, why): MemAvailable, or the memory cgroup's
    limit less its use where that is less."""
    mem = (limits or read())["memory"]
    if mem is None or mem["max"] is None:
        return mem_available_kib, "MemAvailable"
    left = max(0, mem["max"] - (mem["current"] or 0)) // 1024
    if mem_available_kib is None or left < mem_available_kib:
        return left, "memory cgroup"
    return mem_available_kib, "MemAvailable"


def context(limits=None):
    """The context keys that record the limits in force (strings, as Google
    Benchmark's context has them; empty where there is none)."""
    lim = limits or read()
    mem, pids = lim["memory"], lim["pids"]
    ctx = {"cgroup_memory_max_bytes": "", "cgroup_memory_used_bytes": "",
           "cgroup_memory_dir": "", "cgroup_pids_max": "", "cgroup_pids_dir": "",
           "cgroup_version": ""}
    if mem:
        ctx["cgroup_version"] = str(mem["version"])
        ctx["cgroup_memory_dir"] = mem["dir"]
        if mem["max"] is not None:
            ctx["cgroup_memory_max_bytes"] = str(mem["max"])
        if mem["current"] is not None:
            ctx["cgroup_memory_used_bytes"] = str(mem["current"])
    if pids:
        ctx["cgroup_version"] = ctx["cgroup_version"] or str(pids["version"])
        if pids["max"] is not None:
            ctx["cgroup_pids_max"] = str(pids["max"])
            ctx["cgroup_pids_dir"] = pids["dir"]
    return ctx
