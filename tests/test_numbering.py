"""Both editions number theorems, exercises and equations the same way.

Compares the built HTML edition with the built PDF: every "Theorem 11.1",
"Exercise 11.2", "Fig. 11.3" and "(11.4)" of a chapter's HTML page must be
printed in the PDF, and the PDF must number no item by section
("Theorem 11.2.1"). Skipped when the builds are absent; the locations can
be set with BOOK_HTML and BOOK_PDF (default: _build/html and
_build/latex/book.pdf).
"""

import os
import pathlib
import re
import shutil
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import check_pdf  # noqa: E402

HTML = pathlib.Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
PDF = pathlib.Path(
    os.environ.get("BOOK_PDF", ROOT / "_build" / "latex" / "book.pdf")
)
CHAPTERS = ["book/unsupervised/kmeans", "book/supervised/linear_regression"]

pytestmark = pytest.mark.skipif(
    not (HTML / "book").is_dir()
    or not PDF.is_file()
    or shutil.which("pdftotext") is None,
    reason="needs the built HTML and PDF editions and pdftotext",
)


@pytest.fixture(scope="module")
def pdf_text():
    if PDF.stat().st_mtime < (HTML / "book").stat().st_mtime:
        pytest.skip("the PDF is older than the HTML: build both again")
    return "\n".join(check_pdf.pdf_pages(PDF))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_numbers_agree(chapter, pdf_text):
    page = HTML / f"{chapter}.html"
    if not page.is_file():
        pytest.skip(f"{chapter} is not in this build")
    source = page.read_text(encoding="utf-8")
    items, equations = check_pdf.html_numbers(source)
    assert items and equations, "the chapter shows no numbered items"
    assert check_pdf.numbering_mismatches(source, pdf_text) == []


def test_no_item_is_numbered_by_section(pdf_text):
    text = check_pdf.normalise_spaces(pdf_text)
    by_section = re.findall(
        r"\b(?:Theorem|Definition|Algorithm|Exercise|Lemma)\s+\d+\.\d+\.\d+",
        text,
    )
    assert by_section == []


def test_every_chapter_numbers_agree(pdf_text):
    assert check_pdf.check_numbering(HTML, pdf_text) == []
