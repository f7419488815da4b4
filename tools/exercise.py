"""Learn by doing: a chapter's key functions, left for the reader to write.

``new`` copies the package (code/scratch/) into a workspace outside it
(``exercises/<model>/scratch/`` by default) and replaces the bodies of the
chapter's key functions, listed in ``EXERCISES`` below, by a
``raise NotImplementedError`` that names the function and the chapter's
equations it implements; signatures and docstrings stay. ``test`` runs the
chapter's own tests against the workspace's copy, and ends with a summary
that maps every failing test to the exercise functions it called.

    python tools/exercise.py new kmeans          # make exercise MODEL=kmeans
    python tools/exercise.py test kmeans         # make exercise-test ...
    python tools/exercise.py solution kmeans assign_labels
    python tools/exercise.py list [kmeans]
    python tools/exercise.py block kmeans        # the chapter's MyST block

Equation numbers are computed from the book's sources as Sphinx numbers
them: the chapter's position among the numbered chapters of _toc.yml, and
the equation's position among the labelled display equations of the
chapter. A label that is not found is an error, never a guess.
"""

import argparse
import ast
import os
import pathlib
import re
import shutil
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "code" / "scratch"
TOC = ROOT / "_toc.yml"
DEFAULT_FOLDER = "exercises"

# The one list of exercises. For each model: its chapter, the tests that
# check it, and the functions a reader writes, as
# "scratch.<module>.<qualified name>": (what it does, [equation labels]).
EXERCISES = {
    "linear_regression": {
        "chapter": "book/supervised/linear_regression.md",
        "tests": ["tests/test_linear_regression.py"],
        "functions": {
            "scratch.linear_regression.solve_least_squares": (
                "least squares and ridge by one orthogonal solve",
                ["eq-ols-lstsq", "eq-ridge-augmented"],
            ),
            "scratch.linear_regression.solve_ridge_normal_equations": (
                "ridge through its normal equations",
                ["eq-ridge-closed-form"],
            ),
            "scratch.linear_regression.gradient_descent": (
                "gradient descent on the least-squares objective",
                ["eq-ols-gradient", "eq-gd-step"],
            ),
        },
    },
    "logistic_regression": {
        "chapter": "book/supervised/logistic_regression.md",
        "tests": ["tests/test_logistic_regression.py"],
        "functions": {
            "scratch.logistic_regression.binary_loss": (
                "the penalised cross-entropy",
                ["eq-logreg-cross-entropy", "eq-logreg-objective"],
            ),
            "scratch.logistic_regression.binary_gradient_hessian": (
                "its gradient and Hessian",
                ["eq-logreg-gradient", "eq-logreg-hessian"],
            ),
            "scratch.logistic_regression.newton_direction": (
                "the Newton step",
                ["eq-logreg-newton"],
            ),
        },
    },
    "naive_bayes": {
        "chapter": "book/supervised/naive_bayes.md",
        "tests": ["tests/test_naive_bayes.py"],
        "functions": {
            "scratch.naive_bayes.class_statistics": (
                "the maximum-likelihood priors, means and variances",
                ["eq-nb-mle"],
            ),
            "scratch.naive_bayes.joint_log_likelihood": (
                "the joint log-likelihood of each class",
                ["eq-nb-joint-log-likelihood"],
            ),
        },
    },
    "lda": {
        "chapter": "book/supervised/lda.md",
        "tests": ["tests/test_lda.py"],
        "functions": {
            "scratch.lda.within_class_whitening": (
                "the whitening of the within-class scatter",
                ["eq-lda-whitening"],
            ),
            "scratch.lda.between_class_directions": (
                "Fisher's directions",
                ["eq-lda-generalised-eigen", "eq-lda-between-svd"],
            ),
            "scratch.lda.discriminant_parameters": (
                "the linear discriminant functions",
                ["eq-lda-discriminant", "eq-lda-centred-discriminant"],
            ),
        },
    },
    "svm": {
        "chapter": "book/supervised/svm.md",
        "tests": ["tests/test_svm.py"],
        "functions": {
            "scratch.svm.kernel_matrix": (
                "the kernels",
                ["eq-svm-kernels"],
            ),
            "scratch.svm.select_working_set": (
                "SMO's choice of the pair to update",
                ["eq-svm-wss-i", "eq-svm-wss-j"],
            ),
            "scratch.svm.step_length": (
                "the clipped step along the pair",
                ["eq-svm-step", "eq-svm-clip"],
            ),
            "scratch.svm.intercept": (
                "the bias",
                ["eq-svm-bias"],
            ),
        },
    },
    "decision_tree": {
        "chapter": "book/supervised/decision_trees.md",
        "tests": ["tests/test_decision_tree.py"],
        "functions": {
            "scratch.decision_tree.node_impurity": (
                "the impurity of a node",
                ["eq-tree-gini", "eq-tree-entropy", "eq-tree-mse"],
            ),
            "scratch.decision_tree.split_proxy": (
                "the score of a split",
                ["eq-tree-decrease", "eq-tree-proxy"],
            ),
        },
    },
    "random_forest": {
        "chapter": "book/supervised/random_forests.md",
        "tests": ["tests/test_random_forest.py"],
        "functions": {
            "scratch.random_forest.bootstrap_counts": (
                "the bootstrap sample",
                ["eq-rf-bootstrap"],
            ),
            "scratch.random_forest._BaseForest._oob_average": (
                "the out-of-bag predictions",
                ["eq-rf-oob"],
            ),
        },
    },
    "kmeans": {
        "chapter": "book/unsupervised/kmeans.md",
        "tests": ["tests/test_kmeans.py"],
        "functions": {
            "scratch.kmeans.assign_labels": (
                "the assignment step",
                ["eq-kmeans-assign", "eq-kmeans-distance-expansion"],
            ),
            "scratch.kmeans.update_centers": (
                "the update step",
                ["eq-kmeans-update"],
            ),
            "scratch.kmeans.kmeans_plusplus": (
                "k-means++ seeding",
                ["eq-kmeanspp-sampling"],
            ),
        },
    },
    "fuzzy_cmeans": {
        "chapter": "book/unsupervised/fuzzy_cmeans.md",
        "tests": ["tests/test_fuzzy_cmeans.py"],
        "functions": {
            "scratch.fuzzy_cmeans.memberships": (
                "the membership update",
                ["eq-fcm-membership", "eq-fcm-membership-ratio"],
            ),
            "scratch.fuzzy_cmeans.update_centers": (
                "the centre update",
                ["eq-fcm-centers"],
            ),
        },
    },
    "perceptron": {
        "chapter": "book/deep_learning/perceptron.md",
        "tests": ["tests/test_perceptron.py"],
        "functions": {
            "scratch.perceptron.perceptron_epoch": (
                "one pass of mistake-driven updates",
                ["eq-perceptron-mistake", "eq-perceptron-update"],
            ),
        },
    },
    "mlp": {
        "chapter": "book/deep_learning/mlp.md",
        "tests": ["tests/test_nn.py", "tests/test_mlp.py"],
        "functions": {
            "scratch.nn.Dense.backward": (
                "the dense layer's gradients",
                ["eq-mlp-dense-grads"],
            ),
            "scratch.nn.SoftmaxCrossEntropy.backward": (
                "the gradient of the softmax cross-entropy",
                ["eq-mlp-softmax-ce-grad"],
            ),
            "scratch.nn.SGD.step": (
                "SGD with momentum",
                ["eq-mlp-momentum", "eq-mlp-nesterov"],
            ),
            "scratch.nn.Adam.step": (
                "Adam",
                ["eq-mlp-adam"],
            ),
        },
    },
    "cnn": {
        "chapter": "book/deep_learning/cnn.md",
        "tests": ["tests/test_cnn.py"],
        "functions": {
            "scratch.cnn.correlate": (
                "the convolution as one matrix product",
                ["eq-cnn-conv", "eq-cnn-im2col"],
            ),
            "scratch.cnn.Conv2D.backward": (
                "the gradients of the bias and the kernel",
                ["eq-cnn-grad-weight", "eq-cnn-grad-bias"],
            ),
            "scratch.cnn.conv_input_gradient": (
                "the gradient of the input",
                ["eq-cnn-grad-input"],
            ),
            "scratch.cnn.MaxPool2D.backward": (
                "the gradient of max pooling",
                ["eq-cnn-maxpool-grad"],
            ),
        },
    },
    "rnn": {
        "chapter": "book/deep_learning/rnn.md",
        "tests": ["tests/test_rnn.py"],
        "functions": {
            "scratch.rnn.RNN.forward": (
                "the recurrence",
                ["eq-rnn-recurrence"],
            ),
            "scratch.rnn.RNN.backward": (
                "backpropagation through time",
                ["eq-rnn-bptt-state", "eq-rnn-bptt-weights"],
            ),
        },
    },
    "lstm": {
        "chapter": "book/deep_learning/lstm.md",
        "tests": ["tests/test_lstm.py"],
        "functions": {
            "scratch.lstm.LSTM.forward": (
                "the gates, the cell and the hidden state",
                ["eq-lstm-gates", "eq-lstm-cell", "eq-lstm-hidden"],
            ),
            "scratch.lstm.LSTM.backward": (
                "the backward pass through time",
                ["eq-lstm-grad-hidden", "eq-lstm-grad-cell"],
            ),
            "scratch.lstm.LSTM._parameter_gradients": (
                "the gradients of the weights",
                ["eq-lstm-grad-params"],
            ),
        },
    },
}


class ExerciseError(Exception):
    """A problem the command reports in one line, without a traceback."""


# Equation numbers --------------------------------------------------------


def chapter_numbers(toc_text):
    """{chapter file without suffix: number}: the chapters of the numbered
    parts in _toc.yml, counted in order across parts, as the book's
    Sphinx build numbers them; unnumbered parts do not count."""
    import yaml

    numbers, count = {}, 0
    for part in yaml.safe_load(toc_text).get("parts", []):
        for chapter in part.get("chapters", []):
            if part.get("numbered") and "file" in chapter:
                count += 1
                numbers[chapter["file"]] = count
    return numbers


EQUATION_LABEL = re.compile(r"^\$\$\s*\(([^)\s]+)\)\s*$")
FENCE = re.compile(r"^(`{3,}|:{3,})")


def equation_labels(chapter_text):
    """The labels of the chapter's numbered equations, in order: display
    math closed by ``$$ (label)``, and ``{math}`` directives with a
    ``:label:``. Unlabelled display math is not numbered."""
    labels, fence, math_block = [], None, False
    for line in chapter_text.splitlines():
        stripped = line.strip()
        opening = FENCE.match(stripped)
        if fence is None and opening and len(stripped) > len(opening[1]):
            if stripped[len(opening[1]) :].startswith("{code-cell}"):
                fence = opening[1]
            elif stripped[len(opening[1]) :].startswith("{math}"):
                math_block = True
            continue
        if fence is not None:
            if stripped == fence:
                fence = None
            continue
        if math_block and stripped.startswith(":label:"):
            labels.append(stripped.split(":label:", 1)[1].strip())
            math_block = False
            continue
        if math_block and not stripped.startswith(":"):
            math_block = False
        match = EQUATION_LABEL.match(stripped)
        if match:
            labels.append(match[1])
    return labels


def equation_numbers(chapter):
    """{label: "11.2"} for a chapter given as a path relative to ROOT."""
    key = str(pathlib.PurePosixPath(chapter).with_suffix(""))
    numbers = chapter_numbers(TOC.read_text())
    if key not in numbers:
        raise ExerciseError(f"{chapter} is not a numbered chapter of {TOC}")
    labels = equation_labels((ROOT / chapter).read_text())
    return {
        label: f"{numbers[key]}.{index}"
        for index, label in enumerate(labels, 1)
    }


def function_equations(model):
    """[(function name, description, [(label, number)])] for ``model``,
    failing loudly if a label is not in the chapter."""
    entry = registry_entry(model)
    numbers = equation_numbers(entry["chapter"])
    result = []
    for name, (description, labels) in entry["functions"].items():
        missing = [label for label in labels if label not in numbers]
        if missing:
            raise ExerciseError(
                f"{name}: equation label(s) {', '.join(missing)} not found "
                f"in {entry['chapter']}; update EXERCISES in {__file__}"
            )
        # in the chapter's order, whatever the order of the list
        pairs = sorted(
            ((label, numbers[label]) for label in labels),
            key=lambda pair: int(pair[1].split(".")[1]),
        )
        result.append((name, description, pairs))
    return result


def registry_entry(model):
    """The model's entry of EXERCISES, or an error listing the models."""
    if model not in EXERCISES:
        raise ExerciseError(
            ("name a model" if model is None else f"no model {model!r}")
            + " (MODEL=...), one of "
            f"{', '.join(sorted(EXERCISES))}"
        )
    return EXERCISES[model]


# Finding and rewriting function bodies -----------------------------------


def split_name(name):
    """Split "scratch.kmeans.KMeans.fit" into ("kmeans", "KMeans.fit")."""
    parts = name.split(".")
    if len(parts) < 3 or parts[0] != "scratch":
        raise ExerciseError(f"{name!r} is not scratch.<module>.<name>")
    return parts[1], ".".join(parts[2:])


def find_function(tree, qualname, path):
    """The FunctionDef node of ``qualname`` ("Class.method" or "name")."""
    scope = tree
    for part in qualname.split("."):
        found = [
            node
            for node in scope.body
            if isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            )
            and node.name == part
        ]
        if not found:
            raise ExerciseError(f"{qualname} not found in {path}")
        scope = found[-1]
    if isinstance(scope, ast.ClassDef):
        raise ExerciseError(f"{qualname} in {path} is a class, not a function")
    return scope


def body_lines(node):
    """(first, last) source lines, 1-based and inclusive, of the function's
    body after its docstring; the signature and docstring stay."""
    body = node.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        if len(body) == 1:
            raise ExerciseError(f"{node.name} has a docstring but no body")
        first = body[0].end_lineno + 1
    else:
        first = body[0].lineno
    return first, body[-1].end_lineno


def stub_message(qualname, chapter, pairs):
    equations = " and ".join(
        f"({number}) [{label}]" for label, number in pairs
    )
    noun = "equation" if len(pairs) == 1 else "equations"
    return f"{qualname}: implement {noun} {equations} of {chapter}"


def quoted(text):
    """A double-quoted Python string literal of ``text``."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def stub_lines(message, indent):
    """``raise NotImplementedError(message)``, wrapped to 79 columns."""
    pieces = textwrap.wrap(
        message,
        width=max(20, 79 - len(indent) - 6),
        drop_whitespace=False,
        break_long_words=False,
    )
    assert "".join(pieces) == message
    inner = indent + " " * 4
    return (
        [f"{indent}raise NotImplementedError(\n"]
        + [f"{inner}{quoted(piece)}\n" for piece in pieces]
        + [f"{indent})\n"]
    )


def replace_bodies(source, replacements, path):
    """Source with the bodies of the named functions replaced:
    ``replacements`` maps a qualified name to a function (indent, lines of
    the old body) -> new lines."""
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    spans = []
    for qualname, make_body in replacements.items():
        node = find_function(tree, qualname, path)
        first, last = body_lines(node)
        indent = " " * node.body[-1].col_offset
        spans.append((first, last, make_body(indent, lines[first - 1 : last])))
    for first, last, new in sorted(spans, reverse=True):
        lines[first - 1 : last] = new
    return "".join(lines)


def by_module(model):
    """{module: {qualname: (description, [(label, number)])}}."""
    modules = {}
    for name, description, pairs in function_equations(model):
        module, qualname = split_name(name)
        modules.setdefault(module, {})[qualname] = (description, pairs)
    return modules


def stubbed_source(model, module):
    """The package's source of ``module`` with the model's exercise
    functions replaced by stubs."""
    chapter = registry_entry(model)["chapter"]
    path = PACKAGE / f"{module}.py"

    def stub(qualname, pairs):
        message = stub_message(qualname, chapter, pairs)
        return lambda indent, old: stub_lines(message, indent)

    functions = by_module(model)[module]
    return replace_bodies(
        path.read_text(),
        {name: stub(name, pairs) for name, (_, pairs) in functions.items()},
        path,
    )


def is_stub(source, qualname, path):
    """Whether the function's body is still the NotImplementedError."""
    node = find_function(ast.parse(source), qualname, path)
    first, last = body_lines(node)
    statement = node.body[-1]
    return (
        isinstance(statement, ast.Raise)
        and isinstance(statement.exc, ast.Call)
        and getattr(statement.exc.func, "id", "") == "NotImplementedError"
        and statement.lineno == first
    )


# Commands ----------------------------------------------------------------


def workspace_folder(model, folder):
    return pathlib.Path(folder or pathlib.Path(DEFAULT_FOLDER) / model)


def new_workspace(model, folder=None, force=False):
    """Copy the package into ``folder``/scratch and stub the exercises.
    Refuses to overwrite an existing workspace unless ``force``."""
    modules = by_module(model)
    folder = workspace_folder(model, folder)
    target = folder / "scratch"
    if target.exists() and not force:
        raise ExerciseError(
            f"{target} exists and may hold your work; remove it or pass "
            "--force (FORCE=1) to start again"
        )
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(
        PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__")
    )
    for module in modules:
        (target / f"{module}.py").write_text(stubbed_source(model, module))
    return folder


def paste_solution(model, folder=None, names=None):
    """Write the package's own bodies back over the named exercise
    functions (all of them if ``names`` is empty) in the workspace."""
    folder = workspace_folder(model, folder)
    modules = by_module(model)
    known = {
        qualname for functions in modules.values() for qualname in functions
    }
    unknown = set(names or ()) - known
    if unknown:
        raise ExerciseError(
            f"not an exercise of {model}: {', '.join(sorted(unknown))}; "
            f"choose from {', '.join(sorted(known))}"
        )
    pasted = []
    for module, functions in modules.items():
        chosen = [q for q in functions if not names or q in names]
        if not chosen:
            continue
        original_path = PACKAGE / f"{module}.py"
        original = original_path.read_text()
        original_lines = original.splitlines(keepends=True)
        original_tree = ast.parse(original)
        path = folder / "scratch" / f"{module}.py"
        if not path.exists():
            raise ExerciseError(f"{path} does not exist: run `new` first")

        def solution(qualname):
            node = find_function(original_tree, qualname, original_path)
            first, last = body_lines(node)
            return lambda indent, old: original_lines[first - 1 : last]

        path.write_text(
            replace_bodies(
                path.read_text(), {q: solution(q) for q in chosen}, path
            )
        )
        pasted.extend(f"{module}.py: {qualname}" for qualname in chosen)
    return pasted


def describe(model, folder=None):
    """Lines listing the model's exercises, and their state if a workspace
    exists."""
    entry = registry_entry(model)
    folder = workspace_folder(model, folder)
    lines = [f"{model}: {entry['chapter']}, tests {' '.join(entry['tests'])}"]
    for module, functions in by_module(model).items():
        path = folder / "scratch" / f"{module}.py"
        source = path.read_text() if path.exists() else None
        for qualname, (description, pairs) in functions.items():
            equations = ", ".join(f"({n}) {label}" for label, n in pairs)
            state = ""
            if source is not None:
                stubbed = is_stub(source, qualname, path)
                state = "  [to do]" if stubbed else "  [written]"
            lines.append(
                f"  scratch/{module}.py  {qualname}: {description}; "
                f"{equations}{state}"
            )
    return lines


def myst_block(model):
    """The MyST block that goes before the chapter's "## Exercises"."""
    entry = registry_entry(model)
    items = []
    for name, description, pairs in function_equations(model):
        module, qualname = split_name(name)
        refs = " and ".join(f"{{eq}}`{label}`" for label, _ in pairs)
        items.append(
            f"- `{qualname}` in `scratch/{module}.py`: {description}, {refs};"
        )
    items[-1] = items[-1][:-1] + "."
    tests = ", ".join(f"`{test}`" for test in entry["tests"])
    opening = (
        f"`make exercise MODEL={model}` copies the package to "
        f"`exercises/{model}/`, where these functions raise "
        "`NotImplementedError` for you to fill in:"
    )
    closing = (
        f"`make exercise-test MODEL={model}` then runs this chapter's tests "
        f"({tests}) on your version, and names the functions each failing "
        "test calls. {ref}`exercises-workflow` shows the steps."
    )
    return "\n".join(
        [
            f"% Generated by `python tools/exercise.py block {model}`.",
            ":::{admonition} Implement it yourself",
            ":class: tip",
            "",
            wrap(opening),
            "",
            *[wrap(item, "  ") for item in items],
            "",
            wrap(closing),
            ":::",
            "",
        ]
    )


def wrap(text, indent=""):
    """Fill to 78 columns without breaking words or roles."""
    return textwrap.fill(
        text,
        width=78,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


# Running the chapter's tests on the workspace ----------------------------


def import_workspace(folder):
    """Import ``scratch`` from ``folder`` and nowhere else.

    A finder placed first on sys.meta_path answers for ``scratch`` from
    the workspace, so neither an editable install's path entry nor its
    import hook (newer setuptools install one) can supply the package's
    own copy; PYTHONPATH carries the workspace into any subprocess.
    """
    import importlib.abc
    import importlib.machinery

    folder = folder.resolve()
    if not (folder / "scratch" / "__init__.py").exists():
        raise ExerciseError(f"no workspace in {folder}: run `new` first")

    class WorkspaceFinder(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "scratch":
                return importlib.machinery.PathFinder.find_spec(
                    name, [str(folder)]
                )
            if name.startswith("scratch."):
                return importlib.machinery.PathFinder.find_spec(name, path)
            return None

    for name in [n for n in sys.modules if n.split(".")[0] == "scratch"]:
        del sys.modules[name]
    sys.meta_path.insert(0, WorkspaceFinder())
    sys.path.insert(0, str(folder))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(folder)] + [p for p in [os.environ.get("PYTHONPATH")] if p]
    )
    import scratch

    check_workspace_modules(folder)
    return scratch


def check_workspace_modules(folder):
    """Fail if any imported ``scratch`` module comes from elsewhere."""
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] != "scratch":
            continue
        origin = pathlib.Path(getattr(module, "__file__", "") or "")
        if folder not in origin.resolve().parents:
            raise ExerciseError(
                f"{name} was imported from {origin}, not from {folder}"
            )


class CallRecorder:
    """A pytest plugin that records, for each test, which exercise
    functions ran during its setup and call; ``summary`` then lists the
    failing tests per exercise function, with its equations."""

    def __init__(self, model, folder, targets):
        self.model, self.folder = model, folder
        self.targets = targets  # {code object: (module, qualname)}
        self.called = {}  # {test id: {(module, qualname)}}
        self.failed = []

    def _tracer(self, calls):
        def tracer(frame, event, arg):
            entry = self.targets.get(frame.f_code)
            if entry is not None:
                calls.add(entry)
            return None  # no line events: only calls are wanted

        return tracer

    def _watch(self, item):
        """Trace the calls made while the hook wrapped by this one runs."""
        calls = self.called.setdefault(item.nodeid, set())
        previous = sys.gettrace()
        sys.settrace(self._tracer(calls))
        try:
            yield
        finally:
            sys.settrace(previous)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_setup(self, item):
        yield from self._watch(item)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        yield from self._watch(item)

    def pytest_runtest_logreport(self, report):
        if report.failed and report.nodeid not in self.failed:
            self.failed.append(report.nodeid)
        if report.failed:
            # A failing module-scoped fixture is not run again for the
            # tests after the first: its error message names the stub.
            calls = self.called.setdefault(report.nodeid, set())
            for key in self.targets.values():
                if f"NotImplementedError: {key[1]}: " in report.longreprtext:
                    calls.add(key)

    def summary(self):
        lines = [f"== exercises of {self.model}: {self.folder} =="]
        entries = {}
        for module, functions in by_module(self.model).items():
            path = self.folder / "scratch" / f"{module}.py"
            source = path.read_text()
            try:
                ast.parse(source)
            except SyntaxError as error:
                lines.append(f"{path} does not parse: {error}")
                continue
            for qualname, (description, pairs) in functions.items():
                entries[(module, qualname)] = (
                    pairs,
                    is_stub(source, qualname, path),
                )
        for key, (pairs, stubbed) in entries.items():
            module, qualname = key
            equations = ", ".join(f"({n}) {label}" for label, n in pairs)
            callers = [t for t, calls in self.called.items() if key in calls]
            failing = [t for t in self.failed if t in callers]
            count = (
                "1 test calls it"
                if len(callers) == 1
                else f"{len(callers)} tests call it"
            )
            if stubbed:
                verdict = "not written yet" + (f"; {count}" if callers else "")
            elif not callers:
                verdict = "written; no test that ran calls it"
            elif failing:
                verdict = f"written; {count}, {len(failing)} fail:"
            else:
                verdict = f"written; {count}, all pass"
            lines.append(f"{qualname} {equations}: {verdict}")
            if not stubbed:
                lines.extend(
                    f"    {test}{checks(test, pairs)}" for test in failing
                )
        others = [t for t in self.failed if not self.called.get(t)]
        if others:
            lines.append(
                f"{len(others)} failing tests call no exercise function:"
            )
            lines.extend(f"    {test}" for test in others)
        if not self.failed:
            lines.append("every test passes")
        return lines


def checks(test, pairs):
    """ "  (checks eq-...)" if the test is named after one of the
    equations, as the tests that check an equation are."""
    name = test.split("::")[-1]
    named = [label for label, _ in pairs if label.replace("-", "_") in name]
    return f"  (checks {', '.join(named)})" if named else ""


def code_objects(model):
    """{code object: (module, qualname)} of the workspace's exercise
    functions, for CallRecorder."""
    import importlib

    targets = {}
    for module, functions in by_module(model).items():
        imported = importlib.import_module(f"scratch.{module}")
        for qualname in functions:
            function = imported
            for part in qualname.split("."):
                function = getattr(function, part)
            function = getattr(function, "__func__", function)
            targets[function.__code__] = (module, qualname)
    return targets


def run_tests(model, folder=None, pytest_args=()):
    """Run the chapter's tests on the workspace; returns pytest's code."""
    entry = registry_entry(model)
    folder = workspace_folder(model, folder).resolve()
    scratch = import_workspace(folder)
    location = pathlib.Path(scratch.__file__).parent
    print(f"testing the scratch package in {location}")
    recorder = CallRecorder(model, folder, code_objects(model))
    os.chdir(ROOT)  # test ids relative to the repository
    code = pytest.main(
        [*entry["tests"], "--rootdir", str(ROOT), *pytest_args],
        plugins=[recorder],
    )
    check_workspace_modules(folder)
    print("\n".join(recorder.summary()))
    return code


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in [
        ("new", "write a workspace with the exercises stubbed"),
        ("test", "run the chapter's tests on the workspace"),
        ("solution", "paste the package's bodies back into the workspace"),
        ("list", "list the exercises (and their state in the workspace)"),
        ("block", "print the chapter's MyST block"),
    ]:
        command = commands.add_parser(name, help=text)
        command.add_argument("model", nargs="?")
        if name != "block":
            command.add_argument(
                "--dir", help=f"workspace (default {DEFAULT_FOLDER}/<model>)"
            )
        if name == "new":
            command.add_argument("--force", action="store_true")
        if name == "solution":
            command.add_argument("functions", nargs="*")
    arguments, extra = parser.parse_known_args(argv)
    if extra and arguments.command != "test":
        parser.error(f"unrecognised arguments: {' '.join(extra)}")
    try:
        return run_command(arguments, [a for a in extra if a != "--"])
    except (ExerciseError, SyntaxError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def run_command(arguments, extra):
    model = arguments.model
    folder = getattr(arguments, "dir", None)
    if arguments.command == "new":
        written = new_workspace(model, folder, arguments.force)
        print(f"wrote {written / 'scratch'}; the exercises:")
        print("\n".join(describe(model, written)))
        print(f"run the tests with: make exercise-test MODEL={model}")
    elif arguments.command == "test":
        return int(run_tests(model, folder, extra))
    elif arguments.command == "solution":
        pasted = paste_solution(model, folder, arguments.functions)
        print("\n".join(f"pasted the solution of {p}" for p in pasted))
    elif arguments.command == "list":
        for name in [model] if model else sorted(EXERCISES):
            print("\n".join(describe(name, folder)))
    elif arguments.command == "block":
        print(myst_block(model), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
