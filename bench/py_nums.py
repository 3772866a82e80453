"""py_nums.py - C3, the notes' nums example: a worker appends three items to the global
list [11, 22]; how many the parent sees, through a plain global or a shared object
(multiprocessing.Array, shared_memory, a Manager's list)."""
import multiprocessing as mp
import sys
import threading
import time

from py_contract import name

nums = [11, 22]


def work_on_global():
    """The notes' work1: append 0, 1, 2 to the global list."""
    for i in range(3):
        nums.append(i)


def work_on_array(arr, length):
    """The same on a multiprocessing.Array with its length in a Value."""
    for i in range(3):
        arr[length.value] = i
        length.value += 1


def work_on_shm(shm):
    """The same on shared_memory: slot 0 holds the length, slots 1... the items."""
    view = shm.buf.cast("q")
    for i in range(3):
        view[1 + view[0]] = i
        view[0] += 1
    view.release()


def work_on_proxy(lst):
    """The same on a Manager's list proxy."""
    for i in range(3):
        lst.append(i)


def nums_experiment(method, via):
    """How many items the parent sees after one worker appended three to [11, 22]."""
    global nums
    nums = [11, 22]
    if method is None:
        t = threading.Thread(target=work_on_global)
        t.start()
        t.join()
        return len(nums)
    ctx = mp.get_context(method)
    if via == "global":
        p = ctx.Process(target=work_on_global)
        p.start()
        p.join()
        return len(nums)
    if via == "array":
        arr, length = ctx.Array("q", [11, 22, 0, 0, 0]), ctx.Value("q", 2)
        p = ctx.Process(target=work_on_array, args=(arr, length))
        p.start()
        p.join()
        return length.value
    if via == "shared_memory":
        from multiprocessing import shared_memory
        shm = shared_memory.SharedMemory(create=True, size=8 * 6)
        try:
            view = shm.buf.cast("q")
            view[0], view[1], view[2] = 2, 11, 22
            # Under fork the child keeps this mapping: nothing re-attaches by name, so the
            # resource tracker counts one segment, unlinked below.
            p = ctx.Process(target=work_on_shm, args=(shm,))
            p.start()
            p.join()
            seen = view[0]
            view.release()
            return seen
        finally:
            shm.close()
            shm.unlink()
    if via == "manager":
        with ctx.Manager() as manager:
            lst = manager.list([11, 22])
            p = ctx.Process(target=work_on_proxy, args=(lst,))
            p.start()
            p.join()
            return len(lst)
    raise ValueError(via)


def nums_family(suite):
    ways = [("thread", {"via": "global"}, None, "global")]
    for m in ("fork", "spawn", "forkserver"):
        ways.append(("process", {"start_method": m, "via": "global"}, m, "global"))
    for via in ("array", "shared_memory", "manager"):
        ways.append(("process", {"start_method": "fork", "via": via}, "fork", via))
    for variant, args, method, via in ways:
        full = name(variant, "nums", **args)
        if not suite.wanted(full):
            continue
        if method and method not in mp.get_all_start_methods():
            suite.skip(full, f"start method {method} is not available on {sys.platform}")
            continue
        seen = []

        def once(n, method=method, via=via):
            t0 = time.perf_counter()
            for _ in range(n):
                seen[:] = [nums_experiment(method, via)]
            return time.perf_counter() - t0

        suite.measure(full, once, 1, counters=lambda: {"parent_sees_items": seen[0]})
