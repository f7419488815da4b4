"""Check the built editions for what a reader should never see.

The PDF (``make pdf`` runs this on ``_build/latex/book.pdf``), from its text
(poppler's ``pdftotext``; ``pdftohtml -xml`` to leave the monospaced code
listings out of the raw-TeX search) and LaTeX's log. It fails on:

- raw TeX in the text (``tools/raw_tex.py``): a formula that did not
  typeset;
- ``??`` (an unresolved reference), ``glue(`` (a glue call printed as
  code output), a temporary path (``/tmp/``, ``/var/folders``);
- an undefined reference or citation in the log;
- an overfull line more than ``--max-overfull`` points too wide;
- a chapter of ``_toc.yml`` whose title is not in the PDF;
- a blank page after the title page.

With ``--html DIR`` it also searches the HTML pages' text, outside their
math elements and code, for literal TeX (the source MathJax would typeset
is inside ``span.math``/``div.math``; anything else is printed as is), and,
when a PDF is given too, checks that every theorem, definition, algorithm,
exercise, figure and equation number of the HTML edition is in the PDF.

Usage::

    python tools/check_pdf.py _build/latex/book.pdf [--log book.log]
        [--toc _toc.yml] [--html _build/html] [--max-overfull 5]
    python tools/check_pdf.py --html _build/html
"""

import argparse
import functools
import html.parser
import pathlib
import re
import subprocess
import sys
import unicodedata

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from raw_tex import find_raw_tex  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
TEMPORARY_PATHS = ("/tmp/", "/var/folders")
# Numbered things in both editions ("Theorem 11.1", "Fig. 11.2").
NUMBERED = re.compile(
    r"\b(Theorem|Lemma|Corollary|Proposition|Definition|Algorithm|Exercise"
    r"|Example|Remark|Fig\.)\s+(\d+(?:\.\d+)+)"
)


# -- reading the PDF --
def pdf_pages(pdf):
    """The text of each page of ``pdf`` (pdftotext, reading order)."""
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    pages = result.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def pdf_prose_pages(pdf):
    """Each page's text without its monospaced (code) runs.

    ``pdftohtml -xml`` tells each run of text with its font; code listings
    are set in a monospaced font and show code exactly as written, so they
    are left out of the raw-TeX search.
    """
    result = subprocess.run(
        [
            "pdftohtml",
            "-xml",
            "-i",
            "-q",
            "-stdout",
            "-enc",
            "UTF-8",
            str(pdf),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return prose_from_pdftohtml_xml(result.stdout)


def prose_from_pdftohtml_xml(xml):
    """Pages of text from ``pdftohtml -xml`` output, monospace left out."""
    mono = {
        match.group(1)
        for match in re.finditer(
            r'<fontspec id="(\d+)"[^>]*family="([^"]*)"', xml
        )
        if re.search(r"mono|courier|code|typewriter", match.group(2), re.I)
    }
    pages = []
    for page in re.split(r"<page\b", xml)[1:]:
        lines = []
        for match in re.finditer(
            r'<text\b[^>]*font="(\d+)"[^>]*>(.*?)</text>', page, re.S
        ):
            if match.group(1) not in mono:
                text = re.sub(r"<[^>]+>", "", match.group(2))
                lines.append(html.unescape(text))
        pages.append("\n".join(lines))
    return pages


def normalise(text):
    """Compare titles across ligatures, curly quotes, hyphens and spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2010", "-")
    text = text.replace("\u2011", "-").replace("\u00ad", "")
    return re.sub(r"\s+", " ", text).strip().lower()


# -- checks on text, each returns a list of problems ------------------------
def check_raw_tex(pages):
    """Raw TeX in the text of each page (a list of page texts)."""
    problems = []
    for number, text in enumerate(pages, 1):
        for snippet in find_raw_tex(text):
            problems.append(f"page {number}: raw TeX {snippet!r}")
    return problems


def check_leftovers(pages):
    """``??``, ``glue(`` and temporary paths in the text."""
    problems = []
    for number, text in enumerate(pages, 1):
        for line in text.splitlines():
            if "??" in line:
                problems.append(f"page {number}: unresolved '??': {line!r}")
            if "glue(" in line:
                problems.append(f"page {number}: 'glue(' printed: {line!r}")
            for path in TEMPORARY_PATHS:
                if path in line:
                    problems.append(
                        f"page {number}: temporary path: {line.strip()!r}"
                    )
    return problems


def check_blank_pages(pages, first=3):
    """Pages with (almost) no text from page ``first`` on.

    The title page and what precedes the contents may be sparse; any later
    page with fewer than 20 visible characters is a blank page in the book
    (a page that holds only a figure still has its caption). A part's title
    page ("Part II / Supervised learning") is not blank.
    """
    return [
        f"page {number}: blank page"
        for number, text in enumerate(pages, 1)
        if number >= first
        and len(re.sub(r"\s+", "", text)) < 20
        and not re.match(r"\s*Part [IVXLC]+\b", text)  # a part's title page
    ]


def check_chapters(pages, titles):
    """Every title of the table of contents appears in the PDF."""
    whole = normalise(" ".join(pages))
    return [
        f"chapter missing from the PDF: {title!r}"
        for title in titles
        if normalise(title) not in whole
    ]


def check_log(log, max_overfull=5.0):
    """Undefined references and citations, and wide overfull lines."""
    problems = []
    for match in re.finditer(
        r"LaTeX Warning: (Reference|Citation|Hyper reference) `([^']*)' "
        r"on page (\d+) undefined",
        log,
    ):
        kind, label, page = match.groups()
        problems.append(f"page {page}: undefined {kind.lower()} {label!r}")
    overfull = [
        float(width)
        for width in re.findall(
            r"Overfull \\hbox \(([\d.]+)pt too wide\)", log
        )
    ]
    wide = [width for width in overfull if width > max_overfull]
    if wide:
        problems.append(
            f"{len(wide)} overfull lines wider than {max_overfull}pt "
            f"(widest {max(wide):.1f}pt; see 'Overfull \\hbox' in the log)"
        )
    return problems


def toc_titles(toc=ROOT / "_toc.yml"):
    """The title (first ``# `` heading) of each chapter in ``_toc.yml``."""
    import yaml

    data = yaml.safe_load(pathlib.Path(toc).read_text())
    files = [
        chapter["file"]
        for part in data.get("parts", [])
        for chapter in part.get("chapters", [])
    ]
    files += [chapter["file"] for chapter in data.get("chapters", [])]
    titles = []
    base = pathlib.Path(toc).parent
    for name in files:
        path = base / (name if name.endswith(".md") else name + ".md")
        for line in path.read_text().splitlines():
            if line.startswith("# "):
                titles.append(_strip_markup(line[2:]))
                break
    return titles


def _strip_markup(title):
    """A Markdown title as it prints: no backticks, no emphasis marks."""
    return re.sub(r"[`*]", "", title).strip()


# -- HTML --
class _VisibleText(html.parser.HTMLParser):
    """Text of a page outside math, code, scripts and styles."""

    SKIP_TAGS = {"script", "style", "pre", "code", "math", "svg"}
    VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, skipping)
        self.parts = []

    def _skipping(self):
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        skip = (
            self._skipping()
            or tag in self.SKIP_TAGS
            or (tag in {"span", "div"} and "math" in classes)
        )
        self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self._skipping():
            self.parts.append(data)


def html_visible_text(source):
    """The text a reader sees on a page before MathJax runs."""
    parser = _VisibleText()
    parser.feed(source)
    return "".join(parser.parts)


def html_pages(html_dir):
    """The book's HTML pages (not Sphinx's search, index or sources)."""
    html_dir = pathlib.Path(html_dir)
    skip = {"_static", "_sources", "_images", "_sphinx_design_static"}
    return sorted(
        path
        for path in html_dir.rglob("*.html")
        if not skip & set(path.relative_to(html_dir).parts)
        and path.name not in {"genindex.html", "search.html"}
    )


def check_html(html_dir):
    """Literal TeX in the HTML pages' visible text."""
    problems = []
    for page in html_pages(html_dir):
        text = html_visible_text(page.read_text(encoding="utf-8"))
        name = page.relative_to(html_dir)
        for snippet in find_raw_tex(text):
            problems.append(f"{name}: raw TeX {snippet!r}")
    return problems


def html_numbers(source):
    """The numbered items and equation numbers an HTML page shows."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", source))
    items = {" ".join(match.groups()) for match in NUMBERED.finditer(text)}
    equations = set(re.findall(r'class="eqno">\((\d+(?:\.\d+)+)\)', source))
    return items, equations


def numbering_mismatches(html_source, pdf_text):
    """Numbers in an HTML page that the PDF does not print the same way.

    Returns the numbered items (``Theorem 11.1``) and equation numbers
    (``(11.1)``) of the page missing from the PDF's text.
    """
    items, equations = html_numbers(html_source)
    pdf_items, pdf_equations = _pdf_numbers(pdf_text)
    missing = sorted(items - pdf_items)
    missing += sorted(f"({number})" for number in equations - pdf_equations)
    return missing


@functools.lru_cache(maxsize=4)
def _pdf_numbers(pdf_text):
    """The numbered items and equation numbers in the PDF's text."""
    items = {
        " ".join(match.groups())
        for match in NUMBERED.finditer(normalise_spaces(pdf_text))
    }
    return items, set(re.findall(r"\((\d+(?:\.\d+)+)\)", pdf_text))


def normalise_spaces(text):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text))


def check_numbering(html_dir, pdf_text):
    """Every numbered item of every HTML chapter is in the PDF."""
    problems = []
    for page in html_pages(html_dir):
        missing = numbering_mismatches(
            page.read_text(encoding="utf-8"), pdf_text
        )
        if missing:
            shown = ", ".join(missing[:8])
            problems.append(
                f"{page.relative_to(html_dir)}: numbered in HTML but not "
                f"in the PDF: {shown}"
                + (f" (+{len(missing) - 8} more)" if len(missing) > 8 else "")
            )
    return problems


# -- command line --
def check_pdf(pdf, log=None, toc=None, max_overfull=5.0):
    """All PDF checks; returns (problems, page count)."""
    pages = pdf_pages(pdf)
    try:
        prose = pdf_prose_pages(pdf)
    except (OSError, subprocess.CalledProcessError):
        prose = pages
    problems = check_raw_tex(prose)
    problems += check_leftovers(pages)
    problems += check_blank_pages(pages)
    if toc is not None:
        problems += check_chapters(pages, toc_titles(toc))
    if log is not None:
        problems += check_log(
            pathlib.Path(log).read_text(errors="replace"), max_overfull
        )
    return problems, len(pages)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", help="the built book.pdf")
    parser.add_argument("--log", help="LaTeX's log (default: next to pdf)")
    parser.add_argument("--toc", default=str(ROOT / "_toc.yml"))
    parser.add_argument("--html", help="the built HTML edition")
    parser.add_argument("--max-overfull", type=float, default=5.0)
    args = parser.parse_args(argv)
    if not args.pdf and not args.html:
        parser.error("give a PDF, --html DIR, or both")
    problems = []
    if args.pdf:
        pdf = pathlib.Path(args.pdf)
        log = args.log or pdf.with_suffix(".log")
        found, count = check_pdf(
            pdf,
            log if pathlib.Path(log).exists() else None,
            args.toc,
            args.max_overfull,
        )
        problems += found
        print(f"{pdf}: {count} pages")
    if args.html:
        problems += check_html(args.html)
        if args.pdf:
            problems += check_numbering(args.html, "\n".join(pdf_pages(pdf)))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problems found")
        return 1
    print("no problems found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
