#!/usr/bin/env python3
"""例 1：用 Process 创建多进程（讲义"Process创建多进程"一节）。

讲义的程序原样保留，只把第 19、31 行（讲义原文）行首的制表符换成了空格：
原文混用制表符和空格，Python 3 会报 IndentationError，根本运行不起来。
程序最后的"检验"部分是新增的：它说明讲义认为会发生什么、实际发生了什么。

运行：python3 examples/ex1_process.py
"""
import sys

# 按行输出：每打印一行就整行写出（一次 write）。终端里本来就是这样；输出接到管道
# （run_all.py、测试）时，也让几个进程的行按发生的先后出现、互不穿插。
sys.stdout.reconfigure(line_buffering=True, write_through=False)

# ==== 讲义原程序（制表符已改为空格） ====
from multiprocessing import Process
import os
from time import sleep

def sing():
    print('子进程运行中，pid=%d...' % os.getpid())  # os.getpid获取当前进程的进程号
    for i in range(5):
        print("singing...%d" % i)
        sleep(1)


def dance():
    for i in range(5):
        print("dancing...%d" % i)
        sleep(1)

def main():
    print('父进程pid: %d' % os.getpid())  # os.getpid获取当前进程的进程号
    p1 = Process(target=sing)
    p2 = Process(target=dance)
    p1.start()
    p2.start()
    return p1, p2  # 新增：把两个进程对象交给下面的检验部分

# ==== 讲义原程序结束 ====


def check(p1, p2):
    """检验：讲义的说法和实际发生的事。"""
    # 讲义的 main() 没有 join()。main() 返回时两个子进程还在运行；
    # Python 退出前 multiprocessing 会自动等待所有非守护子进程，所以程序照样会等它们结束。
    # 这里在 main() 刚返回时看一眼两个子进程是否都还活着（两个任务是否同时在进行），再显式 join()。
    both_alive = p1.is_alive() and p2.is_alive()
    p1.join()
    p2.join()
    parent = os.getpid()

    print("-- 检验 --")
    print("讲义的说法：Process 创建的是子进程，每个子进程有自己的进程号（os.getpid() 与父进程不同），"
          "sing 和 dance 两个任务同时进行（多任务）。")
    print("实际：父进程 pid=%d，p1（sing）pid=%d，p2（dance）pid=%d；"
          "main() 返回时两个子进程同时存活：%s；退出码 p1=%s，p2=%s。"
          % (parent, p1.pid, p2.pid, "是" if both_alive else "否", p1.exitcode, p2.exitcode))
    print("说明：讲义的 main() 没有 join()；即使不 join，Python 退出前也会自动等待非守护子进程结束"
          "（这里的检验部分显式 join 了）。")

    if p1.exitcode != 0 or p2.exitcode != 0:
        print("错误：子进程没有正常结束，无法检验。")
        sys.exit(1)
    pids_distinct = len({parent, p1.pid, p2.pid}) == 3
    agrees = pids_distinct and both_alive
    print("结论：%s" % ("符合讲义" if agrees else "不符合讲义"))
    print("RESULT: ex1 %s" % ("agrees" if agrees else "disagrees"))


if __name__ == "__main__":
    import argparse
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    import multiprocessing
    print("== 例 1：用 Process 创建多进程（启动方式：%s）==" % multiprocessing.get_start_method())
    check(*main())
