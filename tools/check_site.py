"""Open every page of the built site in headless Chromium and report faults.

usage: python tools/check_site.py [HTML_DIR] [--pages SUBSTRING] [--install]

HTML_DIR defaults to _build/html. The site is served on localhost and each
page is opened in one browser tab, at 1280 px and then at 390 px wide, after
MathJax has typeset it. A page fails on:

- raw-tex       TeX left in the visible text (outside the typeset math)
- math-error    a MathJax error (an ``merror`` element)
- wide-display  a display equation wider than its column at 1280 px
- clipped-math  math whose glyphs touch or cross the top or bottom of a box
                that clips them (the transpose sign's bar is then cut), at
                either width
- page-scroll   at 390 px, the page itself scrolls sideways (a wide display
                must scroll inside its own box, not push the text)
- broken-image  an image that does not load
- alt-text      an image in the text whose alt text is empty or a file name
- broken-link   a link to a missing file or a missing #anchor on the site
- console       a console error (a failed request among them) or an
                uncaught exception; requests that leave the machine fail,
                since the site must work offline
- stderr        a cell output written to stderr

Each finding is printed as ``page: kind: detail``; the exit status is 1 if
there is any. Without a browser (no Chromium and no Playwright for Python)
the check prints SKIPPED and why, and exits 0. With ``--install`` (which
``make site-check`` passes) it first installs Debian's chromium with
apt-get, but only as root under CI=true. CHROMIUM names another executable.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import html.parser
import http.server
import os
import pathlib
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

DESKTOP_WIDTH = 1280
PHONE_WIDTH = 390
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Pages Sphinx writes for every site that are not part of the book's text.
SKIPPED_FOLDERS = (
    "_static",
    "_sources",
    "_images",
    "_notebooks",
    "_downloads",
)


@dataclass(frozen=True)
class Finding:
    page: str
    kind: str
    detail: str

    def __str__(self):
        return f"{self.page}: {self.kind}: {self.detail}"


# One pass over the page in the browser: everything the checks need, read
# after MathJax has typeset it. Widths are measured on the first child of
# mjx-container (the typeset math itself) against the container's parent
# (the column the display sits in).
PAGE_JS = r"""async ([phone]) => {
  const out = {wide: [], clipped: [], errors: [], stderr: [], images: [],
               alt: [],
               links: [], ids: [], text: '', pageScroll: 0};
  const texOf = (el) => {
    try {
      return MathJax.startup.document.getMathItemsWithin(el)[0].math
        .replace(/\s+/g, ' ').slice(0, 80);
    } catch (e) { return (el.textContent || '').slice(0, 80); }
  };
  const label = (el) => {
    const box = el.closest('.math, .MathJax_Display, p, li, td') || el;
    const eqno = box.querySelector ? box.querySelector('.eqno') : null;
    return eqno ? eqno.textContent.trim() + ' ' : '';
  };
  for (const el of document.querySelectorAll('mjx-container')) {
    const display = el.getAttribute('display') === 'true';
    if (display && !phone) {
      const inner = el.firstElementChild.getBoundingClientRect().width;
      const box = el.parentElement.getBoundingClientRect().width;
      if (inner > box + 1) out.wide.push(label(el) + Math.round(inner) +
          'px > ' + Math.round(box) + 'px: ' + texOf(el));
    }
    // The box that clips the math: the container itself or the span/div
    // around it, whichever does not let its content overflow. A glyph
    // whose box touches a clipping edge loses its outer row of ink (the
    // bar of a transpose sign), so each needs half a pixel of room.
    let clip = null;
    for (const box of [el, el.parentElement])
      if (box && getComputedStyle(box).overflowY !== 'visible') {
        clip = box; break;
      }
    if (!clip) continue;
    const edge = clip.getBoundingClientRect();
    const top = edge.top + clip.clientTop;
    const bottom = top + clip.clientHeight;
    let short = clip.scrollHeight - clip.clientHeight;
    for (const glyph of el.querySelectorAll('mjx-c')) {
      const r = glyph.getBoundingClientRect();
      if (!r.height) continue;
      short = Math.max(short, top + 0.5 - r.top, r.bottom - bottom + 0.5);
    }
    if (short > 0)
      out.clipped.push(label(el) + 'no room above or below (' +
          short.toFixed(1) + 'px) at ' + (phone ? 'phone' : 'desktop') +
          ' width: ' + texOf(el));
  }
  if (phone) {
    out.pageScroll = document.documentElement.scrollWidth - window.innerWidth;
    return out;
  }
  for (const el of document.querySelectorAll('mjx-merror, [data-mjx-error]'))
    out.errors.push((el.getAttribute('data-mjx-error') || el.textContent)
        .slice(0, 80));
  for (const el of document.querySelectorAll('.stderr, .output_stderr'))
    out.stderr.push(el.textContent.trim().replace(/\s+/g, ' ').slice(0, 100));
  const images = Array.from(document.images);
  await Promise.allSettled(images.map((img) => {
    img.loading = 'eager';
    return img.decode();
  }));
  for (const img of images)
    if (!img.complete || img.naturalWidth === 0)
      out.images.push(img.getAttribute('src'));
  // A figure's alt text describes it; Sphinx's default is the file name.
  for (const img of document.querySelectorAll('article img')) {
    const alt = (img.getAttribute('alt') || '').trim();
    if (!alt || /_images\/|\.(png|svg|jpe?g|gif)$/i.test(alt))
      out.alt.push(img.getAttribute('src'));
  }
  for (const a of document.querySelectorAll('a[href]'))
    out.links.push(a.getAttribute('href'));
  for (const el of document.querySelectorAll('[id]')) out.ids.push(el.id);
  for (const el of document.querySelectorAll('a[name]')) out.ids.push(el.name);
  const article = document.querySelector('article') || document.body;
  const copy = article.cloneNode(true);
  for (const el of copy.querySelectorAll(
      'mjx-container, script, style, pre, code, .highlight, .MathJax, ' +
      'mjx-assistive-mml, .headerlink, .sd-dropdown-title svg'))
    el.remove();
  out.text = copy.textContent;
  return out;
}"""

WAIT_JS = """async () => {
  if (document.querySelector('script[src*="mathjax"]')) {
    while (!(window.MathJax && MathJax.startup && MathJax.startup.promise))
      await new Promise((resolve) => setTimeout(resolve, 20));
    await MathJax.startup.promise;
  }
  await document.fonts.ready;
}"""


def find_browser() -> str | None:
    """Return the path of a Chromium executable, or None."""
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit if pathlib.Path(explicit).exists() else None
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def install_browser() -> None:
    """apt-get install chromium, only as root under CI=true."""
    if os.environ.get("CI") != "true" or os.geteuid() != 0:
        return
    print("Installing chromium with apt-get", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env
    )


def why_unavailable() -> str | None:
    """Say why no browser can run the check, or None when one can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return (
            "Playwright for Python is not installed "
            "(pip install -e '.[site]')."
        )
    if find_browser() is None:
        return (
            "no Chromium found (install Debian's chromium, or set "
            "CHROMIUM to a Chromium or Chrome executable)."
        )
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging; browsers ask for a favicon the site
    does not need to have."""

    def log_message(self, *args):
        pass

    def send_error(self, code, *args, **kwargs):
        if code == 404 and self.path.split("?")[0] == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        super().send_error(code, *args, **kwargs)


@contextlib.contextmanager
def serve(root: pathlib.Path):
    """Serve ``root`` on a free localhost port; yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def launch_browser():
    """Start one headless Chromium; yield a Playwright Browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_browser(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                # The site must work offline: any request that leaves
                # the machine fails at once instead of timing out.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


def redirect_target(path: pathlib.Path) -> str | None:
    """The URL a meta-refresh page (Sphinx's root index.html) sends to."""
    head = path.read_text(encoding="utf-8", errors="replace")[:2000]
    if 'http-equiv="refresh"' not in head.lower():
        return None
    _, _, rest = head.lower().partition("url=")
    end = min(i for i in (rest.find('"'), rest.find("'"), len(rest)) if i >= 0)
    return head[len(head) - len(rest) :][:end].strip()


def list_pages(root: pathlib.Path, substring: str = "") -> list[str]:
    """The site's HTML pages, as paths relative to ``root``."""
    pages = []
    for path in sorted(root.rglob("*.html")):
        relative = path.relative_to(root)
        if relative.parts[0] in SKIPPED_FOLDERS:
            continue
        if substring in relative.as_posix():
            pages.append(relative.as_posix())
    return pages


class _IdParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


@functools.lru_cache(maxsize=None)
def _static_ids(path: pathlib.Path) -> frozenset[str]:
    parser = _IdParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(parser.ids)


def broken_links(
    root: pathlib.Path,
    page: str,
    hrefs: list[str],
    page_ids: dict[str, set[str]],
) -> list[str]:
    """Hrefs of ``page`` that name a missing file or a missing anchor."""
    broken = []
    for href in dict.fromkeys(hrefs):
        parts = urllib.parse.urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith("#!"):
            continue
        target = (
            pathlib.PurePosixPath(page).parent
            / urllib.parse.unquote(parts.path)
        ).as_posix()
        target = os.path.normpath(target) if parts.path else page
        path = root / target
        if path.is_dir():
            path, target = path / "index.html", f"{target}/index.html"
        if not path.resolve().is_relative_to(root.resolve()):
            broken.append(f"{href} (outside the site)")
            continue
        if not path.is_file():
            broken.append(f"{href} (no file {target})")
            continue
        anchor = urllib.parse.unquote(parts.fragment)
        if anchor and path.suffix == ".html":
            ids = page_ids.get(target) or _static_ids(path)
            if anchor not in ids:
                broken.append(f"{href} (no #{anchor} in {target})")
    return broken


def _raw_tex_finder():
    try:
        from raw_tex import find_raw_tex
    except ImportError:
        print("tools/raw_tex.py not found: raw TeX is not checked")
        return lambda text: []
    return find_raw_tex


def _console_text(message) -> str:
    text = message.text
    url = (message.location or {}).get("url", "")
    if text.startswith("Failed to load resource") and url:
        text = f"{text} ({url.split('?')[0]})"
    return text


def check_pages(
    browser, base_url: str, root: pathlib.Path, pages: list[str]
) -> list[Finding]:
    """Open each page in one tab of ``browser`` and return the findings."""
    find_raw_tex = _raw_tex_finder()
    findings: list[Finding] = []
    page_ids: dict[str, set[str]] = {}
    page_links: dict[str, list[str]] = {}
    tab = browser.new_page(viewport={"width": DESKTOP_WIDTH, "height": 900})
    console: list[str] = []
    tab.on(
        "console",
        lambda message: (
            console.append(_console_text(message))
            if message.type == "error"
            else None
        ),
    )
    tab.on("pageerror", lambda error: console.append(f"uncaught {error}"))
    for page in pages:
        target = redirect_target(root / page)
        if target is not None:  # nothing to see; its target must exist
            page_links[page] = [target]
            continue
        console.clear()
        tab.set_viewport_size({"width": DESKTOP_WIDTH, "height": 900})
        try:
            tab.goto(base_url + page, wait_until="load")
            tab.evaluate(WAIT_JS)
            desktop = tab.evaluate(PAGE_JS, [False])
            tab.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
            phone = tab.evaluate(PAGE_JS, [True])
        except Exception as error:  # a page that cannot be read at all
            findings.append(Finding(page, "console", f"not checked: {error}"))
            continue

        def add(kind, details, page=page):
            findings.extend(Finding(page, kind, d) for d in details)

        add("raw-tex", find_raw_tex(desktop["text"]))
        add("math-error", desktop["errors"])
        add("wide-display", desktop["wide"])
        add(
            "clipped-math",
            desktop["clipped"]
            + [c for c in phone["clipped"] if c not in desktop["clipped"]],
        )
        if phone["pageScroll"] > 1:
            add(
                "page-scroll",
                [
                    f"the page is {phone['pageScroll']}px wider "
                    f"than a {PHONE_WIDTH}px screen"
                ],
            )
        add("broken-image", desktop["images"])
        add(
            "alt-text",
            [
                f"no description, only the file name: {src}"
                for src in desktop["alt"]
            ],
        )
        add("stderr", desktop["stderr"])
        add("console", list(dict.fromkeys(console)))
        page_ids[page] = set(desktop["ids"])
        page_links[page] = desktop["links"]
    tab.close()
    for page, hrefs in page_links.items():
        findings.extend(
            Finding(page, "broken-link", detail)
            for detail in broken_links(root, page, hrefs, page_ids)
        )
    order = {page: index for index, page in enumerate(pages)}
    return sorted(findings, key=lambda f: (order[f.page], f.kind))


def check_site(
    root: pathlib.Path, substring: str = "", browser=None
) -> list[Finding]:
    """Serve ``root`` and check its pages; reuse ``browser`` if given."""
    root = pathlib.Path(root).resolve()
    pages = list_pages(root, substring)
    with serve(root) as base_url:
        if browser is not None:
            return check_pages(browser, base_url, root, pages)
        with launch_browser() as own_browser:
            return check_pages(own_browser, base_url, root, pages)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_dir", nargs="?", default="_build/html")
    parser.add_argument(
        "--pages", default="", help="check only pages whose path contains this"
    )
    parser.add_argument(
        "--install",
        action="store_true",
        help="apt-get install chromium if missing "
        "(as root under CI=true only)",
    )
    args = parser.parse_args(argv)
    root = pathlib.Path(args.html_dir)
    if not (root / "index.html").is_file() and not list_pages(root):
        print(f"{root}: no built site here (run the HTML build first)")
        return 1
    if args.install and find_browser() is None:
        install_browser()
    reason = why_unavailable()
    if reason:
        print(f"SKIPPED: the browser check of {root} did not run: {reason}")
        return 0
    start = time.perf_counter()
    findings = check_site(root, args.pages)
    for finding in findings:
        print(finding)
    pages = len(list_pages(root, args.pages))
    failing = len({finding.page for finding in findings})
    print(
        f"Browser check: {pages} pages in "
        f"{time.perf_counter() - start:.0f} s, {len(findings)} findings "
        f"on {failing} pages."
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
