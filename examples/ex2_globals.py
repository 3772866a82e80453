#!/usr/bin/env python3
"""例 2：进程间不共享全局变量（讲义"进程间不同享全局变量"一节的 nums 例子）。

讲义的 work1、work2 原样保留。为了让父进程能检验子进程里的 nums，新增了一个小函数
run_and_report：它在子进程里执行讲义的 work1/work2，结束后把这个子进程里的 nums
通过队列（讲义下一节的方法）送回父进程。最后用线程做一个对照：同样的 work1 放进线程里执行。

运行：python3 examples/ex2_globals.py
"""
import sys

# 按行输出：每打印一行就整行写出（一次 write）。终端里本来就是这样；输出接到管道
# （run_all.py、测试）时，也让几个进程的行按发生的先后出现、互不穿插。
sys.stdout.reconfigure(line_buffering=True, write_through=False)

# ==== 讲义原程序 ====
from multiprocessing import Process
import os
import time

nums = [11, 22]

def work1():
    """子进程要执行的代码"""
    print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))
    for i in range(3):
        nums.append(i)
        time.sleep(1)
        print("in process1 pid=%d ,nums=%s" % (os.getpid(), nums))

def work2():
    """子进程要执行的代码"""
    print("in process2 pid=%d ,nums=%s" % (os.getpid(), nums))

# ==== 讲义原程序的函数部分结束 ====


def run_and_report(work, q):
    """新增：在子进程里执行讲义的 work1/work2，然后把这个子进程里的 nums 送回父进程。"""
    work()
    q.put(list(nums))


def thread_contrast():
    """新增的对照：把 work1 放进线程里执行，看主线程里的 nums 会不会变。"""
    import threading
    import contextlib
    import io
    print("-- 对照：把 work1 放进线程里执行（线程属于父进程，打印的 pid 就是父进程的 pid）--")
    out = io.StringIO()

    def in_thread():
        with contextlib.redirect_stdout(out):
            work1()

    t = threading.Thread(target=in_thread)
    t.start()
    t.join()
    # work1 是讲义的函数，它自称 "in process1"；这里它跑在线程里，输出照实改名。
    for line in out.getvalue().splitlines():
        print(line.replace("in process1", "in thread (work1)", 1))
    return list(nums)


if __name__ == '__main__':
    import argparse
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    import multiprocessing
    from multiprocessing import Queue
    print("== 例 2：进程间不共享全局变量（启动方式：%s）==" % multiprocessing.get_start_method())
    print("父进程 pid=%d，开始时 nums=%s" % (os.getpid(), nums))

    # 讲义的主程序：先让 p1 执行 work1 并等它结束，再让 p2 执行 work2。
    q = Queue()  # 新增：子进程用它把自己的 nums 送回来
    p1 = Process(target=run_and_report, args=(work1, q))  # 讲义原文：Process(target=work1)
    p1.start()
    nums_in_p1 = q.get()  # 新增：先取回 p1 里的 nums，再 join
    p1.join()

    p2 = Process(target=run_and_report, args=(work2, q))  # 讲义原文：Process(target=work2)
    p2.start()
    nums_in_p2 = q.get()  # 新增
    p2.join()             # 新增：讲义没有等 p2 结束
    nums_in_parent = list(nums)

    print("-- 检验 --")
    print("讲义的说法：子进程修改全局变量，父进程看不到，之后创建的子进程也看不到——进程间不共享全局变量。")
    print("实际：子进程 process1 里 nums = %s，子进程 process2 里 nums = %s，父进程里 nums = %s。"
          % (nums_in_p1, nums_in_p2, nums_in_parent))
    if p1.exitcode != 0 or p2.exitcode != 0:
        print("错误：子进程没有正常结束（退出码 %s、%s），无法检验。" % (p1.exitcode, p2.exitcode))
        sys.exit(1)
    process_ok = (nums_in_p1 == [11, 22, 0, 1, 2] and nums_in_p2 == [11, 22]
                  and nums_in_parent == [11, 22])
    print("结论（进程）：%s" % ("符合讲义" if process_ok else "不符合讲义"))

    nums_after_thread = thread_contrast()
    print("讲义的说法（\"进程和线程\"一节）：多个线程共享内存，所以线程修改全局变量，主线程看得到。")
    print("实际：线程执行 work1 之后，主线程里 nums = %s。" % nums_after_thread)
    thread_ok = nums_after_thread == [11, 22, 0, 1, 2]
    print("结论（线程）：%s" % ("符合讲义" if thread_ok else "不符合讲义"))

    agrees = process_ok and thread_ok
    print("结论：%s" % ("符合讲义" if agrees else "不符合讲义"))
    print("RESULT: ex2 %s" % ("agrees" if agrees else "disagrees"))
