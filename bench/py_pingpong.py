"""py_pingpong.py - C7's cost of talking: 8-byte round trips through one
multiprocessing.Pipe, the peer a forked process or a thread."""
import multiprocessing as mp

from py_contract import name
from py_harness import run_gated

def pong(conn, n, ready, gate):
    ready.release()
    gate.wait()
    for _ in range(n):
        conn.send_bytes(conn.recv_bytes())


def pingpong(suite):
    """C7's cost: 8-byte round trips through the same multiprocessing.Pipe, the peer a
    forked process or a thread."""
    for variant, ctx in (("thread_pipe", None), ("mp_pipe", mp.get_context("fork"))):
        full = name(variant, "pingpong")
        if not suite.wanted(full):
            continue

        def once(n, ctx=ctx):
            a, b = mp.Pipe()
            msg = b"x" * 8

            def consume():
                for _ in range(n):
                    a.send_bytes(msg)
                    a.recv_bytes()
            try:
                return run_gated(ctx, pong, (b, n), consume)
            finally:
                a.close()
                b.close()

        suite.measure(full, once, suite.calibrate(once, start=100))
