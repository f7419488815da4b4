"""Find TeX that a reader would see printed literally.

``find_raw_tex(text)`` returns the snippets of ``text`` that look like TeX
source rather than typeset mathematics: backslash commands (``\\frac``,
``\\mathbf``, ``\\log``, ``\\begin``), ``$...$`` and ``$$...$$`` pairs,
``\\(``/``\\[`` delimiters, and ``^{``/``_{`` groups. It is given the text
of a built edition (the PDF's text, or an HTML page's text outside its math
elements), where typeset mathematics no longer holds any of these.

It is tuned not to fire on ordinary prose, prices (``$5 and $10``), file
paths, or Python code: TeX inside a quoted string literal
(``ax.set_xlabel(r"$\\alpha$")``) or a ``#`` comment of a code line is not
reported, since a listing shows code exactly as written. Callers that know
where code is (the PDF's monospaced text, the HTML's ``<pre>``) should still
leave it out: a docstring in a listing may hold ASCII math such as
``h_{t-1}``.
"""

import re

__all__ = ["find_raw_tex", "TEX_COMMANDS"]

# Commands that only TeX uses. A generic ``\word{`` is reported as well;
# this list catches the commands written without a brace (``\alpha``,
# ``\log x``, ``\left(``). Single-letter escapes of Python strings (``\n``,
# ``\t``) are not TeX names, and the names below that start like one
# (``\nabla``, ``\theta``) are checked as whole words.
TEX_COMMANDS = frozenset(
    """
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota
    kappa lambda mu nu xi pi varpi rho varrho sigma varsigma tau upsilon
    phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon
    Phi Psi Omega
    frac dfrac tfrac sqrt sum prod int oint lim limsup liminf sup inf max
    min argmax argmin arg log ln exp sin cos tan tanh sinh cosh det tr
    mathbf mathrm mathcal mathbb mathsf mathit mathtt mathfrak boldsymbol
    bm operatorname text textrm textbf textit texttt emph mbox
    left right big Big bigg Bigg bigl bigr Bigl Bigr middle
    begin end label ref eqref cite tag nonumber notag
    cdot cdots ldots dots vdots ddots times div pm mp circ odot otimes
    oplus ast star
    le leq ge geq neq ne approx sim simeq propto equiv coloneqq
    in notin subset subseteq supset cup cap setminus emptyset varnothing
    forall exists mid nmid parallel perp top intercal
    to mapsto rightarrow leftarrow Rightarrow Leftarrow leftrightarrow
    iff implies gets uparrow downarrow
    partial nabla infty ell hbar
    hat widehat bar overline underline tilde widetilde vec dot ddot
    quad qquad lVert rVert Vert lvert rvert vert langle rangle lfloor
    rfloor lceil rceil lbrace rbrace
    displaystyle textstyle scriptstyle limits nolimits
    underbrace overbrace stackrel overset underset substack
    section subsection chapter paragraph item hline
    texorpdfstring hspace vspace newline linebreak
    """.split()
)

_COMMAND = re.compile(r"\\([A-Za-z]+)(?![A-Za-z])")
_BRACED_COMMAND = re.compile(r"\\[A-Za-z]{2,}\{")
_DELIMITED = re.compile(r"\\\((?=\S).{0,200}?\\\)|\\\[.{0,300}?\\\]")
_DISPLAY = re.compile(r"\$\$(?!\$).{1,500}?\$\$", re.DOTALL)
# Inline math as MyST reads it: no space just inside either dollar, no
# dollar right before the opening or after the closing one.
_INLINE = re.compile(r"(?<![$\\])\$(?=[^\s$])([^$\n]{1,200}?)(?<=\S)\$(?!\$)")
_SCRIPT = re.compile(r"(?:[A-Za-z0-9)\]}]|\\[A-Za-z]+)[\^_]\{[^{}\n]{0,60}\}?")
_MATHY = re.compile(r"[\\^_{}=<>]|[A-Za-z]")
# Things that look like code and whose content is shown as written.
_STRING = re.compile(
    r"""(?<![A-Za-z0-9])[rRfFbBuU]{0,2}("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
)
_COMMENT = re.compile(r"(?:^|\s)#\s.*$")
_WINDOWS_PATH = re.compile(r"\b[A-Za-z]:\\\S*")


def _masked(line):
    """``line`` with string literals, comments and paths blanked out.

    Blanking keeps every position, so matches still map to the text.
    """
    spans = []
    for pattern in (_STRING, _WINDOWS_PATH):
        spans += [match.span() for match in pattern.finditer(line)]
    chars = list(line)
    for start, stop in spans:
        chars[start:stop] = " " * (stop - start)
    masked = "".join(chars)
    comment = _COMMENT.search(masked)
    if comment and _looks_like_code(masked[: comment.start()]):
        masked = masked[: comment.start()]
    return masked


def _looks_like_code(head):
    """True when the text before a ``#`` reads as Python, or is empty."""
    head = head.strip()
    return not head or bool(
        re.search(r"[=()\[\]:]\s*$|^\s*(?:def|class|for|if|return)\b", head)
        or re.search(r"\w\(.*\)", head)
    )


def _is_price(content):
    """``$5 and $10``-like text: starts with a digit and holds no maths."""
    return content[0].isdigit() and not re.search(r"[\\^_{}=]", content)


def find_raw_tex(text):
    """The snippets of ``text`` that look like TeX source, in text order.

    Parameters
    ----------
    text : str
        Text of a built page, with typeset mathematics left out (or
        rendered as glyphs, as in a PDF's text).

    Returns
    -------
    list of str
        Each suspicious snippet (a command with its argument's start, a
        ``$...$`` pair, a ``^{``/``_{`` group); empty when the text is clean.
    """
    found = []  # (position, snippet)
    masked = "\n".join(_masked(line) for line in text.split("\n"))
    taken = []

    def add(start, stop):
        if any(start < end and begin < stop for begin, end in taken):
            return
        taken.append((start, stop))
        found.append((start, text[start:stop]))

    for match in _DISPLAY.finditer(masked):
        add(*match.span())
    for match in _INLINE.finditer(masked):
        content = match.group(1)
        if _MATHY.search(content) and not _is_price(content):
            add(*match.span())
    for match in _DELIMITED.finditer(masked):
        add(*match.span())
    for match in _BRACED_COMMAND.finditer(masked):
        add(match.start(), min(len(text), match.end() + 20))
    for match in _COMMAND.finditer(masked):
        if match.group(1) in TEX_COMMANDS:
            add(match.start(), min(len(text), match.end() + 10))
    for match in _SCRIPT.finditer(masked):
        add(*match.span())
    return [snippet.strip() for _, snippet in sorted(found)]


if __name__ == "__main__":
    import sys

    for snippet in find_raw_tex(sys.stdin.read()):
        print(snippet)
