"""Runnable chapters: each chapter's notebook and module on the site.

A Sphinx extension for the HTML builds (registered in _config.yml under
``sphinx: local_extensions``). For every page written from a MyST notebook
it

- writes the chapter as a Jupyter notebook, ``_notebooks/<page>.ipynb``,
  converted from the MyST source with jupytext. Its first cell installs the
  book's package; the hidden cells are kept (collapsed) so that the
  notebook draws every figure the page shows, with the book's Matplotlib
  style written out inline;
- copies the modules the chapter includes with ``literalinclude`` (and the
  package modules they import) to ``_code/scratch/<module>.py``;
- links both under the chapter's title and in the header's download menu;
- points the Binder and Colab launch buttons at the notebook, not at the
  Markdown text.

The repository's public URL is set in one place, ``repository: url:`` in
_config.yml. While it is empty the launch buttons and the repository link
are off and the install cell says how to install the package by hand. With
it set, the launch buttons open ``<page>.ipynb`` on the repository's
``notebooks_branch`` (a Sphinx option, default ``notebooks``), a branch
that holds the site's ``_notebooks`` folder: the publishing workflow pushes
it there, with the ``requirements.txt`` this extension writes for Binder.

It also drops sphinx-thebe's scripts when Thebe is off (they are added
twice and then fail with a console error on every page) and gives the
theme a default colour mode (without one it logs an error on each page).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote

NOTEBOOK_FOLDER = "_notebooks"
CODE_FOLDER = "_code/scratch"
STYLE_FILE = Path(__file__).resolve().parents[1] / "_static" / "book.mplstyle"

_LITERALINCLUDE = re.compile(
    r"```\{literalinclude\}\s+(\S*?code/scratch/(\w+)\.py)"
)
_RELATIVE_IMPORT = re.compile(r"^from \.(\w+) import", re.MULTILINE)
_STYLE_USE = re.compile(
    r"""plt\.style\.use\(\s*["'][^"']*book\.mplstyle["']\s*\)"""
)
_GLUE_IMPORT = re.compile(r"^from myst_nb import glue$", re.MULTILINE)
# The PDF copy of each figure serves the PDF edition only.
_PDF_FORMAT = re.compile(
    r"""(set_matplotlib_formats\([^)]*?),\s*["']pdf["']"""
)

GLUE_FALLBACK = """\
try:
    from myst_nb import glue
except ImportError:  # glue only files values for the book's text
    def glue(name, variable, display=True):
        return None"""


# ---------------------------------------------------------------------------
# The notebook


def style_as_rcparams(style_file: Path = STYLE_FILE) -> dict[str, str]:
    """The rcParams of a Matplotlib style file, as strings."""
    params = {}
    for line in style_file.read_text(encoding="utf-8").splitlines():
        # As in Matplotlib's own reader: colours are written without "#".
        line = line.split("#", 1)[0].strip()
        if not line or ":" not in line:
            continue
        key, value = line.split(":", 1)
        params[key.strip()] = value.strip().strip('"')
    return params


def _style_cell_source(style_file: Path = STYLE_FILE) -> str:
    params = style_as_rcparams(style_file)
    lines = ["plt.rcParams.update({"]
    lines += [f"    {key!r}: {value!r}," for key, value in params.items()]
    lines.append("})")
    return "\n".join(lines)


def install_source(repository_url: str) -> str:
    """The first cell: install the book's package where it is missing."""
    if repository_url:
        return (
            "# The book's package, scratch, with Matplotlib and "
            "scikit-learn:\n"
            f'%pip install --quiet "scratch[notebook] @ '
            f'git+{repository_url.rstrip("/")}"'
        )
    return (
        "# This notebook imports the book's package, scratch. In a "
        "copy of the\n# book's repository, install it with\n"
        "#     pip install -e '.[notebook]'\n"
        "# and restart the kernel."
    )


def make_notebook(source: Path, repository_url: str = ""):
    """Convert a MyST chapter to an nbformat notebook ready to run."""
    import jupytext
    import nbformat

    notebook = jupytext.read(source, fmt="md:myst")
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    style = _style_cell_source()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.source = _STYLE_USE.sub(style, cell.source)
        cell.source = _GLUE_IMPORT.sub(GLUE_FALLBACK, cell.source)
        cell.source = _PDF_FORMAT.sub(r"\1", cell.source)
        tags = cell.metadata.get("tags", [])
        if "remove-cell" in tags or "remove-input" in tags:
            # Build helpers (glue, checks, plotting details): kept so the
            # notebook reproduces the page, folded away in JupyterLab.
            cell.metadata["jupyter"] = {"source_hidden": True}
    title_end = next(
        (
            i + 1
            for i, cell in enumerate(notebook.cells)
            if cell.cell_type == "markdown"
            and cell.source.lstrip().startswith("# ")
        ),
        0,
    )
    notebook.cells.insert(
        title_end,
        nbformat.v4.new_code_cell(
            install_source(repository_url), metadata={"tags": ["install"]}
        ),
    )
    notebook = nbformat.v4.upgrade(notebook)
    notebook.nbformat_minor = max(notebook.nbformat_minor, 5)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"  # stable ids: the same file each build
    return notebook


def chapter_modules(source_text: str, code_root: Path) -> list[str]:
    """Modules a chapter includes, then the package modules they import."""
    modules = list(
        dict.fromkeys(name for _, name in _LITERALINCLUDE.findall(source_text))
    )
    queue = list(modules)
    while queue:
        path = code_root / f"{queue.pop(0)}.py"
        if not path.is_file():
            continue
        for name in _RELATIVE_IMPORT.findall(path.read_text("utf-8")):
            if name not in modules and (code_root / f"{name}.py").is_file():
                modules.append(name)
                queue.append(name)
    return [name for name in modules if (code_root / f"{name}.py").is_file()]


# ---------------------------------------------------------------------------
# Sphinx


def _repository_url(app) -> str:
    return (app.config.html_theme_options.get("repository_url") or "").strip()


def configure(app, config):
    """Launch buttons and repository link on exactly when a URL is set."""
    options = config.html_theme_options
    url = (options.get("repository_url") or "").strip()
    if not url:
        options.pop("repository_url", None)
        options["launch_buttons"] = {}
    options["use_repository_button"] = bool(url)
    options.setdefault("repository_branch", "main")
    # pydata-sphinx-theme logs an error on every page without a mode.
    config.html_context.setdefault("default_mode", "auto")
    # One search field (the sidebar's), not a second one in the header.
    options.setdefault("navbar_persistent", [])


def _code_root(app) -> Path:
    return Path(app.confdir) / "code" / "scratch"


def _is_notebook(app, pagename) -> bool:
    return "kernelspec" in app.env.metadata.get(pagename, {})


def _asset_key(entry) -> str:
    body = getattr(entry, "attributes", {}).get("body", "")
    return f"{getattr(entry, 'filename', entry) or ''}|{body}"


def _drop_thebe(app, context):
    """sphinx-thebe adds its scripts twice (a console error): keep each
    script once, and none of Thebe's while Thebe is off."""
    launch = app.config.html_theme_options.get("launch_buttons") or {}
    thebe_on = bool(launch.get("thebe"))
    for key in ("script_files", "css_files"):
        if key not in context:
            continue
        seen, kept = set(), []
        for entry in context[key]:
            asset = _asset_key(entry)
            if asset in seen or (not thebe_on and "thebe" in asset.lower()):
                continue
            seen.add(asset)
            kept.append(entry)
        context[key] = kept


def _launch_url(button, app, pagename) -> str | None:
    """The Binder or Colab URL that opens the page's notebook."""
    url = _repository_url(app)
    if not url or "github.com/" not in url:
        return None
    owner, repo = url.rstrip("/").split("github.com/")[1].split("/")[:2]
    branch = app.config.notebooks_branch
    notebook = f"{pagename}.ipynb"
    launch = app.config.html_theme_options.get("launch_buttons") or {}
    if button.get("text") == "Binder":
        binder = launch.get("binderhub_url", "").rstrip("/")
        ui = (
            "lab/tree"
            if launch.get("notebook_interface") == "jupyterlab"
            else "tree"
        )
        return (
            f"{binder}/v2/gh/{owner}/{repo}/{branch}"
            f"?urlpath={quote(f'{ui}/{notebook}')}"
        )
    if button.get("text") == "Colab":
        colab = launch.get("colab_url", "").rstrip("/")
        return f"{colab}/github/{owner}/{repo}/blob/{branch}/{notebook}"
    return None


def add_downloads(app, pagename, templatename, context, doctree):
    """Write the page's notebook and modules; link them; fix launch URLs."""
    _drop_thebe(app, context)
    if app.builder.format != "html" or not doctree:
        return
    if not _is_notebook(app, pagename):
        return
    outdir = Path(app.outdir)
    source = Path(app.env.doc2path(pagename))
    notebook_rel = f"{NOTEBOOK_FOLDER}/{pagename}.ipynb"
    notebook_path = outdir / notebook_rel
    notebook_path.parent.mkdir(parents=True, exist_ok=True)
    import nbformat

    nbformat.write(make_notebook(source, _repository_url(app)), notebook_path)
    code_root = _code_root(app)
    modules = chapter_modules(source.read_text("utf-8"), code_root)
    for name in modules:
        target = outdir / CODE_FOLDER / f"{name}.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(code_root / f"{name}.py", target)

    pathto = context["pathto"]
    taught = set(n for _, n in _LITERALINCLUDE.findall(source.read_text()))

    def module_link(name):
        url = pathto(f"{CODE_FOLDER}/{name}.py", 1)
        return (url, f"scratch/{name}.py", f"the module scratch.{name}")

    notebook_link = (
        pathto(notebook_rel, 1),
        f"{Path(pagename).name}.ipynb",
        "the chapter as a Jupyter notebook",
    )
    main = [notebook_link] + [module_link(n) for n in modules if n in taught]
    helpers = [module_link(n) for n in modules if n not in taught]
    _add_header_entries(context, main + helpers)
    _add_title_links(context, main, helpers)
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":
            for button in group.get("buttons", []):
                url = _launch_url(button, app, pagename)
                if url:
                    button["url"] = url


def _add_header_entries(context, links):
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        # The theme's own .ipynb entry is the executed notebook, copied
        # only when launch buttons are on; ours replaces it.
        buttons = [
            button
            for button in group["buttons"]
            if button.get("label") != "download-notebook-button"
        ]
        entries = [
            {
                "type": "link",
                "url": url,
                "text": text,
                "tooltip": f"Download {what}",
                "icon": "fas fa-code"
                if text.endswith(".ipynb")
                else "fab fa-python",
                "label": "download-notebook-button"
                if index == 0
                else f"download-module-button-{index}",
            }
            for index, (url, text, what) in enumerate(links)
        ]
        group["buttons"] = entries + buttons


def _link(url, text, what):
    return (
        f'<a class="reference download" href="{url}" download '
        f'title="Download {what}">{text}</a>'
    )


def _add_title_links(context, links, helpers=()):
    """Under the title: the notebook, the modules taught, their helpers."""
    body = context.get("body", "")
    end = body.find("</h1>")
    if end < 0:
        return
    items = " ".join(_link(*link) for link in links)
    if helpers:
        names = ", ".join(
            _link(url, text.removeprefix("scratch/"), what)
            for url, text, what in helpers
        )
        items += f' <span class="helpers">(it imports {names})</span>'
    html = (
        '<p class="chapter-downloads"><span>Run it yourself:</span> '
        f"{items}</p>"
    )
    end += len("</h1>")
    context["body"] = body[:end] + html + body[end:]


def write_requirements(app, exception):
    """A requirements.txt next to the notebooks, for Binder."""
    if exception or app.builder.format != "html":
        return
    folder = Path(app.outdir) / NOTEBOOK_FOLDER
    if not folder.is_dir():
        return
    url = _repository_url(app)
    requirement = (
        f"scratch[notebook] @ git+{url.rstrip('/')}"
        if url
        else "# pip install -e '.[notebook]' from the repository"
    )
    (folder / "requirements.txt").write_text(requirement + "\n", "utf-8")
    index = {
        "notebooks": sorted(
            p.relative_to(folder).as_posix() for p in folder.rglob("*.ipynb")
        )
    }
    (folder / "index.json").write_text(json.dumps(index, indent=1), "utf-8")


def setup(app):
    app.add_config_value("notebooks_branch", "notebooks", "html")
    app.connect("config-inited", configure)
    # After the theme's header buttons (priority 501).
    app.connect("html-page-context", add_downloads, priority=600)
    app.connect("build-finished", write_requirements)
    return {
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "version": "1",
    }


__all__ = [
    "make_notebook",
    "chapter_modules",
    "install_source",
    "style_as_rcparams",
    "setup",
]
