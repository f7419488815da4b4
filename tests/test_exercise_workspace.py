"""Tests for tools/exercise.py, the learn-by-doing workspaces.

For kmeans, linear_regression, logistic_regression and mlp: with the
exercise functions stubbed, the chapter's tests fail with a message that
names the function and its equation number; with the package's bodies
pasted back, the workspace's modules are the package's, byte for byte, and
every test that calls an exercise function passes. To stay fast, both runs
select the tests named after the exercise functions' equations (the
chapter tests carry the label they check in their names).
"""

import ast
import importlib.util
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "exercise.py"
MODELS = ["kmeans", "linear_regression", "logistic_regression", "mlp"]


def load_tool():
    spec = importlib.util.spec_from_file_location("exercise_tool", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = load_tool()


def run_tool(*arguments, cwd=ROOT):
    return subprocess.run(
        [sys.executable, str(TOOL), *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


# Left out of the runs here for speed (``make unit`` runs them): the
# comparisons that import PyTorch, and the weakly penalised fits.
SLOW = {"mlp": "pytorch", "logistic_regression": "100.0"}


def labelled_tests(model):
    """A pytest -k expression selecting the tests named after the
    equations of the model's exercise functions."""
    labels = {
        label.replace("-", "_")
        for _, _, pairs in tool.function_equations(model)
        for label, _ in pairs
    }
    selection = f"({' or '.join(sorted(labels))})"
    if model in SLOW:
        selection += f" and not {SLOW[model]}"
    return selection


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory):
    return tmp_path_factory.mktemp("exercises")


@pytest.mark.parametrize("model", MODELS)
def test_stubs_fail_naming_the_function_and_equation_then_solutions_pass(
    model, workspaces
):
    folder = workspaces / model
    created = run_tool("new", model, "--dir", str(folder))
    assert created.returncode == 0, created.stderr
    selection = labelled_tests(model)

    failing = run_tool("test", model, "--dir", str(folder), "-k", selection)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert f"testing the scratch package in {folder / 'scratch'}" in (
        failing.stdout
    )
    # Each NotImplementedError names its function and the number and label
    # of every equation the function implements; a stub reached first can
    # hide the ones after it, so at least one, not all, must show.
    chapter = tool.registry_entry(model)["chapter"]
    numbers = tool.equation_numbers(chapter)
    functions = {
        name.split(".", 2)[2]: pairs
        for name, _, pairs in tool.function_equations(model)
    }
    raised = set(
        re.findall(r"NotImplementedError: (\S+): implement ", failing.stdout)
    )
    assert raised and raised <= set(functions), failing.stdout
    for qualname in raised:
        equations = " and ".join(
            f"({numbers[label]}) [{label}]" for label, _ in functions[qualname]
        )
        assert f"{qualname}: implement equation" in failing.stdout
        assert f" {equations} of {chapter}" in failing.stdout
    for qualname in functions:
        assert re.search(
            rf"^{re.escape(qualname)} .*: not written yet",
            failing.stdout,
            re.MULTILINE,
        )

    pasted = run_tool("solution", model, "--dir", str(folder))
    assert pasted.returncode == 0, pasted.stderr
    for module in tool.by_module(model):
        copy = folder / "scratch" / f"{module}.py"
        original = ROOT / "code" / "scratch" / f"{module}.py"
        assert copy.read_text() == original.read_text()

    passing = run_tool("test", model, "--dir", str(folder), "-k", selection)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    for name, _, _ in tool.function_equations(model):
        qualname = name.split(".", 2)[2]
        # each exercise function is called by a selected test, and they pass
        assert re.search(
            rf"^{re.escape(qualname)} .*: written; [1-9]\d* tests? calls? "
            "it, all pass",
            passing.stdout,
            re.MULTILINE,
        ), passing.stdout


def test_a_wrong_body_is_traced_to_its_function(tmp_path):
    folder = tmp_path / "kmeans"
    assert run_tool("new", "kmeans", "--dir", str(folder)).returncode == 0
    assert run_tool("solution", "kmeans", "--dir", str(folder)).returncode == 0
    module = folder / "scratch" / "kmeans.py"
    source = module.read_text()
    mean = "    return sums / counts[:, None]\n"
    assert source.count(mean) == 1
    module.write_text(source.replace(mean, mean.replace("]", "] / 2")))
    result = run_tool(
        "test", "kmeans", "--dir", str(folder), "-k", "eq_kmeans_update"
    )
    assert result.returncode == 1
    summary = result.stdout.split("== exercises of kmeans")[1]
    assert re.search(
        r"update_centers .*: written; \d+ tests? calls? it, \d+ fail:", summary
    )
    assert "test_eq_kmeans_update_is_the_cluster_mean  (checks " in summary


def test_a_stub_keeps_the_signature_and_docstring():
    source = tool.stubbed_source("kmeans", "kmeans")
    original = (ROOT / "code" / "scratch" / "kmeans.py").read_text()
    for qualname in tool.by_module("kmeans")["kmeans"]:
        stub = tool.find_function(ast.parse(source), qualname, "stub")
        real = tool.find_function(ast.parse(original), qualname, "real")
        assert ast.dump(stub.args) == ast.dump(real.args)
        assert ast.get_docstring(stub) == ast.get_docstring(real)
        assert tool.is_stub(source, qualname, "stub")
        assert not tool.is_stub(original, qualname, "real")
    assert max(len(line) for line in source.splitlines()) <= 79


def test_an_existing_workspace_is_not_overwritten(tmp_path):
    folder = tmp_path / "kmeans"
    assert run_tool("new", "kmeans", "--dir", str(folder)).returncode == 0
    again = run_tool("new", "kmeans", "--dir", str(folder))
    assert again.returncode == 2
    assert "may hold your work" in again.stderr


def test_unknown_model_and_label_fail_loudly(monkeypatch):
    with pytest.raises(tool.ExerciseError, match="no model .no_such_model."):
        tool.registry_entry("no_such_model")
    entry = dict(tool.EXERCISES["kmeans"])
    entry["functions"] = {
        "scratch.kmeans.assign_labels": ("x", ["eq-kmeans-no-such-label"])
    }
    monkeypatch.setitem(tool.EXERCISES, "kmeans", entry)
    with pytest.raises(tool.ExerciseError, match="eq-kmeans-no-such-label"):
        tool.function_equations("kmeans")


def test_chapter_numbers_count_numbered_parts_only():
    toc = """
root: book/intro
parts:
  - caption: A
    numbered: true
    chapters:
      - file: one
      - file: two
  - caption: B
    numbered: false
    chapters:
      - file: back
  - caption: C
    numbered: true
    chapters:
      - file: three
"""
    assert tool.chapter_numbers(toc) == {"one": 1, "two": 2, "three": 3}


def test_equation_labels_skip_code_cells_and_unlabelled_math():
    chapter = "\n".join(
        [
            "$$",
            "a",
            "$$ (eq-first)",
            "$$",
            "b",
            "$$",
            "```{code-cell} python3",
            "$$ (eq-not-an-equation)",
            "```",
            "```{math}",
            ":label: eq-second",
            "c",
            "```",
            "$$ (eq-third)",
        ]
    )
    labels = tool.equation_labels(chapter)
    assert labels == ["eq-first", "eq-second", "eq-third"]


@pytest.mark.parametrize("model", sorted(tool.EXERCISES))
def test_every_registered_function_exists_with_its_labels(model):
    for module, functions in tool.by_module(model).items():
        source = (ROOT / "code" / "scratch" / f"{module}.py").read_text()
        for qualname in functions:
            tool.find_function(ast.parse(source), qualname, module)
    for test in tool.registry_entry(model)["tests"]:
        assert (ROOT / test).exists()


@pytest.mark.parametrize("model", sorted(tool.EXERCISES))
def test_chapter_carries_the_block_generated_from_the_registry(model):
    chapter = (ROOT / tool.registry_entry(model)["chapter"]).read_text()
    block = tool.myst_block(model)
    assert block in chapter, (
        f"the 'Implement it yourself' block of {model} differs from the "
        f"registry: paste `python tools/exercise.py block {model}` before "
        "the chapter's '## Exercises'"
    )
    assert chapter.index(block) < chapter.index("## Exercises")


HOOK_SCRIPT = """
import importlib.abc, importlib.util, sys

# What newer setuptools install for an editable package: a finder on
# sys.meta_path that maps the package to the repository's source.
class EditableFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "scratch":
            return importlib.util.spec_from_file_location(
                name, {init!r}, submodule_search_locations=[{package!r}]
            )

sys.meta_path.insert(0, EditableFinder())
spec = importlib.util.spec_from_file_location("tool", {tool!r})
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)
import pathlib
scratch = tool.import_workspace(pathlib.Path({folder!r}))
import scratch.kmeans
print(scratch.kmeans.__file__)
"""


def test_workspace_wins_over_an_editable_import_hook(tmp_path):
    folder = tmp_path / "kmeans"
    assert run_tool("new", "kmeans", "--dir", str(folder)).returncode == 0
    package = ROOT / "code" / "scratch"
    script = HOOK_SCRIPT.format(
        init=str(package / "__init__.py"),
        package=str(package),
        tool=str(TOOL),
        folder=str(folder),
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(folder / "scratch" / "kmeans.py")
