"""tools/check_pdf.py and tools/raw_tex.py fail on each kind of breakage.

Each test feeds a small input broken on purpose (a text string, a fake
LaTeX log, a tiny PDF written here byte by byte, a fake HTML page) and
checks that the problem is reported, and that the clean input passes.
No build of the book is needed.
"""

import pathlib
import shutil
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import check_pdf  # noqa: E402
from raw_tex import find_raw_tex  # noqa: E402

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftohtml") is None,
    reason="poppler-utils (pdftotext, pdftohtml) not installed",
)


# -- raw TeX --
@pytest.mark.parametrize(
    "text",
    [
        "The loss \\frac{1}{n} is minimised.",
        "where \\mathbf{w} is the weight vector",
        "the \\log likelihood",
        "a sum \\sum_i x_i",
        "\\left( x \\right)",
        "\\begin{aligned} a &= b \\end{aligned}",
        "where $x_i$ is a sample",
        "the display $$ a = b $$ here",
        "inline \\(x + y\\) here",
        "the weights W^{(l)} of layer l",
        "the centre c_{k} of cluster k",
    ],
)
def test_raw_tex_is_found(text):
    assert find_raw_tex(text)


@pytest.mark.parametrize(
    "text",
    [
        "The model's weights are fitted by gradient descent.",
        "It costs $5 and $10, or between $12k-$15k.",
        "Houses cost at most \\$500,001 in this data set.",
        "Open code/scratch/kmeans.py and _build/html/index.html.",
        "On Windows the file is C:\\Users\\to\\file.txt.",
        'ax.set_xlabel(r"$\\mathbf{x}_t$")',
        'params[f"{name}__{key}"] = nested',
        "grad_h = np.zeros((batch, hidden))  # dL/dh_{t+1}",
        'print(f"--- temperature {temperature}\\ndef {text}\\n")',
        "mask = a ^ b; table = {1: 2}",
        "Typeset maths has no markup left: x₁ + α · ∑ wᵢ.",
    ],
)
def test_prose_code_and_paths_are_not_raw_tex(text):
    assert find_raw_tex(text) == []


# -- text checks --
CLEAN_PAGE = "2.1 Linear regression\nThe model is fitted in closed form.\n"


def test_clean_pages_pass():
    pages = ["Machine Learning from Scratch", "Contents", CLEAN_PAGE]
    assert check_pdf.check_raw_tex(pages) == []
    assert check_pdf.check_leftovers(pages) == []
    assert check_pdf.check_blank_pages(pages) == []


def test_raw_tex_page_is_reported():
    problems = check_pdf.check_raw_tex([CLEAN_PAGE, "where \\alpha > 0"])
    assert problems and problems[0].startswith("page 2:")


@pytest.mark.parametrize(
    "line, kind",
    [
        ("see Section ?? for the proof", "??"),
        ("glue('km-inertia', inertia)", "glue("),
        ("saved to /tmp/tmpab12cd/model.npz", "temporary path"),
        ("cached in /var/folders/xy/T/cache", "temporary path"),
    ],
)
def test_leftovers_are_reported(line, kind):
    problems = check_pdf.check_leftovers([CLEAN_PAGE, line])
    assert len(problems) == 1 and kind in problems[0]


def test_part_title_page_is_not_blank():
    pages = ["Title", "Contents", "Part II\n\nDeep learning\n\n95\n"]
    assert check_pdf.check_blank_pages(pages) == []


def test_blank_page_is_reported():
    pages = ["Title", "Contents", CLEAN_PAGE, " \n 12 \n", CLEAN_PAGE]
    assert check_pdf.check_blank_pages(pages) == ["page 4: blank page"]


def test_missing_chapter_is_reported():
    pages = ["1 Notation\n", "2 Linear re-\ngression"]
    titles = ["Notation", "Linear regression", "k-means"]
    pages[1] = "2 Linear regression"
    assert check_pdf.check_chapters(pages, titles) == [
        "chapter missing from the PDF: 'k-means'"
    ]


def test_chapter_titles_match_across_ligatures_and_quotes():
    pages = ["3 Lloyd\u2019s algorithm and its \ufb01xed points"]
    assert (
        check_pdf.check_chapters(
            pages, ["Lloyd's algorithm and its fixed points"]
        )
        == []
    )


def test_toc_titles_read_from_the_files(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.md").write_text("---\nx: 1\n---\n# First `one`\n")
    (tmp_path / "book" / "b.md").write_text("# Second\n\n## Sub\n")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/a\nparts:\n  - caption: P\n"
        "    chapters:\n      - file: book/a\n      - file: book/b\n"
    )
    assert check_pdf.toc_titles(tmp_path / "_toc.yml") == [
        "First one",
        "Second",
    ]


# -- the log --
CLEAN_LOG = """\
This is XeTeX, Version 3.141592653
Overfull \\hbox (1.2pt too wide) in paragraph at lines 10--12
Underfull \\hbox (badness 10000) in paragraph at lines 20--21
Output written on book.pdf (300 pages).
"""


def test_clean_log_passes():
    assert check_pdf.check_log(CLEAN_LOG) == []


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            "LaTeX Warning: Reference `book/svm:eq-svm-dual' on page 12 "
            "undefined on input line 4242.",
            "undefined reference",
        ),
        (
            "LaTeX Warning: Citation `book/bibliography:id7' on page 3 "
            "undefined on input line 99.",
            "undefined citation",
        ),
        (
            "LaTeX Warning: Hyper reference `exercise:ex-km-1' on page 40 "
            "undefined on input line 7.",
            "undefined hyper reference",
        ),
        (
            "Overfull \\hbox (12.5pt too wide) in paragraph at lines 3--4",
            "1 overfull lines wider than 5.0pt",
        ),
    ],
)
def test_log_problems_are_reported(line, expected):
    problems = check_pdf.check_log(CLEAN_LOG + line + "\n")
    assert len(problems) == 1 and expected in problems[0]


def test_overfull_tolerance_is_a_parameter():
    log = CLEAN_LOG + "Overfull \\hbox (4.0pt too wide) in paragraph\n"
    assert check_pdf.check_log(log, max_overfull=5) == []
    assert check_pdf.check_log(log, max_overfull=3)


# -- a tiny PDF --
def write_pdf(path, pages):
    """A PDF whose pages hold lines of text, each (font, text).

    Fonts are the PDF standard fonts "Times-Roman" (prose) and "Courier"
    (code), so poppler sees a serif and a monospaced family.
    """
    objects = {1: "<< /Type /Catalog /Pages 2 0 R >>"}
    fonts = {"F1": "Times-Roman", "F2": "Courier"}
    font_ids = {}
    next_id = 3
    for name, base in fonts.items():
        font_ids[name] = next_id
        objects[next_id] = (
            f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} >>"
        )
        next_id += 1
    resources = " ".join(f"/{n} {i} 0 R" for n, i in font_ids.items())
    kids = []
    for lines in pages:
        stream = ["BT", "14 TL", "72 760 Td"]
        for font, text in lines:
            escaped = (
                text.replace("\\", "\\\\")
                .replace("(", "\\(")
                .replace(")", "\\)")
            )
            stream.append(f"/{font} 11 Tf ({escaped}) Tj T*")
        stream.append("ET")
        content = "\n".join(stream)
        objects[next_id] = (
            f"<< /Length {len(content)} >>\nstream\n{content}\nendstream"
        )
        objects[next_id + 1] = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Contents {next_id} 0 R /Resources << /Font << {resources} "
            ">> >> >>"
        )
        kids.append(f"{next_id + 1} 0 R")
        next_id += 2
    objects[2] = (
        f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n{objects[number]}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for number in sorted(objects):
        out += f"{offsets[number]:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    path.write_bytes(bytes(out))
    return path


def book_pages(*extra):
    pages = [
        [("F1", "Machine Learning from Scratch")],
        [("F1", "Contents"), ("F1", "1 Notation"), ("F1", "2 k-means")],
        [("F1", "1 Notation"), ("F1", "Symbols are set in italics.")],
        [
            ("F1", "2 k-means"),
            ("F1", "Lloyd's algorithm alternates."),
            ("F2", 'ax.set_xlabel(r"$\\mathbf{x}_1$")  # a code line'),
        ],
    ]
    return pages + [list(page) for page in extra]


@pytest.fixture
def toc(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "notation.md").write_text("# Notation\n")
    (tmp_path / "book" / "kmeans.md").write_text("# k-means\n")
    path = tmp_path / "_toc.yml"
    path.write_text(
        "format: jb-book\nroot: book/notation\nparts:\n  - caption: A\n"
        "    chapters:\n      - file: book/notation\n"
        "      - file: book/kmeans\n"
    )
    return path


@needs_poppler
def test_clean_pdf_passes(tmp_path, toc):
    pdf = write_pdf(tmp_path / "book.pdf", book_pages())
    problems, count = check_pdf.check_pdf(pdf, toc=toc)
    assert problems == [] and count == 4


@needs_poppler
def test_code_in_a_monospaced_font_is_not_raw_tex(tmp_path):
    pdf = write_pdf(tmp_path / "book.pdf", book_pages())
    prose = check_pdf.pdf_prose_pages(pdf)
    assert "Lloyd" in prose[3] and "set_xlabel" not in prose[3]


@needs_poppler
@pytest.mark.parametrize(
    "page, expected",
    [
        ([("F1", "where $\\mathbf{x}_i$ is a sample")], "raw TeX"),
        ([("F1", "see Section ?? for details")], "'??'"),
        ([("F1", "written to /tmp/tmpx1/fig.png today")], "temporary path"),
        ([("F1", 'glue("km-j", j) was printed here')], "'glue('"),
        ([], "blank page"),
    ],
)
def test_broken_pdf_fails(tmp_path, toc, page, expected):
    pdf = write_pdf(tmp_path / "book.pdf", book_pages(page))
    problems, _ = check_pdf.check_pdf(pdf, toc=toc)
    assert any(expected in problem for problem in problems), problems


@needs_poppler
def test_pdf_missing_a_chapter_fails(tmp_path, toc):
    pages = book_pages()
    del pages[3]
    pages[1] = [("F1", "Contents"), ("F1", "1 Notation")]
    pdf = write_pdf(tmp_path / "book.pdf", pages)
    problems, _ = check_pdf.check_pdf(pdf, toc=toc)
    assert problems == ["chapter missing from the PDF: 'k-means'"]


@needs_poppler
def test_main_exit_status_and_page_count(tmp_path, toc, capsys):
    good = write_pdf(tmp_path / "good.pdf", book_pages())
    assert check_pdf.main([str(good), "--toc", str(toc)]) == 0
    assert "4 pages" in capsys.readouterr().out
    bad = write_pdf(
        tmp_path / "bad.pdf", book_pages([("F1", "the \\frac{a}{b} ratio")])
    )
    assert check_pdf.main([str(bad), "--toc", str(toc)]) == 1


# -- HTML --
HTML_PAGE = """<html><head><title>k-means</title>
<script>window.MathJax = {tex: {inlineMath: [["\\\\(", "\\\\)"]]}};</script>
</head><body>
<p>The centre <span class="math notranslate nohighlight">\\(\\mathbf{c}_k\\)
</span> is the mean.</p>
<div class="math notranslate nohighlight">\\[J = \\sum_i x_i\\]</div>
<div class="highlight"><pre>ax.set_xlabel("$x_{1}$")</pre></div>
<p>See <code>h_{t-1}</code> in the docstring.</p>
BROKEN
</body></html>
"""


def write_html(tmp_path, broken=""):
    site = tmp_path / "html"
    (site / "book").mkdir(parents=True)
    (site / "_static").mkdir()
    (site / "_static" / "x.html").write_text("\\frac{1}{2}")  # not a page
    (site / "book" / "kmeans.html").write_text(
        HTML_PAGE.replace("BROKEN", broken)
    )
    return site


def test_clean_html_passes(tmp_path):
    assert check_pdf.check_html(write_html(tmp_path)) == []


@pytest.mark.parametrize(
    "broken",
    [
        "<p>The step size $\\eta$ is small.</p>",
        "<p>The rate \\(2/\\mu_{\\max}\\) bounds it.</p>",
        "<figcaption>Error against \\lambda</figcaption>",
    ],
)
def test_literal_tex_in_html_fails(tmp_path, broken):
    problems = check_pdf.check_html(write_html(tmp_path, broken))
    assert len(problems) == 1 and "book/kmeans.html" in problems[0]


# -- numbering across editions --
HTML_NUMBERS = """
<span class="caption-number">Theorem 11.1 </span>
<span class="caption-number">Exercise 11.2 </span>
<span class="caption-number">Fig. 11.3 </span>
<span class="eqno">(11.4)<a class="headerlink"></a></span>
"""


def test_numbers_that_agree_pass():
    pdf_text = (
        "Theorem 11.1 (Lloyd) ... Fig. 11.3: inertia ... (11.4)\n"
        "Exercise 11.2\n"
    )
    assert check_pdf.numbering_mismatches(HTML_NUMBERS, pdf_text) == []


def test_numbers_by_section_in_the_pdf_fail():
    pdf_text = (
        "Theorem 11.2.1 (Lloyd) ... Fig. 11.3: inertia (11.4)\n"
        "Exercise 11.8.2\n"
    )
    assert check_pdf.numbering_mismatches(HTML_NUMBERS, pdf_text) == [
        "Exercise 11.2",
        "Theorem 11.1",
    ]


def test_missing_equation_number_fails():
    pdf_text = "Theorem 11.1 Exercise 11.2 Fig. 11.3 (11.5)"
    assert check_pdf.numbering_mismatches(HTML_NUMBERS, pdf_text) == ["(11.4)"]


# -- the print edition's helpers (book/_ext/print_edition.py) --
sys.path.insert(0, str(ROOT / "book" / "_ext"))
print_edition = pytest.importorskip("print_edition")


@pytest.mark.parametrize(
    "tex, plain",
    [
        (r"\mathbf{X}^\top\mathbf{X}", "XᵀX"),
        (r"O(\log K)", "O(log K)"),
        (r"\boldsymbol{\Sigma}", "Σ"),
        (r"m \to 1", "m → 1"),
    ],
)
def test_bookmarks_hold_no_tex(tex, plain):
    assert print_edition.plain_math(tex) == plain
    assert find_raw_tex(print_edition.plain_math(tex)) == []


def test_author_year_labels_match_the_citations():
    from pybtex.database import parse_string

    bib = parse_string(
        r"""
        @article{a, author = {Sch{\"o}lkopf, B. and Smola, A.},
                 title = {T}, journal = {J}, year = {2002}}
        @article{b, author = {Pedregosa, F. and Varoquaux, G. and
                 Gramfort, A.}, title = {T}, journal = {J}, year = {2011}}
        @article{c, author = {Breiman, Leo}, title = {T}, journal = {J},
                 year = {2001}}
        @article{d, author = {Breiman, Leo}, title = {U}, journal = {J},
                 year = {2001}}
        """,
        "bibtex",
    )
    labels = [print_edition.author_year_label(e) for e in bib.entries.values()]
    assert labels[:3] == [
        "Schölkopf and Smola, 2002",
        "Pedregosa et al., 2011",
        "Breiman, 2001",
    ]
    print_edition._register_author_year_style()
    from pybtex.plugin import find_plugin

    style = find_plugin("pybtex.style.formatting", "authoryear")()
    formatted = list(style.format_entries(bib.entries.values()))
    assert sorted(entry.label for entry in formatted) == [
        "Breiman, 2001a",
        "Breiman, 2001b",
        "Pedregosa et al., 2011",
        "Schölkopf and Smola, 2002",
    ]
