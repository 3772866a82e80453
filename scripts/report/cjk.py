"""cjk.py - text in lines of a width where a Chinese letter takes two columns (the
figures' cells of report/pool.py): moved out of pool.py whole."""
import re
import textwrap
import unicodedata


def is_wide(c):
    return unicodedata.east_asian_width(c) in "WF"


def wide(text):
    """Whether text has letters twice a Latin letter's width (Chinese)."""
    return any(is_wide(c) for c in text)


def wrap(text, width):
    """text in lines of at most width columns, a wide letter two: textwrap's for Latin
    text (the same lines as ever), and for text with wide letters a break before any of
    them or at a space."""
    if not wide(text):
        return textwrap.wrap(text, width)
    # Tokens: a Latin word with the spaces after it, or one wide letter.
    tokens = re.findall(r"[^\s\u2e80-\uffef]+\s*|[\u2e80-\uffef]\s*|\s+", text)
    lines, line, cols = [], "", 0
    for t in tokens:
        w = sum(2 if is_wide(c) else 1 for c in t.rstrip())
        if line and cols + w > width:
            lines.append(line.rstrip())
            line, cols = "", 0
        line += t
        cols += w + (len(t) - len(t.rstrip()))
    if line.strip():
        lines.append(line.rstrip())
    return lines
