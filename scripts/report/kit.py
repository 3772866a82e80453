"""kit.py - what every section of the report (and compare.py) shares: number formats,
the one helper that runs gnuplot, data files, markdown tables, and how a worker kind
is named in a heading. It imports nothing of the report but report.i18n (the language
of a figure's words and files, itself standalone), so compare.py can use it."""
import os
import shutil
import subprocess
import sys

from verdicts import stats
from report.i18n import N_, _

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Off in tests that only walk the report for the keys it asks for.
DRAW = True
# (script, figure, [warning lines]) of every figure gnuplot warned about.
WARNINGS = []


# --- numbers ------------------------------------------------------------------------

def fmt(x, digits=3):
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def ci_text(b):
    """A benchmark's median time with its interval: "12.3 [11.9, 13.0]"."""
    med, lo, hi, _ = b.median_ci()
    return f"{fmt(med)} [{fmt(lo)}, {fmt(hi)}]"


def coverage(n):
    """The probability that the interval of n repetitions holds the true median: 95%
    where n allows it, less where it does not (93.75% for 5: the widest, [min, max])."""
    return stats.median_ci(range(n))[3] if n >= 2 else 0.0


def interval_label(n):
    """How a table header or a caption names the interval of n repetitions."""
    if n < 2:
        return _("no interval")
    return _("{coverage} interval").format(coverage=f"{coverage(n):.2%}")


def interval_words(n):
    if n < 2:
        return _("one repetition, no interval")
    lo, hi = stats.median_ci(range(n))[1:3]
    ends = "[min, max]" if (lo, hi) == (0, n - 1) else f"[x({lo + 1}), x({hi + 1})]"
    return _("with {n} repetitions it is {ends} and covers the median with probability "
             "{coverage}").format(n=n, ends=ends, coverage=f"{coverage(n):.2%}")


def cv_text(b):
    flag = " ⚠" if b.cv > stats.NOISY_CV else ""
    return f"{b.cv * 100:.1f}%{flag}"


# Numbers a Reading computes from the run (a ratio of two medians, a fitted slope) rather
# than quotes from a table: each with how it was computed, written to data/derived.tsv so
# a reader can audit it and the figure check can tell it from a number typed in by hand.
DERIVED = []


def derived(x, how, digits=3, spec=None):
    """x formatted for a Reading (fmt, or format(x, spec)), recorded with how it was
    computed."""
    text = format(x, spec) if spec else fmt(x, digits)
    DERIVED.append((text, how))
    return text


def write_derived(folder):
    lines = [f"{text}\t{how}" for text, how in DERIVED]
    DERIVED.clear()
    write_data(folder, "derived.tsv", "value\thow it was computed\n" + "\n".join(lines) + "\n")


def human_rate(bps):
    for unit, div in (("GB/s", 1e9), ("MB/s", 1e6), ("kB/s", 1e3)):
        if bps >= div:
            return f"{bps / div:.3g} {unit}"
    return f"{bps:.3g} B/s"


def human_size(n):
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return f"{n // div} {unit}"
    return f"{n} B"


def human_ns(ns):
    for unit, div in (("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:g} {unit}"
    return f"{ns:g} ns"


def quotient(x, y):
    """x / y, or None when either is missing or y is 0 (a reader that returned nothing
    must not crash the report)."""
    return x / y if x is not None and y else None


def ratio(a, b):
    """median(a) / median(b) of two usable benchmarks, or None."""
    return quotient(a.median, b.median) if a and b else None


# --- tables -------------------------------------------------------------------------

def table(header, rows):
    """A markdown table: header cells, then rows of cells (or of ready lines)."""
    def line(cells):  # an empty cell is "| |", as a hand-written table has it
        return "|" + "|".join(f" {c} " if str(c) else " " for c in cells) + "|"

    return [line(header), "|" + "---|" * len(header)] + [
        r if isinstance(r, str) else line(r) for r in rows]


# --- who ran it ---------------------------------------------------------------------

MODE_WORD = {"thread": (N_("thread"), N_("threads")),
             "process": (N_("process"), N_("processes"))}


def who(run, kind, among, plural=False):
    """How a table names the worker kind of a row or column, in the report's language:
    by its mode ("threads", "process") when it is the only kind of that mode among the
    ones shown, else by the kind itself ("processes (posix_spawn)", or its label when
    not plural)."""
    mode = run.mode_of(kind) or "process"
    word = _(MODE_WORD.get(mode, (mode, mode + "s"))[plural])
    if sum(run.mode_of(k) == mode for k in among) <= 1:
        return word
    return _("{mode} ({kind})").format(mode=word, kind=kind) if plural \
        else run.describe.label(kind)


# The words for a placement in a heading; a policy not named here is written as is.
PIN_WORDS = {"none": N_("unpinned"), "same_pu": N_("one PU"), "same_core": N_("one core"),
             "diff_core": N_("two cores"), "diff_package": N_("two packages")}


def pin_words(pin):
    return _(PIN_WORDS[pin]) if pin in PIN_WORDS else pin


# Python's words for a parent's memory layout in a table cell or a figure's legend, in
# the report's language; one named by its flag keeps the flag's name in every language,
# and a layout not named here is written with the desc the run gives it.
LAYOUT_WORDS = {"private": N_("4 KiB pages"), "thp": N_("huge pages"),
                "maps": N_("64 KiB mappings")}
LAYOUT_FLAGS = {"shared": "MAP_SHARED"}


def layout_words(run, layout):
    if layout in LAYOUT_WORDS:
        return _(LAYOUT_WORDS[layout])
    return LAYOUT_FLAGS.get(layout) or run.describe.desc("layouts", layout)


def pinned_first(pins):
    """Placements with the unpinned one last: the tightest placement leads a table."""
    return [p for p in pins if p != "none"] + [p for p in pins if p == "none"]


def by_mode(run, kinds, first="thread"):
    """The kinds with those of mode `first` before the others, each in table order."""
    return sorted(kinds, key=lambda k: run.mode_of(k) != first)


def mode_bit(mode):
    """The column the figures colour by: 0 thread (blue), 1 process (red)."""
    return int(mode == "process")


# --- data files and figures ---------------------------------------------------------

def write_data(folder, name, text):
    path = os.path.join(lang_dir(folder, "data"), name)
    with open(path, "w") as f:
        f.write(text)
    return path


# --- languages ------------------------------------------------------------------------
# A figure's words come from the report (a section passes labels={NAME: _("...")}), so
# they are in the catalogue with the rest; the font is the language's. A language not
# named here draws in style.gp's "sans".
FONTS = {"zh": "Noto Sans CJK SC"}
# How a language writes a big number on an axis (plots/style.gp's big_base, big_word):
# pairs of a base and its word, smallest first. Chinese counts in 万 (10^4) and 亿
# (10^8): 600000 is 60万, not 600k.
BIG_NUMBERS = {"en": "1000 k 1000000 M 1000000000 G",
               "zh": "10000 万 100000000 亿 1000000000000 万亿"}


def lang_dir(folder, sub):
    """FOLDER/SUB (data, figures), or FOLDER/SUB/LANG for a language other than
    English, made when missing."""
    from report import i18n
    path = os.path.join(folder, sub, i18n.subfolder())
    os.makedirs(path, exist_ok=True)
    return path.rstrip(os.sep)


def gnuplot_string(text):
    """TEXT as a gnuplot string constant: single-quoted, a quote doubled, so that no
    backslash or @ in a label is ever interpreted."""
    return "'" + str(text).replace("'", "''") + "'"


def label_args(labels):
    """gnuplot -e definitions: FONT for the current language, and each label as a
    string variable (labels={"L_TITLE": _("...")} defines L_TITLE)."""
    from report import i18n
    defs = dict(labels or {})
    font = FONTS.get(i18n.current())
    if font:
        defs.setdefault("FONT", font)
    defs.setdefault("L_BIG", BIG_NUMBERS.get(i18n.current(), BIG_NUMBERS["en"]))
    out = []
    for name, text in defs.items():
        if not name.isidentifier():
            raise ValueError(f"figure label {name!r} is not a gnuplot variable name")
        out += ["-e", f"{name}={gnuplot_string(text)}"]
    return out


def gnuplot(script, data, out, *extra, labels=None):
    """Runs plots/SCRIPT with gnuplot -c on DATA into OUT.png and .svg, with LABELS
    ({gnuplot variable: text}) and the language's FONT defined first. Returns None, or
    why there is no figure."""
    if not DRAW:
        return "not drawn"
    if not shutil.which("gnuplot"):
        return "gnuplot is not installed (make deps)"
    r = subprocess.run(["gnuplot", *label_args(labels), "-c", os.path.join("plots", script),
                        data, out, *extra], cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        return f"gnuplot {script} failed: {r.stderr.strip()[-300:]}"
    # A warning is a figure that does not show what it says (a series without a point,
    # a log axis given a zero): said on the console and kept for the tests.
    warned = [line for line in r.stderr.splitlines() if "warning" in line.lower()]
    if warned:
        WARNINGS.append((script, os.path.basename(out), warned))
        print(f"gnuplot {script} → {os.path.basename(out)}: " + "; ".join(warned),
              file=sys.stderr)
    return None


def draw(folder, script, data, base, title, *extra, labels=None):
    """Draws figures/BASE.png and .svg (figures/LANG/ in a language other than English)
    from data already written (a file, or the prefix of several) and returns the
    report's lines that show it, or say why not. labels: see gnuplot()."""
    out = os.path.join(lang_dir(folder, "figures"), base)
    err = gnuplot(script, data, out, *extra, labels=labels)
    link = os.path.relpath(out, folder).replace(os.sep, "/")
    return [_("*Figure skipped: {error}*").format(error=err) if err
            else f"![{title}]({link}.png)", ""]


def figure(folder, script, data_name, text, title, *extra, labels=None):
    """Writes data/DATA_NAME and draws the figure of the same base name from it."""
    path = write_data(folder, data_name, text)
    return draw(folder, script, path, os.path.splitext(data_name)[0], title, *extra,
                labels=labels)
