"""Each chapter is offered as a runnable notebook (book/_ext/notebooks.py).

- The notebooks written into the built site (_build/html/_notebooks) are
  valid nbformat, one per chapter, with the chapter's module beside them;
  skipped when the site has not been built.
- One generated notebook (a short chapter) runs top to bottom in a fresh
  kernel, from a folder outside the repository (marked ``chapters``).
- A tiny book built with a test repository URL shows Binder and Colab
  buttons that open ``.ipynb`` files, a repository link and the download
  links; its student edition (tools/student_config.py) has the exercises
  without their solutions.
"""

import importlib.util
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The built site; BOOK_HTML points the tests at a build elsewhere.
SITE = pathlib.Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html"))
SHORT_CHAPTER = "book/supervised/naive_bayes"
TEST_URL = "https://github.com/example-org/ml-from-scratch"

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("jupytext")


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


notebooks = _load("book_notebooks", ROOT / "book" / "_ext" / "notebooks.py")
student = _load("student_config", ROOT / "tools" / "student_config.py")


def chapters():
    """The toc's MyST notebooks (pages with a kernelspec), as docnames."""
    toc = (ROOT / "_toc.yml").read_text()
    names = re.findall(
        r"^\s*(?:-\s*)?(?:file|root):\s*(\S+)\s*$", toc, flags=re.MULTILINE
    )
    return [
        name
        for name in names
        if "kernelspec:" in (ROOT / f"{name}.md").read_text()[:500]
    ]


# ---------------------------------------------------------------------------
# The conversion itself


def test_notebook_starts_with_the_install_cell():
    notebook = notebooks.make_notebook(ROOT / f"{SHORT_CHAPTER}.md", TEST_URL)
    nbformat.validate(notebook)
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    assert "install" in first_code.metadata["tags"]
    assert f"git+{TEST_URL}" in first_code.source
    assert first_code.source.lstrip().startswith("# ")
    assert notebook.cells[0].source.startswith("# ")  # the title first


def test_without_a_url_the_install_cell_says_how():
    source = notebooks.install_source("")
    assert "pip install -e '.[notebook]'" in source
    assert all(line.startswith("#") for line in source.splitlines())


def test_hidden_cells_are_kept_folded_and_need_no_build_tools():
    notebook = notebooks.make_notebook(ROOT / f"{SHORT_CHAPTER}.md")
    hidden = [
        c
        for c in notebook.cells
        if c.cell_type == "code"
        and {"remove-cell", "remove-input"} & set(c.metadata.get("tags", []))
    ]
    assert hidden
    assert all(c.metadata["jupyter"]["source_hidden"] for c in hidden)
    text = "\n".join(c.source for c in notebook.cells)
    assert "book.mplstyle" not in text  # the style is written out inline
    if "myst_nb" in text:
        assert "except ImportError" in text


def test_style_file_is_written_out_as_rcparams():
    matplotlib = pytest.importorskip("matplotlib")
    params = notebooks.style_as_rcparams()
    with matplotlib.rc_context():
        matplotlib.rcParams.update(params)
        from_notebook = dict(matplotlib.rcParams)
    with matplotlib.rc_context():
        matplotlib.style.use(str(notebooks.STYLE_FILE))
        from_style = dict(matplotlib.rcParams)
    assert from_notebook == from_style


def test_chapter_modules_follow_relative_imports(tmp_path):
    (tmp_path / "kmeans.py").write_text("from .validation import check\n")
    (tmp_path / "validation.py").write_text("import numpy\n")
    text = (
        "```{literalinclude} ../../code/scratch/kmeans.py\n"
        ":pyobject: KMeans.fit\n```\n"
    )
    assert notebooks.chapter_modules(text, tmp_path) == [
        "kmeans",
        "validation",
    ]


# ---------------------------------------------------------------------------
# The built site


@pytest.fixture(scope="module")
def site():
    if not (SITE / "_notebooks").is_dir():
        pytest.skip("no _build/html/_notebooks: build the book first")
    return SITE


@pytest.mark.parametrize("docname", chapters())
def test_built_site_offers_each_chapter_as_notebook(site, docname):
    if not (site / f"{docname}.html").is_file():
        pytest.skip(f"{docname} is not in this build of the site")
    path = site / "_notebooks" / f"{docname}.ipynb"
    notebook = nbformat.read(str(path), as_version=4)
    nbformat.validate(notebook)
    assert any(c.cell_type == "code" for c in notebook.cells)
    page = (site / f"{docname}.html").read_text()
    assert f"_notebooks/{docname}.ipynb" in page
    for module in re.findall(r'href="[^"]*_code/scratch/(\w+)\.py"', page):
        assert (site / "_code" / "scratch" / f"{module}.py").is_file()


@pytest.mark.chapters
def test_a_generated_notebook_runs_in_a_fresh_kernel(tmp_path):
    nbclient = pytest.importorskip("nbclient")
    built = SITE / "_notebooks" / f"{SHORT_CHAPTER}.ipynb"
    if built.is_file():
        notebook = nbformat.read(str(built), as_version=4)
    else:
        notebook = notebooks.make_notebook(ROOT / f"{SHORT_CHAPTER}.md")
    for cell in notebook.cells:
        if "install" in cell.metadata.get("tags", []):
            cell.source = "# the package is installed already"
    nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    errors = [
        o
        for c in notebook.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert errors == []


# ---------------------------------------------------------------------------
# A tiny book with a repository URL, and its student edition

CHAPTER = """---
jupytext:
  text_representation:
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A chapter

```{code-cell} python3
x = 1
```

```{literalinclude} ../code/scratch/tiny.py
:pyobject: tiny
```

:::{exercise}
:label: ex-tiny

Add one.
:::

:::{solution} ex-tiny
The answer is plainly two.
:::
"""

CONFIG = f"""title: Tiny
only_build_toc_files: true
execute:
  execute_notebooks: "off"
repository:
  url: {TEST_URL}
  branch: main
launch_buttons:
  binderhub_url: https://mybinder.org
  colab_url: https://colab.research.google.com
  notebook_interface: jupyterlab
  thebe: false
sphinx:
  extra_extensions: [sphinx_exercise]
  local_extensions:
    notebooks: {ROOT / "book" / "_ext"}
"""


def _build(book, *args):
    pytest.importorskip("jupyter_book")
    command = [
        sys.executable,
        "-c",
        "import sys; from jupyter_book.cli.main import main; sys.exit(main())",
    ]
    result = subprocess.run(
        [*command, "build", str(book), "--builder", "html", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr


@pytest.fixture(scope="module")
def tiny_book(tmp_path_factory):
    book = tmp_path_factory.mktemp("tiny")
    (book / "chapters").mkdir()
    (book / "chapters" / "one.md").write_text(CHAPTER)
    (book / "intro.md").write_text("# Tiny\n\nA test book.\n")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/one\n"
    )
    (book / "_config.yml").write_text(CONFIG)
    (book / "code" / "scratch").mkdir(parents=True)
    (book / "code" / "scratch" / "tiny.py").write_text(
        "from .helper import ONE\n\n\ndef tiny():\n    return ONE\n"
    )
    (book / "code" / "scratch" / "helper.py").write_text("ONE = 1\n")
    shutil.copytree(
        ROOT / "book" / "_static",
        book / "_static",
        ignore=shutil.ignore_patterns("mathjax", "latex"),
    )
    _build(book)
    return book


def test_launch_buttons_open_notebooks(tiny_book):
    html = (tiny_book / "_build/html/chapters/one.html").read_text()
    binder = re.findall(r'href="(https://mybinder\.org[^"]*)"', html)
    colab = re.findall(r'href="(https://colab\.research[^"]*)"', html)
    assert binder and colab
    for url in binder:
        assert url.endswith("chapters/one.ipynb"), url
        assert "/v2/gh/example-org/ml-from-scratch/notebooks" in url
    for url in colab:
        assert url.endswith("/blob/notebooks/chapters/one.ipynb"), url
    assert f'href="{TEST_URL}"' in html  # the repository link
    assert "THEBE_JS_URL" not in html


def test_tiny_book_downloads(tiny_book):
    html_dir = tiny_book / "_build/html"
    page = (html_dir / "chapters/one.html").read_text()
    assert 'href="../_notebooks/chapters/one.ipynb"' in page
    assert 'href="../_code/scratch/tiny.py"' in page
    notebook = nbformat.read(
        str(html_dir / "_notebooks/chapters/one.ipynb"), 4
    )
    assert f"git+{TEST_URL}" in notebook.cells[1].source
    assert "def tiny" in (html_dir / "_code/scratch/tiny.py").read_text()
    # The module's own imports are offered too, as its helpers.
    assert 'href="../_code/scratch/helper.py"' in page
    assert "it imports" in page
    assert (html_dir / "_code/scratch/helper.py").is_file()
    assert "The answer is plainly two" in page
    requirements = (html_dir / "_notebooks/requirements.txt").read_text()
    assert f"scratch[notebook] @ git+{TEST_URL}" in requirements


def test_student_edition_hides_solutions(tiny_book, tmp_path):
    config = tmp_path / "_config.yml"
    assert student.main([str(config), str(tiny_book / "_config.yml")]) == 0
    _build(tiny_book, "--config", str(config), "--path-output", str(tmp_path))
    page = (tmp_path / "_build/html/chapters/one.html").read_text()
    assert "Add one." in page
    assert "The answer is plainly two" not in page


def test_student_config_keeps_the_main_cache(tmp_path):
    config = student.student_config(ROOT / "_config.yml")
    assert config["sphinx"]["config"]["hide_solutions"] is True
    assert config["execute"]["cache"] == str(
        ROOT / "_build" / ".jupyter_cache"
    )
    for path in config["sphinx"]["local_extensions"].values():
        assert pathlib.Path(path).is_absolute()


def test_built_student_edition_has_no_solutions():
    site = ROOT / "_build" / "student" / "html"
    if not site.is_dir():
        pytest.skip("no student edition built (make student)")
    for page in site.rglob("*.html"):
        assert 'class="solution' not in page.read_text(), page
