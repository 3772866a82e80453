#!/usr/bin/python3
"""py_http.py - C8 in the notes' language: Python's standard HTTP servers under wrk.

    py_http.py --serve threading|forking     (a server: prints its port, serves until killed)

http.server.ThreadingHTTPServer (socketserver.ThreadingMixIn: a thread per connection)
against the same HTTPServer with socketserver.ForkingMixIn (a forked process per
connection), serving the bodies the C suite's servers serve (src/http_server.c: the same
bytes) to the same wrk runs as bench/http.c: one wrk thread on the first PU, the server
on the others. ForkingMixIn's max_children (40 by default: a 41st connection waits for a
child to end, which a kept-alive one never does) is raised to the sweep's largest level,
as Apache's capacity is. Rows of py_bench.py's Suite (scenario python), family http:
    python/VARIANT/MODE/measure:http/conn:keepalive|close/connections:N
with counters requests_per_s, p50_us, p99_us, errors, timeouts; time per request in µs.
py_bench.py calls run(suite, py_bench) once; this module adds its constructs and family
to py_bench's tables, so that file keeps one line for it.
"""
import ctypes
import http.server
import os
import re
import shutil
import signal
import socketserver
import subprocess
import sys

KINDS = [{"name": "http_threading", "mode": "thread",
          "label": "http.server.ThreadingHTTPServer (a thread per connection)"},
         {"name": "http_forking", "mode": "process",
          "label": "HTTPServer with socketserver.ForkingMixIn (a process per connection)"}]
FAMILY = ("http", "Python's HTTP servers under wrk: requests per second, p50 and p99 "
                  "latency, errors, at N connections, keep-alive or a connection per request")
SERVER = {"http_threading": "threading", "http_forking": "forking"}
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


def serve(model):
    cls = ThreadingHTTPServer if model == "threading" else ForkingHTTPServer
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
    py_bench.FAMILIES.setdefault(*FAMILY)


def run(suite, py_bench):
    register(py_bench)
    full = suite.profile == "full"
    reps = min(suite.reps, 3 if full else 2)
    # Two seconds: a forked Python server on one loaded PU may not answer within one.
    secs = 3 if full else 2
    cases = ([("keepalive", n) for n in (10, 100, 1000)] + [("close", n) for n in (10, 100)]
             if full else [("close", 100)])
    pus = sorted(os.sched_getaffinity(0))
    wrk_cpus, server_cpus = ({pus[0]}, set(pus[1:])) if len(pus) > 1 else (None, None)
    for variant in (k["name"] for k in KINDS):
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


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve" and sys.argv[2] in ("threading",
                                                                          "forking"):
        serve(sys.argv[2])
    else:
        sys.exit(__doc__.split("\n\n")[1])
