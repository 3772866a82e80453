#!/usr/bin/env python3
"""依次运行讲义的四个例子（例 3 有原样版和改正版两个），最后给出总结。

每个例子单独在一个新的 Python 进程里运行，输出原样显示；每个例子最后一行是
"RESULT: <例子> agrees|disagrees"。有例子没能运行完（退出码不为 0、没有打印
RESULT 行或超时）时，本程序的退出码为 1。

运行：python3 examples/run_all.py                  全部例子
      python3 examples/run_all.py ex2 ex3_queue.py  只运行其中几个（例子名或文件名）
      python3 examples/run_all.py --runs 50          例 3 的两个版本各运行 50 次（默认 200）
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# （文件名, 例子名, 说明, 是否接受 --runs）
EXAMPLES = [
    ("ex1_process.py", "ex1", "用 Process 创建多进程", False),
    ("ex2_globals.py", "ex2", "进程间不共享全局变量（nums）", False),
    ("ex3_queue_racy.py", "ex3-racy", "通过队列通信：讲义原样的写法（有竞争）", True),
    ("ex3_queue.py", "ex3", "通过队列通信：改正版（哨兵 None）", True),
    ("ex4_pool.py", "ex4", "进程池 Pool 和 apply_async 里的异常", False),
]

TIMEOUT_S = 300  # 单个例子最长运行时间


def run_one(python, path, args):
    """运行一个例子，输出边读边显示；返回（退出码，超时为 None、无法启动为 -1；
    RESULT 行里的（例子名, 结论），没有为 None）。"""
    try:
        proc = subprocess.Popen([python, path] + args, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
    except OSError as e:
        print("run_all.py：无法启动 %s：%s" % (python, e))
        return -1, None
    timed_out = []

    def kill():
        timed_out.append(True)
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # 只结束这个例子和它的子进程
        except ProcessLookupError:
            pass

    timer = threading.Timer(TIMEOUT_S, kill)
    timer.start()
    verdict = None
    try:
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            m = re.match(r"RESULT: (\S+) (agrees|disagrees)$", line.strip())
            if m:
                verdict = (m.group(1), m.group(2))
        proc.wait()
    finally:
        timer.cancel()
    return (None if timed_out else proc.returncode), verdict


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("examples", nargs="*", metavar="EXAMPLE",
                    help="只运行这些例子（例子名如 ex3-racy，或文件名如 ex3_queue_racy.py）")
    ap.add_argument("--runs", type=int, default=200, metavar="N",
                    help="例 3 的两个版本各运行 N 次（默认 200）")
    ap.add_argument("--python", default=sys.executable, metavar="PATH",
                    help="用哪个 Python 运行例子（默认：运行本程序的这个，%(default)s）")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs 至少为 1")
    chosen = EXAMPLES
    if args.examples:
        known = {n for e in EXAMPLES for n in e[:2]}
        unknown = [n for n in args.examples if n not in known]
        if unknown:
            ap.error("没有这个例子：%s（可选：%s）"
                     % ("、".join(unknown), "、".join(e[1] for e in EXAMPLES)))
        chosen = [e for e in EXAMPLES if e[0] in args.examples or e[1] in args.examples]

    outcomes = []
    for fname, ex_id, title, takes_runs in chosen:
        extra = ["--runs", str(args.runs)] if takes_runs else []
        shown = " ".join(["python3", "examples/" + fname] + extra)
        print()
        print("=" * 20 + " %s：%s（%s）" % (ex_id, title, shown) + " " + "=" * 20, flush=True)
        t0 = time.monotonic()
        rc, verdict = run_one(args.python, os.path.join(HERE, fname), extra)
        seconds = time.monotonic() - t0
        if rc is None:
            problem = "超过 %d 秒没有结束，已结束它" % TIMEOUT_S
        elif rc == -1:
            problem = "无法启动"
        elif rc != 0:
            problem = "退出码为 %d" % rc
        elif verdict is None:
            problem = "没有打印 RESULT 行"
        elif verdict[0] != ex_id:
            problem = "RESULT 行的例子名是 %s，应为 %s" % (verdict[0], ex_id)
        else:
            problem = None
        if problem:
            print("run_all.py：%s 没有运行完：%s。" % (fname, problem))
        print("（%s 用时 %.1f 秒）" % (fname, seconds), flush=True)
        outcomes.append((ex_id, None if problem else verdict[1]))

    failed = [i for i, v in outcomes if v is None]
    agree = [i for i, v in outcomes if v == "agrees"]
    disagree = [i for i, v in outcomes if v == "disagrees"]
    print()
    print("总结：%d 个例子，%d 个运行完成，%d 个出错%s；符合讲义：%s；不符合讲义：%s。"
          % (len(outcomes), len(outcomes) - len(failed), len(failed),
             "（%s）" % "、".join(failed) if failed else "",
             "、".join(agree) or "无", "、".join(disagree) or "无"))
    print("SUMMARY: %d examples, %d ran, %d failed%s; agrees: %s; disagrees: %s"
          % (len(outcomes), len(outcomes) - len(failed), len(failed),
             " (%s)" % " ".join(failed) if failed else "",
             " ".join(agree) or "none", " ".join(disagree) or "none"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
