"""The cells a reader copies are the cells that run.

For every chapter in _toc.yml, the visible code cells (those not tagged
``remove-cell`` or ``remove-input``, and not hiding their source through a
``mystnb`` option) are extracted in order into one script, which runs in a
fresh Python process from an empty folder outside the repository, with no
PYTHONPATH: only the installed package and its dependencies are importable,
as in a reader's notebook. The hidden cells (``glue``, asserts that guard
the prose, figure styling) are left out, so a visible cell that needs a
name defined only in a hidden cell fails here.

The chapter runs are slow (up to a minute or two each) and marked
``chapters``: ``make chapters`` runs them alone, ``make test`` with the
rest. The extraction itself is tested on small examples below.
"""

import importlib.util
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
HIDING_TAGS = {"remove-cell", "remove-input"}
TIMEOUT_SECONDS = 900
STDERR_TAIL_LINES = 40


def toc_files(toc_text):
    """The ``file:`` entries of a _toc.yml, in order (and the root)."""
    return re.findall(
        r"^\s*(?:-\s*)?(?:file|root):\s*(\S+)\s*$",
        toc_text,
        flags=re.MULTILINE,
    )


def cell_options(lines):
    """Split a code cell's lines into (options, source lines).

    MyST allows the options either as ``:key: value`` lines or as a YAML
    block between ``---`` lines at the top of the cell.
    """
    if lines and lines[0].strip() == "---":
        end = lines.index("---", 1) if "---" in lines[1:] else None
        if end is None:
            raise ValueError("unterminated --- options block in a cell")
        import yaml  # installed with the book's tools

        options = yaml.safe_load("\n".join(lines[1:end])) or {}
        return options, lines[end + 1 :]
    options = {}
    while lines and re.match(r"^:[\w-]+:", lines[0]):
        key, value = re.match(r"^:([\w-]+):\s*(.*)$", lines[0]).groups()
        options[key] = value
        lines = lines[1:]
    return options, lines


def tags_of(options):
    """The cell's tags, from ``:tags: [a, b]`` or a YAML list."""
    tags = options.get("tags", [])
    if isinstance(tags, str):
        tags = [
            t.strip().strip("'\"") for t in tags.strip().strip("[]").split(",")
        ]
    return {t for t in tags if t}


def is_visible(options):
    """Whether the reader sees the cell's code on the page."""
    if tags_of(options) & HIDING_TAGS:
        return False
    mystnb = options.get("mystnb") or {}
    return not (isinstance(mystnb, dict) and mystnb.get("remove_code_source"))


def code_cells(text):
    """(first line number, options, source) of every ``{code-cell}``."""
    cells = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = re.match(r"^(`{3,}|~{3,})\{code-cell\}", lines[i])
        if not opening:
            i += 1
            continue
        fence, start, body = opening.group(1), i + 1, []
        i += 1
        # the cell ends at a line of at least as many of the same mark
        closing = re.compile(rf"{fence[0]}{{{len(fence)},}}\s*")
        while i < len(lines) and not closing.fullmatch(lines[i]):
            body.append(lines[i])
            i += 1
        if i == len(lines):
            raise ValueError(f"code cell at line {start} is not closed")
        options, source = cell_options(body)
        cells.append((start, options, "\n".join(source)))
        i += 1
    return cells


def visible_script(text, name="chapter"):
    """The visible cells of a chapter as one script, each headed by a
    comment giving its line in the chapter."""
    parts = [
        f"# {name}, line {start}\n{source}"
        for start, options, source in code_cells(text)
        if is_visible(options)
    ]
    return "\n\n".join(parts) + "\n"


def chapters():
    """The chapters of _toc.yml that have at least one visible cell."""
    found = []
    for entry in toc_files((ROOT / "_toc.yml").read_text()):
        path = ROOT / f"{entry}.md"
        if path.exists() and any(
            is_visible(options)
            for _, options, _ in code_cells(path.read_text())
        ):
            found.append(path)
    return found


@pytest.mark.chapters
@pytest.mark.parametrize(
    "chapter", chapters(), ids=lambda p: str(p.relative_to(ROOT))
)
def test_visible_cells_run_alone_outside_the_repository(chapter, tmp_path):
    if importlib.util.find_spec("matplotlib") is None:
        pytest.skip("the chapters need the book's tools (matplotlib)")
    assert ROOT not in tmp_path.parents, "the run must be outside the repo"
    script = tmp_path / "chapter.py"
    script.write_text(visible_script(chapter.read_text(), chapter.name))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONSTARTUP")
    }
    env["MPLBACKEND"] = "Agg"
    result = subprocess.run(
        [sys.executable, script.name],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
    tail = "\n".join(result.stderr.splitlines()[-STDERR_TAIL_LINES:])
    assert result.returncode == 0, (
        f"{chapter.relative_to(ROOT)}: the visible cells exit with "
        f"{result.returncode}; the script is {script}.\n{tail}"
    )


# Build plumbing a reader would copy by mistake: glue calls and the asserts
# that guard the prose belong in hidden cells next to the code they serve.
PLUMBING = re.compile(r"^\s*(glue\(|assert\b)|\bglue\(", re.M)


@pytest.mark.parametrize(
    "chapter", chapters(), ids=lambda p: str(p.relative_to(ROOT))
)
def test_visible_cells_hold_no_glue_or_assert(chapter):
    found = [
        f"{chapter.relative_to(ROOT)}: cell at line {start}"
        for start, options, source in code_cells(chapter.read_text())
        if is_visible(options) and PLUMBING.search(source)
    ]
    assert not found, found


def test_nothing_in_book_or_code_edits_sys_path():
    # A chapter or module that edits sys.path works in this checkout only;
    # everything a reader imports must come from the installed package.
    offenders = []
    for folder in ("book", "code"):
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
            offenders += [
                f"{path.relative_to(ROOT)}:{number}"
                for number, line in enumerate(text.splitlines(), 1)
                if "sys.path" in line
            ]
    assert not offenders, "sys.path in: " + ", ".join(offenders)


# The extraction, on small examples.

EXAMPLE = textwrap.dedent("""\
    # A chapter

    ```{code-cell} python3
    import numpy as np
    ```

    ```{code-cell} python3
    :tags: [remove-cell]
    from myst_nb import glue
    ```

    ```{code-cell} python3
    ---
    tags: [remove-input]
    mystnb:
      figure:
        name: fig-x
    ---
    hidden_figure = 1
    ```

    ```{code-cell} python3
    ---
    mystnb:
      figure:
        caption: A figure whose code shows.
        name: fig-y
    ---
    shown_figure = 2
    ```

    ```{code-cell} python3
    ---
    tags:
      - hide-input
      - remove-output
    ---
    collapsed = 3
    ```

    ````{code-cell} python3
    :tags: ["remove-cell", "thebe-init"]
    ```
    not a fence end
    ```
    ````

    ```{code-cell} python3
    ---
    mystnb:
      remove_code_source: true
    ---
    source_removed = 4
    ```

    ```{code-cell} python3
    :tags: [hide-cell]
    last = 5
    ```
    """)


def test_extraction_keeps_visible_cells_in_order():
    script = visible_script(EXAMPLE)
    kept = [
        line
        for line in script.splitlines()
        if line and not line.startswith("#")
    ]
    assert kept == [
        "import numpy as np",
        "shown_figure = 2",
        "collapsed = 3",
        "last = 5",
    ]


def test_extraction_reads_both_option_forms():
    cells = code_cells(EXAMPLE)
    assert len(cells) == 8
    assert tags_of(cells[1][1]) == {"remove-cell"}
    assert tags_of(cells[2][1]) == {"remove-input"}
    assert tags_of(cells[4][1]) == {"hide-input", "remove-output"}
    assert tags_of(cells[5][1]) == {"remove-cell", "thebe-init"}
    assert "not a fence end" in cells[5][2]
    assert [is_visible(options) for _, options, _ in cells] == [
        True,
        False,
        False,
        True,
        True,
        False,
        False,
        True,
    ]


def test_script_points_at_chapter_lines():
    script = visible_script(EXAMPLE, "example.md")
    assert "# example.md, line 3\nimport numpy as np" in script


def test_toc_files_are_read_in_order():
    toc = textwrap.dedent("""\
        format: jb-book
        root: book/intro
        parts:
          - caption: A
            chapters:
              - file: book/a/one
              - file: book/b/two
        """)
    assert toc_files(toc) == ["book/intro", "book/a/one", "book/b/two"]


def test_every_toc_chapter_with_code_is_checked():
    listed = [
        ROOT / f"{entry}.md"
        for entry in toc_files((ROOT / "_toc.yml").read_text())
    ]
    with_code = [
        p for p in listed if p.exists() and "{code-cell}" in p.read_text()
    ]
    assert with_code, "no chapter with code cells found in _toc.yml"
    assert set(chapters()) <= set(with_code)
