"""Run every benchmark in this folder: ``make bench``, or
``python tests/benchmarks/run.py kmeans`` for the files whose name contains
``kmeans``.

Each ``bench_<module>.py`` defines ``cases()``, which yields
``(name, ours, reference, target)``:

- ``name``: a short description of the case, shown in the table;
- ``ours`` and ``reference``: two zero-argument callables doing the same
  work on the same data (usually a ``fit`` or a ``predict``), ours and the
  reference library's, which is scikit-learn or PyTorch;
- ``target``: the largest ratio of our time to the reference's that the
  project accepts for the case, or ``None`` for a case shown for
  information only.

A benchmark whose reference library is not installed (PyTorch is optional)
yields nothing, for example by returning early from ``cases()`` when
``importlib.util.find_spec("torch") is None``; it is then reported as
skipped.

Python puts this script's folder first on the module search path, so the
benchmark files and ``harness`` import as top-level modules.
"""

import importlib
import pathlib
import sys

from harness import format_row, format_table, run_case

HERE = pathlib.Path(__file__).resolve().parent


def main(patterns):
    results = []
    for path in sorted(HERE.glob("bench_*.py")):
        if patterns and not any(p in path.stem for p in patterns):
            continue
        module = importlib.import_module(path.stem)
        found = False
        for name, ours, reference, target in module.cases():
            result = run_case(name, ours, reference, target)
            print(format_row(result), flush=True)
            results.append(result)
            found = True
        if not found:
            print(
                f"{path.stem}: skipped (no cases; is its reference "
                "library installed?)",
                flush=True,
            )
    print()
    print(format_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
