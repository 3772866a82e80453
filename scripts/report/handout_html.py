"""handout_html.py - the handout as one self-contained HTML page for a browser offline
(pandoc, installed by make deps): its CSS, drawn for a projector at 1280x720, and the call
that writes it beside the markdown (scripts/report/handout.py)."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from report import i18n  # noqa: E402
from report.i18n import _  # noqa: E402

# How a page is cut for print and projection: each claim starts a page.
PAGE_BREAK = '<div style="page-break-after: always;"></div>'
# 28 px text (the lecturer's ask: legible from the back row), at most three bullets a
# page; what does not fit goes to the report, never into smaller type. The claim's id
# rides in the notes' sentence (its heading is for the links, not shown).
CSS = """html { font-size: 28px; }
body { margin: 0; padding: 0; font-family: sans-serif; line-height: 1.25; color: #111; }
:lang(zh) body, body:lang(zh) { font-family: "Noto Sans CJK SC", sans-serif; }
.title, section.level2 { box-sizing: border-box; height: 100vh; padding: 0.35rem 1.1rem;
 display: flex; flex-direction: column; overflow: hidden; border-bottom: 1px solid #ccc; }
.title { justify-content: center; }
.title h1 { font-size: 1.4rem; margin: 0 0 0.5rem 0; }
.title ul { margin: 0; padding-left: 1.1rem; }
.title li { margin-bottom: 0.35rem; }
section.level2 > h2 { display: none; }
blockquote { font-size: 1rem; border-left: 6px solid #1f77b4; margin: 0 0 0.15rem 0;
 padding-left: 0.5rem; }
blockquote p { margin: 0; }
p { margin: 0.1rem 0; }
.flag { color: #8a4b00; }
.body { flex: 1 1 0; min-height: 0; display: flex; gap: 0.6rem; align-items: center; }
.body > p { flex: 0 0 550px; min-width: 0; height: 100%; margin: 0; display: flex;
 align-items: center; }
.body img { display: block; max-width: 100%; max-height: 100%; margin: 0 auto; }
.reading { flex: 1 1 0; min-width: 0; line-height: 1.2; max-height: 100%; }
.reading ul { margin: 0; padding-left: 1rem; }
.reading li { margin-bottom: 0.25rem; }
.note { color: #222; }  /* 15:1 on white: the foot is read, not faded */
@media print { .title, section.level2 { height: auto; page-break-after: always;
 border: 0; } }
"""


def html(folder, md_name):
    """MD_NAME as one self-contained HTML file beside it, or why not."""
    pandoc = shutil.which("pandoc")
    if not pandoc:
        return "pandoc is not installed (make deps)"
    out = md_name[:-3] + ".html"
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout
    major = int(version.split()[1].split(".")[0]) if version.split()[1:] else 2
    embed = ["--embed-resources", "--standalone"] if major >= 3 else ["--self-contained"]
    title = _("Threads and processes: the handout")
    with tempfile.NamedTemporaryFile("w", suffix=".css", prefix="tvp-handout-") as css:
        css.write(CSS)  # embedded in the page by pandoc; the run folder gets no file
        css.flush()
        r = subprocess.run([pandoc, "-f", "markdown-implicit_figures", "-t", "html5", *embed,
                            "--section-divs", "--css", css.name,
                            "--metadata", f"pagetitle={title}",
                            "--metadata", f"lang={'zh-CN' if i18n.current() == 'zh' else 'en'}",
                            "-o", out, md_name], cwd=folder, capture_output=True, text=True)
    if r.returncode != 0:
        return f"pandoc failed: {r.stderr.strip()[-300:]}"
    return None
