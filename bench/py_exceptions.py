"""py_exceptions.py - C6, the notes' question: is an exception in a pool worker shown in
the main process? apply_async by how its result is fetched, and the notes' contrast, a
plain Process that raises; fd 1 and 2 of the parent and of every worker captured."""
import contextlib
import multiprocessing as mp
import os
import sys
import tempfile
import time

from py_contract import label_of, name


def fail(x):
    raise ValueError(f"task {x} failed")


@contextlib.contextmanager
def fd_capture():
    """fd 1 and fd 2 of this process pointed at two temporary files, and restored after:
    a worker forked (or spawned) meanwhile inherits them, so what the parent and every
    worker write to the terminal lands here, whichever way it is written (sys.stderr, a
    C library, os.write). Yields a function that returns (stdout bytes, stderr bytes)
    so far. Files, not pipes: a full pipe nobody reads would block the writer."""
    sys.stdout.flush()
    sys.stderr.flush()
    files = [tempfile.TemporaryFile(), tempfile.TemporaryFile()]
    saved = [os.dup(1), os.dup(2)]
    try:
        os.dup2(files[0].fileno(), 1)
        os.dup2(files[1].fileno(), 2)

        def got():
            sys.stdout.flush()
            sys.stderr.flush()
            return tuple(os.pread(f.fileno(), os.fstat(f.fileno()).st_size, 0)
                         for f in files)
        yield got
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)
        for f in files:
            f.close()


TRACEBACK = b"Traceback (most recent call last)"


def shown_on_fds(out, err, message):
    """Whether a traceback or the exception's message reached fd 1 or 2."""
    return int(any(TRACEBACK in b or message.encode() in b for b in (out, err)))


def never_fetched(task=None):
    """The notes' code: apply_async, the result never fetched. fd 1 and 2 of the parent
    and of the pool's workers are captured from before the pool starts until it is
    joined: was anything shown, did anything raise in the caller? task: what the worker
    runs (fail by default; a test passes one that also writes to fd 2)."""
    task = task or fail
    with fd_capture() as got:
        try:
            po = mp.get_context("fork").Pool(2)
            po.apply_async(task, (1,))
            po.close()
            po.join()
            raised = None
        except Exception as e:  # the notes' caller would see this
            raised = e
        out, err = got()
    counters = {"stdout_bytes": len(out), "stderr_bytes": len(err)}
    if raised is not None:
        return dict(counters, shown=1), label_of([["raised_in_caller",
                                                     type(raised).__name__]])
    shown = shown_on_fds(out, err, "task 1 failed")
    if shown or out or err:
        text = (out + err).decode(errors="replace").strip().splitlines()
        return (dict(counters, shown=shown),
                label_of([["reached_fds", len(out), len(err), text[-1][:80] if text else ""]]))
    return dict(counters, shown=0), label_of([["silent"]])


def plain_process_raises():
    """The notes' contrast (子进程会): a plain Process (fork) whose target raises, its
    fd 1 and 2 captured as never_fetched's are. Shown: its traceback reached fd 2."""
    with fd_capture() as got:
        p = mp.get_context("fork").Process(target=fail, args=(4,))
        p.start()
        p.join()
        out, err = got()
    shown = int(TRACEBACK in err)
    counters = {"shown": shown, "stderr_bytes": len(err), "stdout_bytes": len(out),
                "exitcode": p.exitcode}
    if shown:
        last = err.decode(errors="replace").strip().splitlines()[-1]
        return counters, label_of([["traceback", len(err), last[:60], p.exitcode]])
    return counters, label_of([["no_traceback", len(err), p.exitcode]])


def fetched_with_get():
    po = mp.get_context("fork").Pool(2)
    r = po.apply_async(fail, (2,))
    try:
        r.get(timeout=10)
        outcome = {"shown": 0}, label_of([["returned_normally", "get"]])
    except ValueError as e:
        outcome = {"shown": 1}, label_of([["raised", "get", f"{type(e).__name__}: {e}"]])
    po.close()
    po.join()
    return outcome


def with_error_callback():
    seen = []
    po = mp.get_context("fork").Pool(2)
    po.apply_async(fail, (3,), error_callback=seen.append)
    po.close()
    po.join()
    if not seen:
        return {"shown": 0}, label_of([["error_callback_not_called"]])
    return {"shown": 1}, label_of([["error_callback", f"{type(seen[0]).__name__}: {seen[0]}"]])


def exceptions(suite):
    """The notes' question: is an exception in a pool worker shown in the main process?
    Each way is run as an experiment; its time is that of the whole experiment (a Pool of
    two made, the task failed, the pool joined). The notes' contrast beside it: a plain
    Process whose target raises."""
    for variant, how, case in (("mp_pool", "never_fetched", never_fetched),
                               ("mp_pool", "get", fetched_with_get),
                               ("mp_pool", "error_callback", with_error_callback),
                               ("process", "none", plain_process_raises)):
        outcome = [{}, ""]

        def once(n, case=case):
            t0 = time.perf_counter()
            for _ in range(n):
                outcome[:] = case()
            return time.perf_counter() - t0

        suite.measure(name(variant, "exception", fetch=how), once, 1,
                      counters=lambda: dict(outcome[0]), label=lambda: outcome[1])
