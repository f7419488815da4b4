"""The print edition: what the LaTeX builder needs to make a book.

The HTML and the PDF are built from the same sources; this extension
changes only what the LaTeX builder prints, so that the PDF reads like a
book rather than an export of web pages:

- numbers: theorems, definitions, algorithms and exercises are numbered
  per chapter (``Theorem 11.1``), as in the HTML edition;
- proofs: a ``Proof.`` heading and an end mark, not an empty box;
- exercises: the solutions are moved out of the chapters into an appendix
  of solutions, each exercise linking to its solution and back;
- front and back matter: a preface in the contents, subsection headings in
  it, an unnumbered bibliography with no empty chapter before it;
- headings with mathematics get a plain-text PDF bookmark;
- nested numbered lists (sub-steps of an algorithm) count a, b, c.

It also registers the author-year bibliography style ``authoryear`` used by
both editions.
"""

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

__all__ = ["setup", "plain_math"]

# The LaTeX of each Greek letter's name, for plain-text bookmarks.
_GREEK = dict(
    alpha="α",
    beta="β",
    gamma="γ",
    delta="δ",
    epsilon="ε",
    varepsilon="ε",
    zeta="ζ",
    eta="η",
    theta="θ",
    iota="ι",
    kappa="κ",
    lambda_="λ",
    mu="μ",
    nu="ν",
    xi="ξ",
    pi="π",
    rho="ρ",
    sigma="σ",
    tau="τ",
    phi="φ",
    varphi="φ",
    chi="χ",
    psi="ψ",
    omega="ω",
    Gamma="Γ",
    Delta="Δ",
    Theta="Θ",
    Lambda="Λ",
    Sigma="Σ",
    Phi="Φ",
    Psi="Ψ",
    Omega="Ω",
)
_GREEK["lambda"] = _GREEK.pop("lambda_")
_SYMBOLS = {
    "top": "ᵀ",
    "times": "×",
    "cdot": "·",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "infty": "∞",
    "in": "∈",
    "to": "→",
    "partial": "∂",
    "nabla": "∇",
    "sum": "Σ",
    "ell": "ℓ",
    "ldots": "...",
    "dots": "...",
    "cdots": "...",
}


def plain_math(tex):
    """A readable plain-text form of inline TeX, for PDF bookmarks."""
    text = re.sub(r"\\(?:left|right|big|Big|bigl|bigr)\b", "", tex)
    text = re.sub(
        r"\\([A-Za-z]+)",
        lambda match: _GREEK.get(
            match.group(1),
            _SYMBOLS.get(match.group(1), " " + match.group(1) + " "),
        ),
        text,
    )
    text = re.sub(
        r" (mathbf|mathrm|mathcal|mathbb|boldsymbol|operatorname"
        r"|text|mathit|bm) ",
        "",
        text,
    )
    text = re.sub(r"\\[,;:! ]", " ", text)
    text = text.replace("{", "").replace("}", "").replace("\\", "")
    text = text.replace("^", "").replace("_", "")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"([(\[])\s+|\s+([)\]])", r"\1\2", text)


def _escape(text):
    """Escape text for LaTeX (in a raw node, outside the translator)."""
    replacements = {
        "\\": "",
        "{": "",
        "}": "",
        "#": r"\#",
        "%": r"\%",
        "&": r"\&",
        "$": r"\$",
        "_": r"\_",
        "~": "-",
        "^": "",
    }
    return "".join(replacements.get(char, char) for char in text)


def _raw(text):
    return nodes.raw("", text, format="latex")


def _plain_text(node):
    """The text of a title, with its mathematics in plain form."""
    parts = []
    for child in node.findall(
        lambda n: isinstance(n, (nodes.Text, nodes.math))
    ):
        if isinstance(child, nodes.math):
            parts.append(plain_math(child.astext()))
        elif not isinstance(child.parent, nodes.math):
            parts.append(str(child))
    return "".join(parts)


class print_heading(nodes.Element):
    """An unnumbered ``\\section*`` heading (the preface's subsections)."""


def _visit_print_heading(self, node):
    self.body.append("\n\\section*{")


def _depart_print_heading(self, node):
    self.body.append("}\n")


def _skip(self, node):
    raise nodes.SkipNode


class PrintEdition(SphinxPostTransform):
    """Rearrange the whole book's doctree for the LaTeX writer.

    It runs once, on the doctree that the LaTeX builder assembles from
    every chapter, after Jupyter Book has arranged its parts.
    """

    default_priority = 800
    builders = ("latex",)

    def run(self, **kwargs):
        if not any(
            isinstance(node, nodes.Element) and node.get("docname")
            for node in self.document.findall(_is_start_of_file)
        ):
            return  # not the assembled book
        _restore_writer_depth(self.app)
        self.proofs_as_proofs()
        self.bookmarks_without_math()
        self.nested_lists_lettered()
        self.breakable_code_in_tables()
        self.preface()
        self.back_matter()

    # -- proofs ----------------------------------------------------------
    def proofs_as_proofs(self):
        """``\\begin{proof}`` (amsthm: a heading and an end mark)."""
        from sphinx_proof.nodes import proof_node

        for proof in list(self.document.findall(proof_node)):
            body = []
            for child in proof.children:
                if isinstance(child, nodes.admonition):
                    body.extend(
                        c
                        for c in child.children
                        if not isinstance(c, nodes.title)
                    )
                else:
                    body.append(child)
            if body and isinstance(body[0], nodes.paragraph):
                _strip_leading(body[0], ("Proof.", "Proof"))
            if body and isinstance(body[-1], nodes.paragraph):
                # The end mark closes the last line, not a line of its own.
                body[-1] += _raw("\\qedhere")
            proof.replace_self(
                [_raw("\\begin{proof}\n"), *body, _raw("\\end{proof}\n")]
            )

    # -- bookmarks -------------------------------------------------------
    def bookmarks_without_math(self):
        """Titles with math: ``\\texorpdfstring{typeset}{plain}``."""
        for title in self.document.findall(nodes.title):
            if not isinstance(title.parent, nodes.section):
                continue
            if not any(title.findall(nodes.math)):
                continue
            plain = _escape(_plain_text(title))
            children = list(title.children)
            title.clear()
            title += _raw("\\texorpdfstring{")
            title.extend(children)
            title += _raw("}{" + plain + "}")

    # -- algorithm sub-steps ---------------------------------------------
    def nested_lists_lettered(self):
        """Sub-steps count (a), (b), ... so they differ from main steps."""
        for inner in self.document.findall(nodes.enumerated_list):
            parent = inner.parent
            while parent is not None and not isinstance(
                parent, nodes.enumerated_list
            ):
                parent = parent.parent
            if parent is not None and inner.get("enumtype") == "arabic":
                inner["enumtype"] = "loweralpha"
                inner["prefix"], inner["suffix"] = "(", ")"

    # -- code in narrow table columns ------------------------------------
    def breakable_code_in_tables(self):
        """Let inline code in a table break after "(", "=" and ",".

        ``KMeans(random_state=0)`` in a narrow column would stick out of
        the table; LaTeX may now break it after the parenthesis.
        """
        for table in self.document.findall(nodes.table):
            for literal in list(table.findall(nodes.literal)):
                text = literal.astext()
                pieces = re.split(r"(?<=[(=,])", text)
                if len(pieces) < 2 or len(literal.children) != 1:
                    continue
                replacement = []
                for piece in pieces:
                    if not piece:
                        continue
                    if replacement:
                        replacement.append(_raw("\\allowbreak{}"))
                    replacement.append(
                        nodes.literal(piece, piece, classes=literal["classes"])
                    )
                literal.replace_self(replacement)

    # -- front matter ----------------------------------------------------
    def preface(self):
        """The root document becomes the preface, listed in the contents."""
        from sphinx_jupyterbook_latex.nodes import RootHeader

        root = self.app.config.root_doc
        section = next(
            (
                node
                for node in self.document.findall(nodes.section)
                if node.get("docname") == root
            ),
            None,
        )
        if section is None:
            return
        title = self.app.config.print_edition_preface_title
        heading = _raw(
            "\\chapter*{%s}\\addcontentsline{toc}{chapter}{%s}"
            "\\markboth{%s}{%s}\n" % ((_escape(title),) * 4)
        )
        first = 1 if isinstance(section[0], nodes.title) else 0
        section.insert(first, heading)
        for header in list(self.document.findall(RootHeader)):
            replacement = print_heading()
            replacement.extend(header.children)
            header.replace_self(replacement)

    # -- back matter -----------------------------------------------------
    def back_matter(self):
        """An appendix of solutions; an unnumbered bibliography."""
        bibliography = self._start_of_file(
            self.app.config.print_edition_bibliography_doc
        )
        appendix = self.solutions_appendix()
        if bibliography is None:
            if appendix:
                self.document += [_raw("\\appendix\n"), *appendix]
            return
        # The part that holds the bibliography ("Back matter") prints no
        # part page: its chapters are the book's appendices.
        part = bibliography.parent
        while part is not None and not isinstance(part, nodes.section):
            part = part.parent
        if part is not None and isinstance(part[0], nodes.title):
            part.remove(part[0])
        parent = bibliography.parent
        index = parent.index(bibliography)
        parent.insert(index, [_raw("\\appendix\n"), *appendix])
        for section in bibliography.findall(nodes.section):
            if isinstance(section[0], nodes.title):
                name = _escape(section[0].astext())
                section.remove(section[0])
                section.insert(
                    0,
                    _raw(
                        "\\chapter*{%s}\\addcontentsline{toc}{chapter}{%s}"
                        "\\markboth{%s}{%s}\n" % ((name,) * 4)
                    ),
                )
            break

    def solutions_appendix(self):
        """Move every solution into one appendix, grouped by chapter.

        Each exercise gets a link to its solution's page; each solution's
        title already links back to its exercise.
        """
        from sphinx_exercise.nodes import (
            exercise_enumerable_node,
            exercise_node,
            solution_node,
        )

        solutions = list(self.document.findall(solution_node))
        if not solutions:
            return []
        env = self.env
        registry = getattr(env, "sphinx_exercise_registry", {})
        exercises = {
            node.get("label"): node
            for node in self.document.findall(
                lambda n: isinstance(
                    n, (exercise_node, exercise_enumerable_node)
                )
            )
        }
        out = [
            _raw(
                "\\chapter{%s}\\label{print-edition-solutions}\n"
                % _escape(self.app.config.print_edition_solutions_title)
            )
        ]
        group = None  # the solutions of one chapter
        for solution in solutions:
            solution.parent.remove(solution)
            target = registry.get(solution.get("target_label"), {})
            docname = target.get("docname") or solution.get("docname")
            if group is None or group["docname"] != docname:
                # The LaTeX writer names labels and links after the
                # enclosing file: keep the chapter's name around its
                # solutions, so their references still resolve.
                group = addnodes.start_of_file(docname=docname)
                number = env.toc_secnumbers.get(docname, {}).get("", ())
                name = _escape(env.titles[docname].astext())
                prefix = ".".join(map(str, number))
                group += _raw(
                    "\\section*{%s}\n"
                    % (f"{prefix}\\quad {name}" if prefix else name)
                )
                out.append(group)
            group += solution
            exercise = exercises.get(solution.get("target_label"))
            if exercise is not None:
                label = "%s:%s" % (
                    solution_docname(registry, solution),
                    solution.get("label"),
                )
                exercise += _raw(
                    "\n\\par\\hfill{\\small\\hyperref[%s]{Solution on "
                    "page~\\pageref*{%s}}}\n" % (label, label)
                )
        return out

    def _start_of_file(self, docname):
        return next(
            (
                node
                for node in self.document.findall(_is_start_of_file)
                if node.get("docname") == docname
            ),
            None,
        )


def solution_docname(registry, solution):
    """The docname sphinx-exercise puts in a solution's LaTeX label."""
    target = registry.get(solution.get("label"), {}).get("node")
    if target is None:
        return solution.get("docname")
    return target.get("docname")


def _is_start_of_file(node):
    return isinstance(node, addnodes.start_of_file)


def _strip_leading(paragraph, prefixes):
    """Remove a leading word (``Proof.``) from a paragraph's first text."""
    for index, child in enumerate(paragraph.children):
        if isinstance(child, nodes.Text):
            text = str(child).lstrip()
            for prefix in prefixes:
                if text.startswith(prefix):
                    paragraph[index] = nodes.Text(text[len(prefix) :].lstrip())
                    return
            return
        if not isinstance(child, nodes.Element) or child.astext().strip():
            return


# -- numbering --
def _number_per_chapter(app):
    """Number theorems and exercises by chapter, as the HTML edition does.

    sphinx-jupyterbook-latex sets ``numfig_secnum_depth = 2`` for a book
    with parts, which numbers them by section (``Theorem 11.2.1``) while
    LaTeX numbers figures and equations by chapter. The numbers are
    assigned with depth 1 (``Theorem 11.1``) after the sources are read;
    the writer gets depth 2 back (``PrintEdition.run``), so that LaTeX
    still resets its figure and equation counters at each chapter.
    """
    if app.builder.format == "latex":
        app.config.numfig_secnum_depth = 1


def _restore_writer_depth(app):
    """Depth 2 for the LaTeX writer (``numfigreset=1``: by chapter).

    Called on the assembled book, after the numbers were assigned and
    before the writer reads the setting.
    """
    app.config.numfig_secnum_depth = 2


# -- author-year bibliography --
def _register_author_year_style():
    """Register the pybtex style ``authoryear``: labels "Author, 2001".

    The labels match the in-text citations of ``bibtex_reference_style:
    author_year`` ("Pedregosa et al., 2011"), sorted by author and year.
    """
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle

    class AuthorYearLabelStyle(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            labels = [author_year_label(entry) for entry in sorted_entries]
            # Two works of the same authors and year: 2001a, 2001b.
            for label in set(labels):
                if labels.count(label) > 1:
                    indices = [i for i, x in enumerate(labels) if x == label]
                    for letter, i in zip(
                        "abcdefghijklmnopqrstuvwxyz", indices
                    ):
                        labels[i] = label + letter
            yield from labels

    class AuthorYearStyle(PlainStyle):
        default_label_style = AuthorYearLabelStyle
        # "Arthur, David": the list is read by surname, as cited.
        default_name_style = "lastfirst"
        default_sorting_style = "author_year_title"

    register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)


def author_year_label(entry):
    """'Arthur and Vassilvitskii, 2007' or 'Pedregosa et al., 2011'."""
    from pybtex.richtext import Text

    def plain(latex):
        return Text.from_latex(latex).render_as("text")

    persons = entry.persons.get("author") or entry.persons.get("editor", [])
    names = [
        plain(" ".join(person.prelast_names + person.last_names))
        for person in persons
    ]
    if not names:
        who = plain(entry.fields.get("organization", entry.key))
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


def setup(app):
    app.add_config_value("print_edition_preface_title", "Preface", "env")
    app.add_config_value(
        "print_edition_solutions_title", "Solutions to the exercises", "env"
    )
    app.add_config_value(
        "print_edition_bibliography_doc", "book/bibliography", "env"
    )
    app.add_node(
        print_heading,
        latex=(_visit_print_heading, _depart_print_heading),
        html=(_skip, None),
        text=(_skip, None),
    )
    app.add_post_transform(PrintEdition)
    app.connect("builder-inited", _number_per_chapter, priority=900)
    _register_author_year_style()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
