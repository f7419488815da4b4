"""Conventions a reader of the PDF would notice broken.

Ruff (``make lint``, configured in pyproject.toml) holds code/ and tests/
to 79 columns. The chapters' code cells are not Python files, so ruff does
not see them: this module checks them, since a longer line overflows the
PDF's code listings.
"""

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "book").rglob("*.md"))
LIMIT = 79


def code_cell_lines(chapter):
    """(line number, text) of every line inside a ```{code-cell} block."""
    inside = False
    for number, line in enumerate(chapter.read_text().splitlines(), 1):
        if line.startswith("```{code-cell}"):
            inside = True
        elif inside and line.startswith("```"):
            inside = False
        elif inside:
            yield number, line


@pytest.mark.parametrize(
    "chapter", CHAPTERS, ids=lambda p: str(p.relative_to(ROOT))
)
def test_code_cells_fit_the_pdf(chapter):
    long_lines = [
        number
        for number, line in code_cell_lines(chapter)
        if len(line) > LIMIT
    ]
    assert not long_lines, f"{chapter.name}: lines {long_lines}"


def test_no_init_file_shadows_the_standard_library_code_module():
    # code/ is a source root; an __init__.py would make it a package named
    # "code" that hides the standard library's module of that name.
    assert not (ROOT / "code" / "__init__.py").exists()
