"""A reader can copy one model's module, with only the modules it imports,
into a folder of their own and use it with nothing but NumPy installed.

For each module of code/scratch/, the test copies it and its relative
imports (found by reading the source) into an empty temporary package, then
fits every class that has ``fit`` in a fresh Python process that can import
NumPy but cannot import the project (``scratch`` is blocked).
"""

import ast
import pathlib
import shutil
import subprocess
import sys

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "code" / "scratch"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
ALLOWED_TOP_LEVEL = {"numpy"} | set(sys.stdlib_module_names)


def imports_of(module):
    """The package modules that ``module`` imports (relative imports), and
    the top-level names of everything else it imports."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    local, external = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            if node.module:
                local.add(node.module.split(".")[0])
            else:
                local.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            external.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            external.update(a.name.split(".")[0] for a in node.names)
    return local, external


def closure(module):
    """``module`` and every package module it needs, transitively."""
    needed, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name not in needed:
            needed.add(name)
            todo.extend(imports_of(name)[0])
    return needed


SCRIPT = r"""
import importlib, importlib.abc, inspect, sys

class BlockProject(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "scratch" or name.startswith("scratch."):
            raise ImportError("the project must not be importable here")

sys.meta_path.insert(0, BlockProject())
sys.path.insert(0, {folder!r})
try:
    import scratch
    raise SystemExit("the project is importable: the test proves nothing")
except ImportError:
    pass
import numpy as np

module = importlib.import_module("reader_copy.{module}")
rng = np.random.default_rng(0)
X = rng.normal(size=(60, 3))
y = (X[:, 0] > 0).astype(int)


# A string for the language models, images for the CNN, sequences for the
# recurrent models, a table for every other model.
def training_data(name):
    if name.endswith("LanguageModel"):
        return ("abcab" * 40,)
    if name.startswith("CNN"):
        return (X[:, :, None, None] * np.ones((1, 1, 4, 4)), y)
    if name.startswith(("RNN", "LSTM")):
        return (np.repeat(X[:, None, :], 4, axis=1), y)
    return (X, y)


fitted = []
for name, cls in inspect.getmembers(module, inspect.isclass):
    if cls.__module__ == module.__name__ and hasattr(cls, "fit"):
        data = training_data(name)
        model = cls().fit(*data)
        if hasattr(model, "predict"):
            assert len(model.predict(data[0])) == len(data[0])
        fitted.append(name)
print(",".join(fitted))
"""


@pytest.mark.parametrize("module", MODULES)
def test_module_imports_numpy_and_the_standard_library_only(module):
    _, external = imports_of(module)
    assert external <= ALLOWED_TOP_LEVEL, external - ALLOWED_TOP_LEVEL


@pytest.mark.parametrize("module", MODULES)
def test_module_works_copied_alone_with_what_it_imports(module, tmp_path):
    target = tmp_path / "reader_copy"
    target.mkdir()
    (target / "__init__.py").write_text("")
    for name in closure(module):
        shutil.copy(PACKAGE / f"{name}.py", target / f"{name}.py")
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            SCRIPT.replace("{module}", module).replace(
                "{folder!r}", repr(str(tmp_path))
            ),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
