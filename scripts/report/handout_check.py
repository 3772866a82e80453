#!/usr/bin/python3
"""handout_check.py FOLDER [--out DIR] - the handout as a projector shows it.

Opens FOLDER's HANDOUT.html and HANDOUT.zh.html in headless Chromium at 1280x720, one
page (the title, then each claim) at a time, and measures what a lecturer would see:
whether the page fits one screen, whether every image loaded, the smallest text on the
page in CSS pixels, and the smallest text inside each figure as shown (the font size of
the figure's SVG twin times the scale the page draws it at). A screenshot of every page
goes to DIR (default FOLDER/screens/). Prints one JSON object: {handout: [page, ...]}.

Exit status 0 with the measurements, 2 on bad input, 3 when Chromium is not installed
(`make deps` installs it where Debian has it)."""
import argparse
import glob
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SIZE = (1280, 720)
BROWSERS = ("chromium", "chromium-browser", "google-chrome")

# Measures the one page left visible, once everything has loaded; the result goes into
# the page itself, which --dump-dom prints.
PROBE = """<script>
window.addEventListener("load", () => {
  const page = document.querySelector(".tvp-only");
  const box = page.getBoundingClientRect();
  let bottom = box.top, minFont = Infinity, smallest = "";
  for (const el of page.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.height > 0) bottom = Math.max(bottom, r.bottom);
    const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim());
    if (own.length && r.height > 0) {
      const f = parseFloat(getComputedStyle(el).fontSize);
      if (f < minFont) { minFont = f; smallest = own[0].textContent.trim().slice(0, 40); }
    }
  }
  // A box whose content runs past it (the reading under the note) overflows even where
  // the page's last line still ends on the screen.
  // Only the page's boxes count, not a line whose glyphs stand a pixel or two past
  // their line box (CJK fonts do).
  const over = [page, ...page.querySelectorAll(".body, .reading")].filter(e =>
    e.clientHeight > 0 && e.scrollHeight > e.clientHeight + 4).map(e =>
    e.tagName.toLowerCase() + (e.className ? "." + e.className : ""));
  const imgs = [...page.querySelectorAll("img")].map(i => ({
    alt: i.alt, natural_width: i.naturalWidth, shown_width: i.clientWidth,
    shown_height: i.clientHeight}));
  const out = document.createElement("pre");
  out.id = "tvp-probe";
  out.textContent = JSON.stringify({viewport: [innerWidth, innerHeight], height: box.height, content_height: bottom - box.top,
    min_text_px: minFont === Infinity ? null : minFont, smallest_text: smallest,
    overflowing: over,
    images: imgs});
  document.body.appendChild(out);
});
</script>"""


class CheckError(Exception):
    pass


def browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def chromium(exe, url, *flags, window=SIZE):
    cmd = [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--no-first-run", f"--window-size={window[0]},{window[1]}",
           "--virtual-time-budget=4000", *flags, url]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise CheckError(f"{os.path.basename(exe)} failed ({r.returncode}): "
                         f"{r.stderr.strip()[-300:]}")
    return r.stdout


def window_for(exe, tmp):
    """The window size whose viewport is SIZE when the page is laid out: headless
    Chromium takes its window's frame out of --window-size for the page (1280x720 gives
    a viewport of 1280x633), though --screenshot draws the whole size."""
    page = os.path.join(tmp, "viewport.html")
    with open(page, "w") as f:
        f.write('<html><body><script>document.write("<pre id=v>" + innerWidth + "x" + '
                'innerHeight + "</pre>")</script></body></html>')
    m = re.search(r"<pre id=\"?v\"?>(\d+)x(\d+)</pre>", chromium(exe, "file://" + page,
                                                                "--dump-dom"))
    if not m:
        raise CheckError("could not read the browser's viewport")
    w, h = int(m.group(1)), int(m.group(2))
    return SIZE[0] + (SIZE[0] - w), SIZE[1] + (SIZE[1] - h)


def pages(text):
    """The ids of the pages: "title", then each claim's section."""
    ids = re.findall(r'<section id="([^"]+)" class="level2"', text)
    return ["title"] + ids


def only(text, page):
    """The handout with one page shown and the probe added."""
    hide = ".title, section.level2 { display: none !important; } " + \
        (".title" if page == "title" else f"#{page}") + \
        " { display: flex !important; }"
    text = text.replace("</head>", f"<style>{hide}</style>\n</head>", 1)
    if page == "title":  # pandoc makes the title's div a section of class "level1 title"
        text = re.sub(r'class="([^"]*\btitle\b[^"]*)"', r'class="\1 tvp-only"', text, count=1)
    else:
        text = text.replace(f'<section id="{page}" class="level2',
                            f'<section id="{page}" class="level2 tvp-only', 1)
    return text.replace("</body>", PROBE + "\n</body>", 1)


def svg_min_font(folder, src_alt_png):
    """The smallest font size in the SVG twin of a figure the page shows, or None."""
    svg = os.path.splitext(src_alt_png)[0] + ".svg"
    path = os.path.join(folder, svg)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8", errors="replace") as f:
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', f.read())]
    return min(sizes) if sizes else None


def figure_sources(md_text):
    """Each claim's figure path, in page order (the HTML has them inline as data:)."""
    out = {}
    for claim, body in re.findall(r"^## (\S+)[^\n]*\n(.*?)(?=^## |\Z)", md_text, re.S | re.M):
        m = re.search(r"!\[[^\]]*\]\(([^)]+\.png)\)", body)
        out[claim.lower()] = m.group(1) if m else None
    return out


def check_handout(exe, folder, name, screens):
    path = os.path.join(folder, name)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    md = os.path.join(folder, name[:-5] + ".md")
    figures = {}
    if os.path.isfile(md):
        with open(md, encoding="utf-8") as f:
            figures = figure_sources(f.read())
    measured = []
    with tempfile.TemporaryDirectory(prefix="tvp-handout-check-") as tmp:
        window = window_for(exe, tmp)
        for page in pages(text):
            one = os.path.join(tmp, f"{page}.html")
            with open(one, "w", encoding="utf-8") as f:
                f.write(only(text, page))
            dom = chromium(exe, "file://" + one, "--dump-dom", window=window)
            m = re.search(r'<pre id="tvp-probe">(.*?)</pre>', dom, re.S)
            if not m:
                raise CheckError(f"{name} {page}: the page did not finish loading")
            probe = json.loads(html.unescape(m.group(1)))
            shot = os.path.join(screens, f"{name[:-5]}-{page}.png")
            # --screenshot draws the whole window-size, frame or not: SIZE as it is.
            chromium(exe, "file://" + one, f"--screenshot={shot}")
            probe.update(page=page, screenshot=shot,
                         fits=probe["content_height"] <= probe["height"] + 1
                         and not probe["overflowing"])
            src = figures.get(page)
            small = svg_min_font(folder, src) if src else None
            for img in probe["images"]:
                img["svg_min_font"] = small
                img["shown_text_px"] = (round(small * img["shown_width"] / img["natural_width"], 1)
                                        if small and img["natural_width"] else None)
            measured.append(probe)
    return measured


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder")
    ap.add_argument("--out", help="where the screenshots go (default FOLDER/screens)")
    args = ap.parse_args(argv)
    names = [os.path.basename(p) for p in sorted(glob.glob(os.path.join(args.folder,
                                                                         "HANDOUT*.html")))]
    if not names:
        print(f"tvp: {args.folder}: no HANDOUT*.html (scripts/handout.py writes it)",
              file=sys.stderr)
        return 2
    exe = browser()
    if not exe:
        print("tvp: no Chromium here (make deps installs Debian's chromium)", file=sys.stderr)
        return 3
    screens = args.out or os.path.join(args.folder, "screens")
    os.makedirs(screens, exist_ok=True)
    try:
        report = {n: check_handout(exe, args.folder, n, screens) for n in names}
    except (CheckError, subprocess.TimeoutExpired, OSError) as e:
        print(f"tvp: {e}", file=sys.stderr)
        return 2
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
