"""tools/check_site.py finds each kind of breakage on a page broken on purpose.

The pages are small HTML files written under tmp_path, typeset by the
book's own copy of MathJax and served by the check's own server; one
browser opens them all. Skipped where Playwright or Chromium is missing.
"""

import base64
import importlib.util
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
MATHJAX = ROOT / "book" / "_static" / "mathjax"


def _load_tool(name):
    spec = importlib.util.spec_from_file_location(
        name, ROOT / "tools" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


check_site = _load_tool("check_site")

# A 1 x 1 PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    "hKmMIQAAAABJRU5ErkJggg=="
)

# What sphinx-book-theme does to math (its box clips), and the book's fix.
THEME_CSS = """
body { margin: 0; font-size: 16px; }
article { width: 340px; margin: 0 20px; }
div.math { display: flex; overflow: hidden; max-width: 100%; }
div.math mjx-container { flex-grow: 1; overflow: auto; }
"""
BOOK_CSS = (ROOT / "book" / "_static" / "custom.css").read_text()


def page(body, css=THEME_CSS + BOOK_CSS):
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>t</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{css}</style>
<script>
window.MathJax = {{tex: {{inlineMath: [["\\\\(", "\\\\)"]]}}}};
</script>
<script defer src="_static/mathjax/tex-chtml-full.js"></script>
</head><body><article>{body}</article></body></html>"""


DISPLAY = r'<div class="math">\[ \mathbf{X}^\top \mathbf{y} \]</div>'
WIDE = (
    '<div class="math">\\[ '
    + " + ".join(f"a_{{{i}}} b_{{{i}}}" for i in range(30))
    + r" \]</div>"
)

# Each broken page and the one kind of finding it must produce.
BROKEN = {
    "raw-tex": page(r"<p>The loss is \frac{1}{2} \lVert r \rVert^2.</p>"),
    "math-error": page(r"<p>Here \( x^ \) is not TeX.</p>"),
    "wide-display": page(WIDE),
    "clipped-math": page(DISPLAY, css=THEME_CSS),
    "broken-image": page('<p><img src="missing.png" alt="a plot"></p>'),
    "broken-link": page(
        '<p><a href="good.html#nowhere">see</a> and '
        '<a href="gone.html">this</a>.</p>'
    ),
    "alt-text": page('<p><img src="pixel.png" alt="pixel.png"></p>'),
    "console": page('<p>Text.</p><script>console.error("boom")</script>'),
    "stderr": page(
        '<div class="cell_output"><div class="output stderr">'
        "<pre>UserWarning: /tmp/x.py:3</pre></div></div>"
    ),
    "page-scroll": page(
        '<p style="width: 600px">A paragraph set wider '
        "than a phone's screen.</p>"
    ),
}
GOOD = page(
    '<p id="intro">Inline \\(\\mathbf{w}^\\top \\mathbf{x}_i\\), a figure '
    '<img src="pixel.png" alt="one pixel"> and <a href="#intro">a link</a>'
    ' to <a href="good.html#intro">this page</a>.</p>'
    + DISPLAY
    + "<pre><code>ax.set_xlabel(r'$\\alpha$')</code></pre>"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "_static").mkdir()
    (root / "_static" / "mathjax").symlink_to(MATHJAX)
    (root / "pixel.png").write_bytes(PIXEL)
    (root / "good.html").write_text(GOOD)
    for kind, html in BROKEN.items():
        (root / f"{kind}.html").write_text(html)
    (root / "index.html").write_text(
        '<html><head><meta http-equiv="refresh" content="0; '
        'url=good.html" /></head></html>'
    )
    return root


@pytest.fixture(scope="module")
def findings(site):
    reason = check_site.why_unavailable()
    if reason:
        pytest.skip(reason)
    if not (MATHJAX / "tex-chtml-full.js").is_file():
        pytest.skip("no MathJax copy in book/_static/mathjax")
    found = {}
    for finding in check_site.check_site(site):
        found.setdefault(finding.page, []).append(finding)
    return found


def test_a_good_page_passes(findings):
    assert findings.get("good.html", []) == []
    assert findings.get("index.html", []) == []


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_each_breakage_is_found(findings, kind):
    kinds = {finding.kind for finding in findings.get(f"{kind}.html", [])}
    # A missing image is also a failed request, which the console reports.
    also = {"console"} if kind == "broken-image" else set()
    assert kinds - also == {kind}


def test_raw_tex_and_links_are_named(findings):
    raw = [f.detail for f in findings["raw-tex.html"]]
    assert any("frac" in detail for detail in raw)
    links = sorted(f.detail for f in findings["broken-link.html"])
    assert links == [
        "gone.html (no file gone.html)",
        "good.html#nowhere (no #nowhere in good.html)",
    ]


def test_broken_links_without_a_browser(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "page.html").write_text('<h1 id="top">x</h1>')
    (tmp_path / "a" / "index.html").write_text("<p>index</p>")
    hrefs = [
        "page.html#top",
        "#top",
        "./",
        "page.html#bottom",
        "../b.html",
        "../../x.html",
        "https://example.org/",
        "mailto:a@b.c",
        "page.html?x=1#top",
    ]
    broken = check_site.broken_links(tmp_path, "a/page.html", hrefs, {})
    assert broken == [
        "page.html#bottom (no #bottom in a/page.html)",
        "../b.html (no file b.html)",
        "../../x.html (outside the site)",
    ]


def test_redirect_page_is_followed_not_opened(tmp_path):
    index = tmp_path / "index.html"
    index.write_text(
        '<meta http-equiv="Refresh" content="0; url=book/intro.html" />'
    )
    assert check_site.redirect_target(index) == "book/intro.html"
    (tmp_path / "plain.html").write_text("<p>no redirect</p>")
    assert check_site.redirect_target(tmp_path / "plain.html") is None


def test_skips_with_a_message_without_a_browser(tmp_path, monkeypatch, capsys):
    (tmp_path / "index.html").write_text("<p>x</p>")
    monkeypatch.setattr(
        check_site, "why_unavailable", lambda: "no Chromium found"
    )
    assert check_site.main([str(tmp_path)]) == 0
    assert "SKIPPED" in capsys.readouterr().out
