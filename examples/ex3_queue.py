#!/usr/bin/env python3
"""例 3（改正版）：通过队列完成进程间通信——用哨兵 None 结束，不再丢数据。

讲义的写法（原样保留在 ex3_queue_racy.py）用 `if q.empty(): break` 判断结束，有竞争：
分析进程有时只取到一部分数据。这里只改了判断结束的方式，其余与讲义相同（改动处标有"修改"）。

检验的做法与 ex3_queue_racy.py 相同：把程序在全新的 Python 解释器里运行 N 次，
数一数分析进程每次取到了几个数据。

运行：python3 examples/ex3_queue.py             运行一次
      python3 examples/ex3_queue.py --runs 200  运行 200 次，每次都应取到全部 3 个数据
"""
import sys

# 按行输出：每打印一行就整行写出（一次 write）。终端里本来就是这样；输出接到管道
# （run_all.py、测试）时，也让几个进程的行按发生的先后出现、互不穿插。
sys.stdout.reconfigure(line_buffering=True, write_through=False)

# 讲义的写法为什么会丢数据：
#   q.put() 只是把数据放进下载进程自己的缓冲区，再由该进程里的一个后台线程写进进程间的管道；
#   q.empty() 看的只是"此刻管道里有没有数据"。分析进程取走第 1 个数据之后，第 2 个数据
#   可能还没从下载进程里写出来，q.empty() 就返回 True，循环提前结束，剩下的数据没人取。
#   Python 文档也写明：因为多线程/多进程的语义，empty() 的结果不可靠
#   （见 multiprocessing.Queue.empty 的说明）。
#
# 改法：下载进程放完数据后，再放一个哨兵 None，表示"数据放完了"；分析进程一直 q.get()
#   （队列里暂时没有数据时 get() 会等待，不会错过还在路上的数据），收到 None 才结束。
#   这是生产者-消费者问题的标准写法：什么时候结束由生产者明确告诉消费者，而不是由消费者
#   根据"队列此刻是否为空"去猜，因此与两个进程谁快谁慢无关；事先不知道有几个数据也能用。
#
# 没有选的两种改法：
#   - 先 join() 下载进程、再启动分析进程：在这里碰巧能用，但两个进程变成了先后执行；
#     而且队列容量只有 3，数据一多，下载进程会阻塞在 put() 上等人来取，主进程却在
#     join() 里等它结束——死锁。
#   - 分析进程按个数 get() 3 次：只有事先知道数据个数时才能用。

# ==== 讲义的程序（改正版） ====
from multiprocessing import Queue,Process

def download(q):
    # 模拟下载好的数据
    data = [1, 2, 3]
    for d in data:
        q.put(d)
    q.put(None)  # 修改：最后放一个哨兵 None，告诉分析进程"数据放完了"
    print("下载进程数据下载完成并存储到队列中")

def analysis(q):
    r = list()
    while True:
        d = q.get()      # 修改：队列暂时为空时 get() 会等待
        if d is None:    # 修改：收到哨兵才结束，不再用 q.empty() 判断
            break
        r.append(d)
    print("分析进程分析数据：%s" % r)  # 修改：讲义只打印"分析进程分析数据"，这里加上取到的数据 r，供检验

def main():
    # 创建队列
    q = Queue(3)

    # 创建多线程，将队列的引用作为参数传递（讲义原文如此；这里创建的其实是进程）
    p1 = Process(target=download, args=(q,))
    p2 = Process(target=analysis, args=(q,))
    p1.start()
    p2.start()
    p1.join()  # 新增：等两个子进程结束
    p2.join()

# ==== 讲义的程序结束 ====


# ==== 检验部分（新增）：在新的解释器里运行上面的程序 N 次 ====
import ast
import os
import re
import signal
import subprocess

DATA = [1, 2, 3]


def run_once():
    """在一个新的 Python 解释器里运行一次上面的程序，返回（退出码, 输出, 分析进程取到的数据）。"""
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--once"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # 连同它的子进程一起结束
        out, _ = proc.communicate()
        return None, out, None
    m = re.search(r"^分析进程分析数据：(\[.*\])$", out, re.M)
    return proc.returncode, out, (ast.literal_eval(m.group(1)) if m else None)


def check(runs):
    import multiprocessing
    print("== 例 3（改正版）：通过队列完成进程间通信，用哨兵结束（启动方式：%s）=="
          % multiprocessing.get_start_method())
    if runs > 1:
        print("把程序在新的 Python 解释器里运行 %d 次（每次都相当于在命令行里运行一次）。" % runs)
    got = []
    for k in range(runs):
        rc, out, r = run_once()
        if k == 0:
            print("第 1 次的输出：" if runs > 1 else "程序的输出：")
            for line in out.splitlines():
                print("  " + line)
            if runs > 1:
                print("（其余 %d 次的输出从略）" % (runs - 1))
        if rc != 0 or r is None:
            print("错误：第 %d 次运行没有正常结束（退出码 %s），输出：" % (k + 1, rc))
            print(out)
            sys.exit(1)
        got.append(r)

    complete = sum(1 for r in got if r == DATA)
    print("-- 检验 --")
    print("讲义的说法：下载进程放进队列的 %d 个数据 %s，分析进程都能取到（用队列完成进程间通信）。"
          % (len(DATA), DATA))
    print("实际：%d 次中，分析进程 %d 次取到全部数据 %s，%d 次少取了数据。"
          % (runs, complete, DATA, runs - complete))
    bad = [(k + 1, r) for k, r in enumerate(got) if r != DATA]
    if bad:
        print("少取数据的几次：%s。" % "，".join("第 %d 次取到 %s" % (k, r) for k, r in bad[:5]))
    agrees = not bad
    print("结论：%s" % ("符合讲义（用哨兵结束，不依赖 q.empty()，每次都取到全部数据）"
                       if agrees else "不符合讲义"))
    print("RESULT: ex3 %s" % ("agrees" if agrees else "disagrees"))


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1, metavar="N",
                    help="运行程序 N 次，检查每次是否都取到全部数据（默认 1）")
    ap.add_argument("--once", action="store_true",
                    help="只运行一次程序，不做检验（检验部分在内部使用）")
    args = ap.parse_args()
    if args.once:
        main()
    else:
        if args.runs < 1:
            ap.error("--runs 至少为 1")
        check(args.runs)
