"""py_payload.py - C4, what pickling costs: items of a kind (bytes, small ints, a dict of
strings) and a size through multiprocessing.Queue, Pipe and a shared_memory ring between
processes, queue.Queue between threads, and pickle alone."""
import multiprocessing as mp
import pickle
import queue

from py_contract import name
from py_harness import now, run_gated
from py_queues import C_QUEUE_CAPACITY

PAYLOADS = ("bytes", "ints", "strs")


def make_payload(kind, size):
    """size bytes of data as C would hold it: bytes; size / 8 small ints (8 bytes each
    in C); a dict of size / 32 entries, each a 16-character key and value."""
    if kind == "bytes":
        return b"x" * size
    if kind == "ints":
        return [i % 100 for i in range(max(1, size // 8))]
    return {f"k{i:015d}": f"v{i:015d}" for i in range(max(1, size // 32))}


def payload_producer(transport, chan, kind, size, n, ready, gate):
    item = make_payload(kind, size)
    ready.release()
    gate.wait()
    if transport == "mp_queue" or transport == "queue":
        for _ in range(n):
            chan.put(item)
    elif transport == "mp_pipe":
        for _ in range(n):
            chan.send(item)
    else:  # shared_memory: (segment, free slots, filled slots, slot size)
        shm, free, filled, slot = chan
        buf = shm.buf
        for i in range(n):
            data = item if kind == "bytes" else pickle.dumps(item)
            free.acquire()
            at = (i % C_QUEUE_CAPACITY) * slot
            buf[at:at + 8] = len(data).to_bytes(8, "little")
            buf[at + 8:at + 8 + len(data)] = data
            filled.release()
        del buf


def payload_once(transport, kind, size, n, check):
    """Seconds for n items through the transport, from the gate to the last one; check
    holds whether every item arrived whole."""
    item = make_payload(kind, size)
    fork = mp.get_context("fork")
    got = [None, 0]
    if transport == "queue":
        q = queue.Queue(C_QUEUE_CAPACITY)

        def consume():
            for _ in range(n):
                got[0] = q.get()
                got[1] += 1
        t = run_gated(None, payload_producer, (transport, q, kind, size, n), consume)
    elif transport == "mp_queue":
        q = fork.Queue()

        def consume():
            for _ in range(n):
                got[0] = q.get()
                got[1] += 1
        try:
            t = run_gated(fork, payload_producer, (transport, q, kind, size, n), consume)
        finally:
            q.close()
            q.join_thread()
    elif transport == "mp_pipe":
        rx, tx = fork.Pipe(duplex=False)

        def consume():
            for _ in range(n):
                got[0] = rx.recv()
                got[1] += 1
        try:
            t = run_gated(fork, payload_producer, (transport, tx, kind, size, n), consume)
        finally:
            rx.close()
            tx.close()
    elif transport == "shared_memory":
        from multiprocessing import shared_memory
        slot = 8 + len(item if kind == "bytes" else pickle.dumps(item))
        shm = shared_memory.SharedMemory(create=True, size=slot * C_QUEUE_CAPACITY)
        free, filled = fork.Semaphore(C_QUEUE_CAPACITY), fork.Semaphore(0)
        try:
            buf = shm.buf

            def consume():
                for i in range(n):
                    filled.acquire()
                    at = (i % C_QUEUE_CAPACITY) * slot
                    length = int.from_bytes(buf[at:at + 8], "little")
                    data = bytes(buf[at + 8:at + 8 + length])
                    free.release()
                    got[0] = data if kind == "bytes" else pickle.loads(data)
                    got[1] += 1
            t = run_gated(fork, payload_producer,
                          (transport, (shm, free, filled, slot), kind, size, n), consume)
            del buf
        finally:
            shm.close()
            shm.unlink()
    else:  # pickle alone: what a process transport adds to a reference, per item
        t0 = now()
        for _ in range(n):
            got[0] = pickle.loads(pickle.dumps(item))
            got[1] += 1
        t = now() - t0
    check[:] = [int(got[1] == n and got[0] == item)]
    return t


def payload(suite, sizes):
    """C4: Queue, Pipe and shared_memory between processes, queue.Queue between threads
    (a reference passes; nothing is copied) and pickle alone, by payload kind and size."""
    for kind in PAYLOADS:
        for size in sizes:
            pickled = len(pickle.dumps(make_payload(kind, size)))
            for transport in ("queue", "mp_queue", "mp_pipe", "shared_memory", "pickle"):
                full = name(transport, "payload", payload=kind, item_bytes=size)
                if not suite.wanted(full):
                    continue
                check = []

                def once(n, transport=transport, kind=kind, size=size, check=check):
                    return payload_once(transport, kind, size, n, check)

                budget, suite.budget = suite.budget, suite.budget / 8
                try:
                    suite.measure(full, once, suite.calibrate(once, start=20, cap=50000),
                                  counters=lambda check=check, pickled=pickled: {
                                      "delivered": check[0], "pickle_bytes": pickled})
                finally:
                    suite.budget = budget
