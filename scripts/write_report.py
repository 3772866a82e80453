#!/usr/bin/python3
"""write_report.py [--lang zh] RESULTS_FOLDER - writes the folder's REPORT.md (and data/,
figures/, TARGETS.md, the appendices SKIPPED.md, NOISE.md, MACHINE.md) and its handout; with --lang zh also REPORT.zh.md and the Chinese
handout. The work is done by the package report/ beside this file."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (the package scripts/report/)


def take_lang(argv):
    """argv without --lang LANG / --lang=LANG; LANG goes to TVP_LANG, which the report
    reads (report.i18n.report_languages). Exits with status 2 on a language without a
    catalogue."""
    from report import i18n
    out, lang = [], None
    it = iter(argv)
    for a in it:
        if a == "--lang":
            lang = next(it, "")
        elif a.startswith("--lang="):
            lang = a.split("=", 1)[1]
        else:
            out.append(a)
    if lang is not None:
        os.environ["TVP_LANG"] = lang
        try:
            i18n.report_languages()
        except i18n.LanguageError as e:
            print(f"tvp: {e}", file=sys.stderr)
            sys.exit(2)
    return out


if __name__ == "__main__":
    sys.exit(report.main(take_lang(sys.argv)))
