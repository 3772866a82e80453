"""i18n.py - the report's languages, from one catalogue of strings through Python's gettext.

English is the source language: a string is written in English in the code and wrapped in
_() where it is shown, and a translation is a .po file, locale/LANG/LC_MESSAGES/tvp.po
(LANG as gettext names it: zh_CN). Adding a language is adding that file; `make po`
re-extracts the strings into locale/tvp.pot and merges them into every .po.

    from report.i18n import _, N_, C_
    _("The cheapest worker here is {kind} ({us} µs per round trip).").format(kind=k, us=fmt(t))

A sentence with numbers has named placeholders, filled after translation with numbers
formatted by the same code in every language (kit.fmt), so a translator can move them
and a number never reads differently. N_() marks a string kept in a table and
translated where it is shown, with _(). C_(context, msgid) is _() with a msgctxt, for
an English word with two meanings (C_("workload", "cpu"): the scale workload, not the
machine's CPU); NC_(context, msgid) marks one in a table. Strings the code does not hold (each
Rule.prediction of scripts/verdicts/claims.py and scripts/verdicts/py_rules.py, the claims' key units
and conditions) are extracted from those tables by `python3 scripts/report/i18n.py
--pot-data FILE`, which `make po` runs.

The .po is compiled to build/locale/LANG/LC_MESSAGES/tvp.mo by the Makefile (msgfmt)
or here, when the .mo is missing or older than the .po. While a language other than
English is on, every msgid shown is recorded, and those the catalogue does not
translate are in MISSING: the tests list them."""
import contextlib
import gettext
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOMAIN = "tvp"
LOCALE_DIR = os.path.join(ROOT, "locale")
MO_DIR = os.path.join(ROOT, "build", "locale")
DEFAULT = "en"

_lang = DEFAULT
_catalogue = None     # the GNUTranslations of _lang, None for English
USED = set()          # msgids shown while a language other than English was on
MISSING = set()       # those of them the catalogue has no translation for


class LanguageError(ValueError):
    """A language without a catalogue, or a catalogue that cannot be compiled."""


def languages():
    """{code: gettext folder} of every language: English, and one per .po file
    (zh_CN/LC_MESSAGES/tvp.po gives "zh" and "zh_CN")."""
    out = {DEFAULT: None}
    if os.path.isdir(LOCALE_DIR):
        for folder in sorted(os.listdir(LOCALE_DIR)):
            if os.path.isfile(po_path(folder)):
                out.setdefault(folder.split("_")[0], folder)
                out[folder] = folder
    return out


def po_path(folder):
    return os.path.join(LOCALE_DIR, folder, "LC_MESSAGES", DOMAIN + ".po")


def mo_path(folder):
    return os.path.join(MO_DIR, folder, "LC_MESSAGES", DOMAIN + ".mo")


def compile_mo(folder):
    """build/locale/FOLDER/LC_MESSAGES/tvp.mo from the .po, when missing or older."""
    po, mo = po_path(folder), mo_path(folder)
    if os.path.exists(mo) and os.path.getmtime(mo) >= os.path.getmtime(po):
        return mo
    os.makedirs(os.path.dirname(mo), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(mo), suffix=".mo")
    os.close(fd)
    try:
        r = subprocess.run(["msgfmt", "--check-format", "-o", tmp, po],
                           capture_output=True, text=True)
    except FileNotFoundError:
        os.unlink(tmp)
        raise LanguageError("msgfmt (gettext) is not installed: run 'make deps'") from None
    if r.returncode != 0:
        os.unlink(tmp)
        raise LanguageError(f"{po} does not compile: {r.stderr.strip()}")
    os.replace(tmp, mo)  # never half-written: another report may read it now
    return mo


def set_language(lang):
    """Shows every _() string in LANG from now on ("en", "zh" or "zh_CN")."""
    global _lang, _catalogue
    known = languages()
    if lang not in known:
        raise LanguageError(f"no catalogue for language {lang!r}: the languages are "
                            f"{', '.join(sorted(known))} (a new one is a .po file, see docs/hacking.md)")
    folder = known[lang]
    if folder is None:
        _lang, _catalogue = DEFAULT, None
        return
    compile_mo(folder)
    _catalogue = gettext.translation(DOMAIN, MO_DIR, [folder])
    _lang = lang.split("_")[0]


def current():
    """The language now on, as its short code ("en", "zh")."""
    return _lang


@contextlib.contextmanager
def language(lang):
    """with language("zh"): ... - the language on inside, the one before after."""
    before = (_lang, _catalogue)
    set_language(lang)
    try:
        yield
    finally:
        globals().update(_lang=before[0], _catalogue=before[1])


def _(msgid):
    """msgid in the current language (itself in English, or where untranslated)."""
    if _catalogue is None or not msgid:
        return msgid
    USED.add(msgid)
    if msgid not in _catalogue._catalog:
        MISSING.add(msgid)
        return msgid
    return _catalogue.gettext(msgid)


def C_(context, msgid):
    """msgid in the current language, in CONTEXT (the .po's msgctxt): for one English
    word with two meanings, "cpu" the scale workload against the machine's CPU. Where
    the catalogue lacks it, msgid itself (recorded in MISSING, as _() does)."""
    if _catalogue is None or not msgid:
        return msgid
    key = f"{context}\x04{msgid}"  # how gettext stores a msgctxt's entry
    USED.add(key)
    if key not in _catalogue._catalog:
        MISSING.add(key)
        return msgid
    return _catalogue.pgettext(context, msgid)


def NC_(context, msgid):
    """Marks MSGID in CONTEXT for the catalogue where it is defined; C_() translates it
    where it is shown (xgettext's keyword NC_:1c,2)."""
    return msgid


def N_(msgid):
    """Marks a string for the catalogue where it is defined; _() translates it where
    it is shown."""
    return msgid


# Why a benchmark was skipped, as tvp-bench (gb_skip) and py_bench write it: English
# text with the numbers and names inside. reason() translates the known shapes: each a
# pattern of the English with named groups, and the msgid they fill. The C library's
# strerror texts in them are translated too. The order matters: the first match wins.
REASONS = [
    (r"wrk is not installed \(Debian package wrk; make deps\)",
     N_("wrk is not installed (Debian package wrk; make deps)")),
    (r"one PU: wrk and the server cannot run apart",
     N_("one PU: wrk and the server cannot run apart")),
    (r"parent memory (?P<mib>\d+) MiB: more than half of MemAvailable \((?P<avail>\d+) MiB\)",
     N_("parent memory {mib} MiB: more than half of MemAvailable ({avail} MiB)")),
    (r"parent memory (?P<mib>\d+) MiB: more than half of the (?P<avail>\d+) MiB left under "
     r"(?P<limit>.+)",
     N_("parent memory {mib} MiB: more than half of the {avail} MiB left under {limit}")),
    (r"transparent huge pages are \[(?P<mode>\w+)\] in (?P<path>\S+)",
     N_("transparent huge pages are [{mode}] in {path}")),
    (r"a memory limit needs a memory cgroup: (?P<why>.+)",
     N_("a memory limit needs a memory cgroup: {why}")),
    (r"start method (?P<method>\w+) is not available on (?P<platform>\w+)",
     N_("start method {method} is not available on {platform}")),
    (r"examples/ex3_queue_racy\.py \(the notes' program\) is not beside bench/",
     N_("examples/ex3_queue_racy.py (the notes' program) is not beside bench/")),
    # src/ipc/mq.c: a message queue's size limits, set by sysctl.
    (r"(?P<transport>\w+): a (?P<bytes>\d+)-byte message is over (?P<limit>[\w.]+) "
     r"\((?P<max>\d+)\)",
     N_("{transport}: a {bytes}-byte message is over {limit} ({max})")),
    (r"(?P<transport>\w+): a (?P<bytes>\d+)-byte message is over (?P<limit>[\w.]+) "
     r"\((?P<max>\d+)\) or (?P<limit2>[\w.]+) \((?P<max2>\d+)\)",
     N_("{transport}: a {bytes}-byte message is over {limit} ({max}) or {limit2} ({max2})")),
    # bench/http.c: a level this machine cannot hold, and what stops a server's row.
    (r"(?P<limit>RLIMIT_NOFILE|kernel/threads-max|kernel/pid_max) (?P<max>\d+) cannot hold "
     r"(?P<n>\d+) connections",
     N_("{limit} {max} cannot hold {n} connections")),
    (r"(?P<server>\w+): apache2 is not installed \(Debian package apache2; make deps\)",
     N_("{server}: apache2 is not installed (Debian package apache2; make deps)")),
    (r"(?P<server>\w+): Apache needs a cgroup to contain its children: (?P<why>.+)",
     N_("{server}: Apache needs a cgroup to contain its children: {why}")),
    (r"(?P<server>\w+): no request answered within wrk's (?P<s>\d+) s window at "
     r"(?P<n>\d+) connections \((?P<errors>\d+) errors, (?P<timeouts>\d+) timeouts\)",
     N_("{server}: no request answered within wrk's {s} s window at {n} connections "
        "({errors} errors, {timeouts} timeouts)")),
    (r"(?P<server>\w+): the server died during the run",
     N_("{server}: the server died during the run")),
    (r"(?P<what>[\w./ -]+) answered none of (?P<n>\d+) connections",
     N_("{what} answered none of {n} connections")),
    # bench/http.c's held sweep: what ended it (the row's label).
    (r"OOM kill at (?P<n>\d+)", N_("OOM kill at {n}")),
    (r"server died at (?P<n>\d+)", N_("server died at {n}")),
    (r"answered (?P<got>\d+) of the (?P<n>\d+) after (?P<open>\d+)",
     N_("answered {got} of the {n} after {open}")),
    (r"reached the sweep's cap, (?P<cap>\d+)", N_("reached the sweep's cap, {cap}")),
    # The rest: "call: strerror" (STYLE.md's rule for every error), the call kept.
    (r"(?P<call>[\w./ ]+?): (?P<error>[A-Z][a-z][\w ,'-]*)",
     N_("{call}: {error}")),
]
# glibc's strerror texts that a skip on a Linux machine quotes.
STRERROR = [N_("Cannot allocate memory"), N_("Resource temporarily unavailable"),
            N_("Operation not permitted"), N_("Permission denied"),
            N_("No such file or directory"), N_("Invalid argument"),
            N_("Device or resource busy"), N_("No space left on device"),
            N_("Too many open files"), N_("Function not implemented"),
            N_("Read-only file system"), N_("Connection refused")]


def reason(text):
    """TEXT, a skipped benchmark's reason in English, in the current language: the
    first REASONS pattern it matches, filled (a strerror text in it translated). One no
    pattern matches is shown in English and said to be ("... (not translated)"): never
    dropped, never guessed."""
    if _catalogue is None or not text:
        return text
    for pattern, msgid in REASONS:
        m = re.fullmatch(pattern, text.strip())
        if m:
            groups = {k: (_(v) if v in STRERROR else v) for k, v in m.groupdict().items()}
            if msgid == "{call}: {error}" and m.group("error") not in STRERROR:
                break  # a call and words no table knows: English, said to be
            return _(msgid).format(**groups)
    return _("{english} (not translated)").format(english=text)


def sentences(parts):
    """Sentences run together as the language writes them: a space between two in
    English, none in Chinese (the msgid "{sentence} {next}")."""
    out = parts[0] if parts else ""
    for part in parts[1:]:
        out = _("{sentence} {next}").format(sentence=out, next=part)
    return out


def suffix():
    """"" in English, ".zh" in Chinese: what a file written per language adds to its
    name (REPORT.zh.md, HANDOUT.zh.md)."""
    return "" if _lang == DEFAULT else "." + _lang


def subfolder():
    """"" in English, "zh" in Chinese: the folder under figures/ and data/ where the
    files of a language other than English go."""
    return "" if _lang == DEFAULT else _lang


def report_languages():
    """The languages a report is written in: English, then TVP_LANG's when it names
    another ("zh"; make report LANG=zh sets it). Raises LanguageError for one without
    a catalogue."""
    wanted = [DEFAULT] + [lang for lang in os.environ.get("TVP_LANG", "").replace(",", " ")
                          .split() if lang.split("_")[0] != DEFAULT]
    known = languages()
    for lang in wanted:
        if lang not in known:
            raise LanguageError(f"no catalogue for language {lang!r}: the languages are "
                                f"{', '.join(sorted(known))}")
    return list(dict.fromkeys(wanted))


def slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation out (letters of any
    script stay), each space a hyphen."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lstrip("#").strip().lower())
    return text.replace(" ", "-")


def anchor(english):
    """A link to a heading, "#c3--processes-...", in the current language: the anchor of
    the heading's translation, found as the msgid whose slug is the English anchor; the
    English anchor where no msgid is (the heading is still shown in English)."""
    if _catalogue is None:
        return english
    for msgid, msgstr in _catalogue._catalog.items():
        if isinstance(msgid, str) and msgid and msgstr and "#" + slug(msgid) == english:
            return "#" + slug(msgstr)
    return english


# --- the strings the code does not hold -----------------------------------------------

def data_strings():
    """[(msgid, where)] of the claim-level strings that live in tables, not in _():
    every Rule.prediction of claims.RULES and py_rules.PY_RULES, each Rule.unit that is
    a word and each Rule.part, and each claim's key units, conditions and part words."""
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    from verdicts import claims
    from verdicts import py_rules
    out = []
    for rules, where in ((claims.RULES, "scripts/verdicts/claims.py"),
                         (py_rules.PY_RULES, "scripts/verdicts/py_rules.py")):
        for r in rules:
            out.append((r.prediction, f"{where} {r.claim} prediction"))
            if r.unit:
                out.append((r.unit, f"{where} {r.claim} unit"))
            if r.part:
                out.append((r.part, f"{where} {r.claim} part"))
    for claim, c in claims.CLAIMS.items():
        for pair in ([c["key"]] if c.get("key") else []) + c.get("also", []):
            out.append((pair.unit, f"scripts/verdicts/claims.py {claim} key unit"))
            if pair.conditions:
                out.append((pair.conditions, f"scripts/verdicts/claims.py {claim} key conditions"))
            if pair.within_words:
                out.append((pair.within_words, f"scripts/verdicts/claims.py {claim} key part"))
    seen, unique = set(), []
    for msgid, where in out:
        if msgid not in seen:
            seen.add(msgid)
            unique.append((msgid, where))
    return unique


def po_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def write_pot_data(path):
    """The data strings as a .pot that msgcat joins to xgettext's (make po)."""
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for msgid, where in data_strings():
        lines += [f"#. {where}", f"msgid {po_quote(msgid)}", 'msgstr ""', ""]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--check"] and len(sys.argv) == 2:
        try:  # the languages TVP_LANG asks for, each with a catalogue that compiles
            for lang in report_languages():
                set_language(lang)
        except LanguageError as e:
            print(f"tvp: {e}", file=sys.stderr)
            sys.exit(2)
        sys.exit(0)
    if len(sys.argv) != 3 or sys.argv[1] != "--pot-data":
        print("usage: i18n.py --pot-data FILE   (the strings of the rule tables, as a .pot)\n"
              "       i18n.py --check           (TVP_LANG's languages have a catalogue)",
              file=sys.stderr)
        sys.exit(2)
    write_pot_data(sys.argv[2])
