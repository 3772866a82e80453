"""python_rows.py - the python scenario's rows as its report sections read them: the
interpreters a run used (the rules' first), one interpreter's usable rows, and the words
its tables show as written (code names) or through the catalogue. Shared by python.py,
python_gil.py and python_answers.py."""
import json

from report.i18n import _


# Code names, shown as written in every language (the other words of these tables are
# marked N_() and shown through the catalogue).
AS_WRITTEN = frozenset([
    "Thread().start(); join()", "pthread_create + join", "Process() fork: start; join",
    "Process() spawn", "Process() forkserver", "multiprocessing.Queue(3)", "queue.Queue(3)",
    "multiprocessing.Array + Value", "shared_memory", "bytes", "multiprocessing.Queue",
    "Pipe"])


def shown(text):
    """A table's word in the current language; a code name as written."""
    return text if text in AS_WRITTEN else _(text)


INTERP_KEYS = ("python", "python_implementation", "executable", "python_gil_enabled",
               "python_gil_disabled_build", "python_default_start_method", "python_rss_kib",
               "python_private_kib", "python_tag", "python_interp_tag", "start_methods")


def interpreters(run):
    """[(tag, info)] of every interpreter the run used, the rules' first (tag None)."""
    raw = run.ctx.get("python_interpreters")
    infos = json.loads(raw) if raw else [{k: run.ctx.get(k, "") for k in INTERP_KEYS}]
    return [(c.get("python_interp_tag") or None, c) for c in infos]


def rows_of(run, tag, measure, **fields):
    """The usable python rows of one interpreter (tag None: the first one's)."""
    return [b for b in run.select("python", measure, **fields)
            if b.usable and b.args.get("interp") == tag]


def bench_of(run, tag, variant, mode, measure, **args):
    if tag:
        args["interp"] = tag
    b = run.get("python", variant, mode, measure, **args)
    return b if b and b.usable else None


def yes_no(value):
    """A table's yes, or its **no** (bold: what the notes' reader should see)."""
    return _("yes") if value else "**" + _("no") + "**"
