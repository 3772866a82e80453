"""contract.py - the benchmark-name contract between C, Python and the report, in one place.

A benchmark name (schema 2) is

    SCENARIO/VARIANT/MODE/measure:MEASURE[/KEY:VALUE]...

then Google Benchmark's suffixes (/iterations:N, /repeats:N, /min_time:S, and
/manual_time or /real_time), which a key leaves out. SCENARIO, VARIANT, MEASURE and every
KEY are identifiers ([a-z0-9_]+), MODE is thread or process, a VALUE an integer or an
identifier. (scenario, measure) is a family. C builds its names in bench_register
(bench/common.c, documented in bench/scenario.h) and dies at registration on a name that
breaks this; Python builds its own with build_name() here, which raises ContractError.
Everything that reads names parses them with parse_name() into a Key and looks
benchmarks up by field (key()), never by a field's position.

Which names exist is said by the two programs themselves, never copied into Python:

    tvp-bench --describe              C's tables (worker kinds, transports, ...) and
                                      every family it registers          c_describe()
    tvp-bench --benchmark_list_tests  C's names                          c_names()
    py_bench.py --describe            the same shape for the Python scenario, with
                                      every name it can register  py_describe(), py_names()

merged() joins the two descriptions as a run's tvp_describe holds them. Each program
is asked once per process and profile (the answers are cached).

The profiles' numbers (repetitions, minimum time per repetition, py_bench.py's seconds
of work) are written once, in bench/profiles.def, which C compiles in and PROFILES here
reads; tvp-bench --describe publishes them too.

Standard library only: bench/py_bench.py imports this module under any interpreter."""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PY_BENCH = os.path.join(ROOT, "bench", "py_bench.py")
PROFILES_DEF = os.path.join(ROOT, "bench", "profiles.def")

NAME_SCHEMA = 2
MODES = ("thread", "process")
IDENT = re.compile(r"[a-z0-9_]+")
VALUE = re.compile(r"-?[0-9]+|[a-z0-9_]+")
# Google Benchmark's own additions to a name: fixed iterations, per-benchmark
# repetitions and minimum time, the time mode. A key leaves them out.
SUFFIX = re.compile(r"(/iterations:\d+|/repeats:\d+|/min_time:[\d.]+|"
                    r"/(manual_time|real_time|process_time))+$")
NAME = re.compile(r"^(?P<scenario>[a-z0-9_]+)/(?P<variant>[a-z0-9_]+)/(?P<mode>thread|process)"
                  r"/measure:(?P<measure>[a-z0-9_]+)(?P<args>(/[a-z0-9_]+:-?[a-z0-9_]+)*)$")
# A value a rule leaves to the run: the machine's PUs (the context's "pus").
PUS = "{pus}"


class ContractError(ValueError):
    """A name, a description or a profile that breaks the contract; the message says
    which and why."""


# --- names ------------------------------------------------------------------------------

class Key:
    """The fields of one benchmark: equal keys name the same benchmark whatever the
    order of their args. str() writes the name with the args in the order given."""
    __slots__ = ("scenario", "variant", "mode", "measure", "args", "_id")

    def __init__(self, scenario, variant, mode, measure, args):
        self.scenario, self.variant, self.mode, self.measure = scenario, variant, mode, measure
        self.args = dict(args)
        self._id = (scenario, variant, mode, measure, frozenset(self.args.items()))

    def __eq__(self, other):
        return isinstance(other, Key) and self._id == other._id

    def __hash__(self):
        return hash(self._id)

    def __str__(self):
        return "/".join([self.scenario, self.variant, self.mode, f"measure:{self.measure}"]
                        + [f"{k}:{v}" for k, v in self.args.items()])

    __repr__ = __str__

    def fields(self):
        return {"scenario": self.scenario, "variant": self.variant, "mode": self.mode,
                "measure": self.measure, **self.args}

    def resolve(self, pus):
        """The key with every PUS placeholder replaced by the machine's PUs."""
        if PUS not in self.args.values():
            return self
        return Key(self.scenario, self.variant, self.mode, self.measure,
                   {k: (pus if v == PUS else v) for k, v in self.args.items()})


def key(scenario, variant, mode, measure, **args):
    """The one key builder: a benchmark's fields, args by name."""
    return Key(scenario, variant, mode, measure, args)


def strip_suffix(name):
    """The name without Google Benchmark's suffixes."""
    return SUFFIX.sub("", name)


def parse_name(name):
    """The Key of a name (with or without Google Benchmark's suffixes), or None when
    the name is not one of schema 2. Integer values become ints."""
    m = NAME.match(strip_suffix(name))
    if not m:
        return None
    args = {}
    for part in m.group("args").split("/")[1:]:
        k, v = part.split(":", 1)
        args[k] = int(v) if v.lstrip("-").isdigit() else v
    return Key(m.group("scenario"), m.group("variant"), m.group("mode"), m.group("measure"),
               args)


def build_name(scenario, variant, mode, measure, args=()):
    """The name of these fields, args in the order given (a dict or (key, value) pairs);
    ContractError, naming the field, for anything the grammar does not allow, as
    bench_register refuses it in C."""
    def ident(what, s):
        if not isinstance(s, str) or not IDENT.fullmatch(s):
            raise ContractError(f"benchmark name {scenario}/{variant}/...: {what} {s!r} is "
                                f"not an identifier ([a-z0-9_]+)")
    ident("the scenario", scenario)
    ident("the variant", variant)
    ident("the measure", measure)
    if mode not in MODES:
        raise ContractError(f"benchmark name {scenario}/{variant}/...: the mode {mode!r} is "
                            f"not one of {', '.join(MODES)}")
    parts = [scenario, variant, mode, f"measure:{measure}"]
    seen = set()
    for k, v in (args.items() if isinstance(args, dict) else args):
        ident(f"the key of {k}:{v}", k)
        if k in seen or k == "measure":
            raise ContractError(f"benchmark name {scenario}/{variant}/...: the key {k!r} "
                                f"comes twice")
        seen.add(k)
        if isinstance(v, bool) or not (isinstance(v, int) or
                                       (isinstance(v, str) and VALUE.fullmatch(v))):
            raise ContractError(f"benchmark name {scenario}/{variant}/...: the value of "
                                f"{k} ({v!r}) is neither an integer nor an identifier")
        parts.append(f"{k}:{v}")
    return "/".join(parts)


# --- the profiles -----------------------------------------------------------------------

PROFILE_LINE = re.compile(r"^PROFILE\(\s*(?P<id>[A-Z_]+)\s*,\s*(?P<name>[a-z_]+)\s*,"
                          r"\s*(?P<repetitions>\d+)\s*,\s*(?P<min_time>[\d.]+)\s*,"
                          r"\s*(?P<py_min_time>[\d.]+)\s*,\s*(?P<py_work_s>[\d.]+)\s*\)\s*$")


def read_profiles(path=PROFILES_DEF):
    """{name: {"repetitions", "min_time", "py_min_time", "py_work_s"}} from profiles.def,
    in its order."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise ContractError(f"{path}: {e.strerror}")
    out = {}
    for line in lines:
        if line.startswith("PROFILE("):
            m = PROFILE_LINE.match(line)
            if not m:
                raise ContractError(f"{path}: a PROFILE line this module cannot read: {line}")
            out[m["name"]] = {"repetitions": int(m["repetitions"]),
                              "min_time": float(m["min_time"]),
                              "py_min_time": float(m["py_min_time"]),
                              "py_work_s": float(m["py_work_s"])}
    if "quick" not in out:
        raise ContractError(f"{path}: no quick profile")
    return out


PROFILES = read_profiles()


# --- the two descriptions ---------------------------------------------------------------

_CACHE = {}


def _ask(what, cmd, env=None):
    """The stdout of a command asked once per process; ContractError when it fails."""
    memo = (tuple(cmd), tuple(sorted((env or {}).items())) if env is not None else None)
    if memo not in _CACHE:
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        except OSError as e:
            raise ContractError(f"{cmd[0]}: {e.strerror}")
        if r.returncode != 0:
            raise ContractError(f"{what}: {r.stderr.strip() or f'exit status {r.returncode}'}")
        _CACHE[memo] = r.stdout
    return _CACHE[memo]


def _json(what, text):
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise ContractError(f"{what}: not JSON ({e})")
    if not isinstance(obj, dict):
        raise ContractError(f"{what}: not a JSON object")
    if obj.get("name_schema") != NAME_SCHEMA:
        raise ContractError(f"{what}: name schema {obj.get('name_schema')!r}, this module "
                            f"reads {NAME_SCHEMA}")
    return obj


def c_describe(bench, profile="quick", env=None):
    """tvp-bench --describe at this profile, as a dict (a fresh copy)."""
    what = f"{bench} --describe --profile={profile}"
    return _json(what, _ask(what, [bench, "--describe", f"--profile={profile}"], env))


def c_names(bench, profile="quick", scenario=None, user_filter="", env=None):
    """The names tvp-bench registers at this profile (all its scenarios, or the process
    of one), with Google Benchmark's suffixes as it lists them."""
    cmd = [bench, f"--profile={profile}", "--benchmark_list_tests"]
    if scenario:
        cmd.insert(2, f"--scenario={scenario}")
    if user_filter:
        cmd.append(f"--benchmark_filter={user_filter}")
    return [n for n in _ask(" ".join(cmd), cmd, env).split() if parse_name(n)]


def py_describe(profile="quick", python=None):
    """py_bench.py --describe at this profile under this interpreter: the Python
    scenario's description and "names", every name it can register."""
    cmd = [python or sys.executable, PY_BENCH, "--describe", f"--profile={profile}"]
    return _json(" ".join(cmd[1:]), _ask(" ".join(cmd[1:]), cmd))


def py_names(profile="quick", python=None):
    """The names py_bench.py can register at this profile (no suffixes)."""
    return list(py_describe(profile, python).get("names", []))


def merged(c_side, py_side):
    """One description of the whole suite from the two, as a run's tvp_describe holds
    it: C's tables, the scenarios of both, and Python's constructs (python_kinds)."""
    return dict(c_side, scenarios=c_side.get("scenarios", []) + py_side.get("scenarios", []),
                python_kinds=py_side.get("python_kinds", []))
