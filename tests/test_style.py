"""Conventions of DESIGN.md that a reader of the PDF would notice broken.

Lines longer than 79 characters overflow the PDF's code listings, so the
package and every chapter's code cells stay within 79.
"""

import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "code" / "scratch").glob("*.py"))
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


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_package_lines_fit_the_pdf(module):
    long_lines = [number for number, line in
                  enumerate(module.read_text().splitlines(), 1)
                  if len(line) > LIMIT]
    assert not long_lines, f"{module.name}: lines {long_lines}"


@pytest.mark.parametrize("chapter", CHAPTERS,
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_code_cells_fit_the_pdf(chapter):
    long_lines = [number for number, line in code_cell_lines(chapter)
                  if len(line) > LIMIT]
    assert not long_lines, f"{chapter.name}: lines {long_lines}"


def test_no_init_file_shadows_the_standard_library_code_module():
    assert not (ROOT / "code" / "__init__.py").exists()
