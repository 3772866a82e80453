#!/usr/bin/env python3
"""例 3（讲义原样）：通过队列完成进程间通信——讲义的写法有竞争，会丢数据。

讲义的程序原样保留（这一段讲义里没有制表符），只在分析进程的 print 里加上了取到的数据 r，
好让检验部分知道分析进程取到了几个数据。分析进程用 `if q.empty(): break` 判断结束：
有时下载进程还没把 3 个数据都送进队列，分析进程就看到"队列空了"而提前退出。
为什么会这样、应该怎么改，见 ex3_queue.py。

检验的做法：把讲义的程序在全新的 Python 解释器里运行 N 次（每次都相当于在命令行里
运行一次 python3 这个程序），数一数有几次分析进程取到的数据少于 3 个。
没有加任何 sleep，也没有用别的办法放大竞争窗口：数到的就是讲义原程序自然出现的次数。

讲义的程序还有第二个问题：main() 没有 join()。用 fork 启动子进程时（Linux 上 Python 3.13
及以前的默认方式）没有影响；用 spawn 或 forkserver 启动时（Windows、macOS 的默认方式，
Linux 上 Python 3.14 起的默认方式），子进程往往打不开已随 main() 返回而被回收的队列，
分析进程什么也没取到就出错退出。检验部分把这种情况也算作"少取了数据"，并单独列出。

运行：python3 examples/ex3_queue_racy.py             运行一次
      python3 examples/ex3_queue_racy.py --runs 200  运行 200 次，统计丢数据的次数
"""
import sys

# 按行输出：每打印一行就整行写出（一次 write）。终端里本来就是这样；输出接到管道
# （run_all.py、测试）时，也让几个进程的行按发生的先后出现、互不穿插。
sys.stdout.reconfigure(line_buffering=True, write_through=False)

# ==== 讲义原程序 ====
from multiprocessing import Queue,Process

def download(q):
    # 模拟下载好的数据
    data = [1, 2, 3]
    for d in data:
        q.put(d)
    print("下载进程数据下载完成并存储到队列中")

def analysis(q):
    r = list()
    while True:
        r.append(q.get())
        if q.empty():
            break
    print("分析进程分析数据：%s" % r)  # 修改：讲义只打印"分析进程分析数据"，这里加上取到的数据 r，供检验

def main():
    # 创建队列
    q = Queue(3)

    # 创建多线程，将队列的引用作为参数传递（讲义原文如此；这里创建的其实是进程）
    p1 = Process(target=download, args=(q,))
    p2 = Process(target=analysis, args=(q,))
    p1.start()
    p2.start()

# ==== 讲义原程序结束 ====


# ==== 检验部分（新增）：在新的解释器里运行上面的程序 N 次 ====
import ast
import multiprocessing
import queue
import os
import re
import signal
import subprocess

DATA = [1, 2, 3]


def once():
    """运行一次讲义的 main()，然后看队列本身有没有丢数据：等两个子进程都结束后，
    把队列里剩下的数据取出来打印。讲义的程序不动；只是把它用的 Queue 换成一个
    记下所建队列的同名函数，好在 main() 返回后还拿得到 q。"""
    made = []

    def recording_queue(*args):
        q = multiprocessing.Queue(*args)
        made.append(q)
        return q

    globals()["Queue"] = recording_queue
    main()
    for p in multiprocessing.active_children():
        p.join()
    left = []
    for q in made:
        while True:
            try:
                left.append(q.get(timeout=0.5))
            except queue.Empty:
                break
    print("检验：两个子进程结束后，队列里还剩 %s" % left)


def run_once():
    """在一个新的 Python 解释器里运行一次讲义的程序，返回（退出码, 输出, 分析进程取到的数据）。"""
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
    left = re.search(r"^检验：两个子进程结束后，队列里还剩 (\[.*\])$", out, re.M)
    return (proc.returncode, out, (ast.literal_eval(m.group(1)) if m else None),
            ast.literal_eval(left.group(1)) if left else None)


def check(runs):
    import multiprocessing
    print("== 例 3（讲义原样）：通过队列完成进程间通信（启动方式：%s）=="
          % multiprocessing.get_start_method())
    if runs > 1:
        print("把讲义的程序在新的 Python 解释器里运行 %d 次（每次都相当于在命令行里运行一次）。" % runs)
    got = []  # 每次分析进程取到的数据；分析进程没有打印结果时为 None
    kept = []  # 每次：分析进程取到的加上队列里剩下的，是否正好是放进去的数据
    for k in range(runs):
        rc, out, r, left = run_once()
        if k == 0:
            print("第 1 次的输出：" if runs > 1 else "讲义程序的输出：")
            for line in out.splitlines():
                print("  " + line)
            if runs > 1:
                print("（其余 %d 次的输出从略）" % (runs - 1))
        if rc != 0:
            print("错误：第 %d 次运行没有正常结束（退出码 %s），输出：" % (k + 1, rc))
            print(out)
            sys.exit(1)
        got.append(r)
        kept.append(r is not None and left is not None and r + left == DATA)

    lost = [(k + 1, r) for k, r in enumerate(got) if r != DATA]
    counts = {n: sum(1 for r in got if r is not None and len(r) == n)
              for n in range(len(DATA), 0, -1)}
    no_result = sum(1 for r in got if r is None)
    print("-- 检验 --")
    print("讲义的说法：下载进程放进队列的 %d 个数据 %s，分析进程都能取到（用队列完成进程间通信）。"
          % (len(DATA), DATA))
    print("实际：%d 次中，分析进程取到 %s%s；%d 次少取了数据（%.1f%%）。"
          % (runs, "，".join("%d 个的 %d 次" % (n, c) for n, c in counts.items()),
             "，没有打印结果（子进程出错）的 %d 次" % no_result if no_result else "",
             len(lost), 100.0 * len(lost) / runs))
    if lost:
        print("少取数据的几次%s：%s。" % (
            "（前 5 次）" if len(lost) > 5 else "",
            "，".join("第 %d 次%s" % (k, "只取到 %s" % r if r is not None else "没有结果")
                     for k, r in lost[:5])))
    if no_result:
        print("没有结果的那几次：讲义的 main() 没有 join()，main() 一返回队列 q 就被回收。"
              "用 fork 启动子进程时这没有影响；用 spawn 或 forkserver 启动时（启动方式见第一行），"
              "子进程启动后要按名字重新打开队列用到的信号量，它往往已随 q 一起被删除，"
              "子进程报 FileNotFoundError 退出。改正版 ex3_queue.py 会 join 两个子进程，没有这个问题。")
    print("队列本身：%d 次中有 %d 次，分析进程取到的加上两个子进程结束后队列里剩下的，"
          "正好是放进去的 %s，一个不少、顺序不乱。" % (runs, sum(kept), DATA))
    if lost:
        raced = sum(1 for r in got if r is not None and r != DATA)
        raced_kept = sum(1 for r, k in zip(got, kept) if r is not None and r != DATA and k)
        reasons = []
        if raced:
            reasons.append("%d 次是读取循环的竞争：分析进程用 q.empty() 判断结束，下载进程还没把数据"
                           "全部送进队列时，它就可能看到\"队列空了\"而提前退出；这 %d 次里有 %d 次，"
                           "没取到的数据事后都还在队列里——队列没有丢数据，是循环没有等它"
                           % (raced, raced, raced_kept))
        if no_result:
            reasons.append("%d 次是因为 main() 没有 join()，子进程没能打开队列（见上）" % no_result)
        print("结论：讲义的程序没有做到讲义说的事，毛病在程序的写法，不在队列——%s。"
              "改法见 ex3_queue.py。" % "；".join(reasons))
        print("RESULT: ex3-racy disagrees")
    else:
        print("结论：%s符合讲义。但这不说明程序没有问题：竞争只是%s没有出现，"
              "多运行几次（例如 --runs 200）就可能看到。"
              % ("这一次" if runs == 1 else "这 %d 次都" % runs, "这一次" if runs == 1 else "这几次"))
        print("RESULT: ex3-racy agrees")


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1, metavar="N",
                    help="运行讲义的程序 N 次并统计丢数据的次数（默认 1）")
    ap.add_argument("--once", action="store_true",
                    help="只运行一次讲义的程序，不做检验（检验部分在内部使用）")
    args = ap.parse_args()
    if args.once:
        once()
    else:
        if args.runs < 1:
            ap.error("--runs 至少为 1")
        check(args.runs)
