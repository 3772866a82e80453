#!/usr/bin/python3
"""py_http.py - C8 in the notes' language: Python's standard HTTP servers under wrk.

    py_http.py --serve threading|forking|pool   (a server: prints its port, serves until
                                                killed)

http.server.ThreadingHTTPServer (socketserver.ThreadingMixIn: a thread per connection)
against the same HTTPServer with socketserver.ForkingMixIn (a forked process per
connection), serving the bodies the C suite's servers serve (src/http_server.c: the same
bytes) to the same wrk runs as bench/http.c: one wrk thread on the first PU, the server
on the others. ForkingMixIn's max_children (40 by default: a 41st connection waits for a
child to end, which a kept-alive one never does) is raised to the sweep's largest level,
as Apache's capacity is. Rows of py_bench.py's Suite (scenario python), family http:
    python/VARIANT/MODE/measure:http/conn:keepalive|close/connections:N
with counters requests_per_s, p50_us, p99_us, errors, timeouts; time per request in µs.
Family http_memory, fresh servers, the method of bench/http.c's memory rows (N idle
keep-alive connections, each answered once; Pss of every process of the server minus the
same server with none open, per connection), with a third server beside the two, an
HTTPServer handing connections to a ThreadPoolExecutor (http_pool):
    python/VARIANT/MODE/measure:http_memory/connections:100
with counters pss_kib_per_conn, held, baseline_pss_kib, server_processes,
server_threads; time: opening the connections, in ms. Pss only: no cgroup is made here,
so a process's kernel memory (its kernel stack, its page tables) is not counted, which
leaves the forked side's cost, if anything, short.
py_bench.py calls run(suite, py_bench) once; this module adds its constructs and family
to py_bench's tables, so that file keeps one line for it.
"""
import concurrent.futures
import ctypes
import http.server
import os
import re
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import time

KINDS = [{"name": "http_threading", "mode": "thread",
          "label": "http.server.ThreadingHTTPServer (a thread per connection)"},
         {"name": "http_forking", "mode": "process",
          "label": "HTTPServer with socketserver.ForkingMixIn (a process per connection)"},
         {"name": "http_pool", "mode": "thread",
          "label": "HTTPServer handing connections to a concurrent.futures."
                   "ThreadPoolExecutor (a pooled thread per connection while it lasts)"}]
FAMILIES = [("http", "Python's HTTP servers under wrk: requests per second, p50 and p99 "
                     "latency, errors, at N connections, keep-alive or a connection per "
                     "request"),
            ("http_memory", "Python's HTTP servers holding N idle keep-alive connections "
                            "(each answered once): Pss of every process of the server, "
                            "minus the same fresh server with none open, per connection")]
SERVER = {"http_threading": "threading", "http_forking": "forking", "http_pool": "pool"}
# The rates compare the two mix-ins; memory all three.
RATE_SERVERS = ("http_threading", "http_forking")
MEMORY_LEVEL = 100
SMALL, BIG = "/small.txt", "/64k.txt"
CAPACITY = 1000
PR_SET_PDEATHSIG = 1


def body(n):
    """src/http_server.c's bytes (fill_body), written out again in Python."""
    return bytes(ord("\n") if (i + 1) % 64 == 0 else ord("a") + (i * 7 + i // 64) % 26
                 for i in range(n))


BODIES = {SMALL: body(128), BIG: body(65536)}


def die_with_parent():
    """PR_SET_PDEATHSIG: a server, and each process ForkingMixIn forks, dies with its
    parent, so nothing outlives a killed run."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive unless the request says close

    def do_GET(self):
        data = BODIES.get(self.path)
        self.send_response(200 if data is not None else 404)
        data = data if data is not None else b"not found"
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        # Said back, as the C servers do: without it wrk takes the connection for kept
        # alive, writes its next request into the closed socket and counts a read
        # error for every request answered.
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class Quiet:
    """A client that goes away mid-reply (wrk stops at the end of its window) is not a
    traceback on the run's console; wrk counts what it missed."""

    def handle_error(self, request, client_address):
        pass


class ThreadingHTTPServer(Quiet, http.server.ThreadingHTTPServer):
    pass


class ForkingHTTPServer(Quiet, socketserver.ForkingMixIn, http.server.HTTPServer):
    max_children = CAPACITY

    def finish_request(self, request, client_address):
        die_with_parent()  # runs in the forked child
        super().finish_request(request, client_address)


class PoolHTTPServer(Quiet, http.server.HTTPServer):
    """Each connection handed to a ThreadPoolExecutor of the sweep's capacity: its
    threads are made as connections come and reused once one ends."""

    def __init__(self, *args):
        super().__init__(*args)
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=CAPACITY)

    def process_request(self, request, client_address):
        self.pool.submit(self.work, request, client_address)

    def work(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - socketserver's own rule: reported, not raised
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


def serve(model):
    cls = {"threading": ThreadingHTTPServer, "forking": ForkingHTTPServer,
           "pool": PoolHTTPServer}[model]
    cls.request_queue_size = 4096
    srv = cls(("127.0.0.1", 0), Handler)  # port 0: one that is free
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


def start(model, cpus):
    def child():
        die_with_parent()
        if cpus:
            os.sched_setaffinity(0, cpus)
    p = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve", model],
                         stdout=subprocess.PIPE, start_new_session=True, preexec_fn=child)
    line = p.stdout.readline()
    if not line.strip().isdigit():
        stop(p)
        raise RuntimeError(f"the {model} server did not start")
    return p, int(line)


def stop(p):
    """The server and every process it forked (its session's group)."""
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait()
    p.stdout.close()


UNITS = {"us": 1.0, "ms": 1e3, "s": 1e6, "m": 60e6}


def duration_us(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def parse_wrk(out):
    """wrk --latency's report: {requests_per_s, p50_us, p99_us, requests, seconds,
    errors, timeouts}, or None when a line it needs is missing."""
    r = {"errors": 0, "timeouts": 0}
    for line in out.splitlines():
        s = line.strip()
        if s.startswith("50%"):
            r["p50_us"] = duration_us(s[3:])
        elif s.startswith("99%"):
            r["p99_us"] = duration_us(s[3:])
        elif m := re.match(r"(\d+) requests in ([\d.]+\w+),", s):
            r["requests"], r["seconds"] = int(m.group(1)), duration_us(m.group(2)) / 1e6
        elif m := re.match(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                           r"timeout (\d+)", s):
            r["errors"] += sum(int(m.group(i)) for i in (1, 2, 3))
            r["timeouts"] = int(m.group(4))
        elif m := re.match(r"Non-2xx or 3xx responses: (\d+)", s):
            r["errors"] += int(m.group(1))
        elif s.startswith("Requests/sec:"):
            r["requests_per_s"] = float(s.split(":")[1])
    need = ("requests_per_s", "p50_us", "p99_us", "requests", "seconds")
    return r if all(r.get(k) is not None for k in need) else None


def wrk(port, conns, secs, close, cpus):
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{secs}s", "--latency", "--timeout", "2s"]
    if close:
        cmd += ["-H", "Connection: close"]
    cmd.append(f"http://127.0.0.1:{port}{SMALL}")

    def child():
        die_with_parent()
        if cpus:
            os.sched_setaffinity(0, cpus)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=secs + 15,
                       preexec_fn=child)
    return parse_wrk(r.stdout) if r.returncode == 0 else None


def register(py_bench):
    """This module's constructs and family in py_bench's tables (once)."""
    for k in KINDS:
        if k["name"] not in py_bench.MODE:
            py_bench.PYTHON_KINDS.append(k)
            py_bench.MODE[k["name"]] = k["mode"]
    for fam in FAMILIES:
        py_bench.FAMILIES.setdefault(*fam)


# --- memory per connection: the method of bench/http.c's memory rows --------------------

def tree(root):
    """The server's processes: root and every descendant (ForkingMixIn's children)."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass  # a process that just ended
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += [c for c, pp in parent.items() if pp == p]
    return out


def pss_kib(pids):
    """Summed Pss of the processes (a process that just ended counts none); and their
    threads."""
    pss = threads = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                pss += next(int(ln.split()[1]) for ln in f if ln.startswith("Pss:"))
            threads += len(os.listdir(f"/proc/{p}/task"))
        except (OSError, StopIteration):
            pass
    return pss, threads


def hold(port, n, patience_s=10.0):
    """n connections, one keep-alive request for the small body on each, each answer
    read and checked: (the sockets, how many were answered right). They stay open."""
    socks, answered = [], 0
    want = BODIES[SMALL]
    for _ in range(n):
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=patience_s)
            c.sendall(b"GET " + SMALL.encode() + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
            socks.append(c)
        except OSError:
            break
    for c in socks:
        buf = b""
        try:
            while b"\r\n\r\n" not in buf or len(buf.partition(b"\r\n\r\n")[2]) < len(want):
                chunk = c.recv(4096)
                if not chunk:
                    break
                buf += chunk
        except OSError:
            continue
        head, _, got = buf.partition(b"\r\n\r\n")
        answered += head.startswith(b"HTTP/1.1 200") and got[:len(want)] == want
    return socks, answered


def release(socks):
    for c in socks:
        c.close()


def settle():
    """Lets the server finish what the last answers set off (a worker going idle, a
    child of a closed connection reaped) before its memory is read."""
    time.sleep(0.1)


def memory_once(model, n):
    """One fresh server: (counters, seconds the connections took to open)."""
    p, port = start(model, None)
    try:
        socks, ok = hold(port, 1)
        release(socks)
        settle()
        base, _ = pss_kib(tree(p.pid))
        t0 = time.monotonic()
        socks, held = hold(port, n)
        secs = time.monotonic() - t0
        settle()
        pids = tree(p.pid)
        pss, threads = pss_kib(pids)
        release(socks)
    finally:
        stop(p)
    if not ok or not held:
        raise RuntimeError(f"the {model} server answered {held} of {n} connections")
    return {"pss_kib_per_conn": (pss - base) / held, "held": held,
            "baseline_pss_kib": base, "server_processes": len(pids),
            "server_threads": threads}, secs


def run_memory(suite, py_bench, reps):
    for variant in (k["name"] for k in KINDS):
        name = py_bench.name(variant, "http_memory", connections=MEMORY_LEVEL)
        if not suite.wanted(name):
            continue
        # The pair the counted prediction compares three times; the pool once.
        n_reps = reps if variant in RATE_SERVERS else 1
        got = []
        try:
            for _ in range(n_reps):
                got.append(memory_once(SERVER[variant], MEMORY_LEVEL))
        except (OSError, RuntimeError, subprocess.SubprocessError) as e:
            suite.skip(name, str(e))
            continue
        full_name = name + "/manual_time"
        for i, (counters, secs) in enumerate(got):
            ms = secs * 1e3
            suite.rows.append({
                "name": full_name, "run_name": full_name, "run_type": "iteration",
                "repetitions": n_reps, "repetition_index": i, "threads": 1,
                "iterations": 1, "real_time": ms, "cpu_time": ms, "time_unit": "ms",
                **counters})
        kib = sorted(c["pss_kib_per_conn"] for c, _ in got)
        print(f"{full_name:60s} {kib[len(kib) // 2]:12.1f} KiB per connection  "
              f"(x {n_reps})", flush=True)


def run(suite, py_bench):
    register(py_bench)
    full = suite.profile == "full"
    # In a row on one server kept up, and context (their rates): one each in quick.
    reps = min(suite.reps, 3 if full else 1)
    # Two seconds: a forked Python server on one loaded PU may not answer within one.
    secs = 3 if full else 2
    cases = ([("keepalive", n) for n in (10, 100, 1000)] + [("close", n) for n in (10, 100)]
             if full else [("close", 100)])
    pus = sorted(os.sched_getaffinity(0))
    wrk_cpus, server_cpus = ({pus[0]}, set(pus[1:])) if len(pus) > 1 else (None, None)
    for variant in RATE_SERVERS:
        names = [(py_bench.name(variant, "http", conn=conn, connections=n), conn, n)
                 for conn, n in cases]
        names = [x for x in names if suite.wanted(x[0])]
        if not names:
            continue
        if not shutil.which("wrk"):
            for name, _c, _n in names:
                suite.skip(name, "wrk is not installed (Debian package wrk; make deps)")
            continue
        try:
            p, port = start(SERVER[variant], server_cpus)
        except (OSError, RuntimeError) as e:
            for name, _c, _n in names:
                suite.skip(name, str(e))
            continue
        try:
            for name, conn, n in names:
                got = [wrk(port, n, secs, conn == "close", wrk_cpus) for _ in range(reps)]
                if any(g is None or g["requests"] == 0 for g in got):
                    suite.skip(name, f"wrk failed or no request answered within {secs} s at "
                                     f"{n} connections")
                    continue
                full_name = name + "/manual_time"
                for i, g in enumerate(got):
                    us = g["seconds"] / g["requests"] * 1e6
                    suite.rows.append({
                        "name": full_name, "run_name": full_name, "run_type": "iteration",
                        "repetitions": reps, "repetition_index": i, "threads": 1,
                        "iterations": g["requests"], "real_time": us, "cpu_time": us,
                        "time_unit": "us", "requests_per_s": g["requests_per_s"],
                        "p50_us": g["p50_us"], "p99_us": g["p99_us"],
                        "errors": g["errors"], "timeouts": g["timeouts"]})
                rates = sorted(g["requests_per_s"] for g in got)
                print(f"{full_name:60s} {rates[len(rates) // 2]:12.0f} requests/s  "
                      f"(x {reps})", flush=True)
        finally:
            stop(p)
    # Fresh servers, independent of each other: three of each of the counted pair
    # (C8's Python prediction, py_rules.py).
    run_memory(suite, py_bench, min(suite.reps, 3))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve" and sys.argv[2] in SERVER.values():
        serve(sys.argv[2])
    else:
        sys.exit(__doc__.split("\n\n")[1])
