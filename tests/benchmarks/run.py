"""Run every benchmark in this folder: ``make bench``.

Each ``bench_<module>.py`` defines ``cases()``, which yields
``(name, ours, sklearn, target)``: two zero-argument callables doing the
same work on the same data (usually a ``fit``) and the ratio the project
aims to stay under. ``python tests/benchmarks/run.py kmeans`` runs only
the files whose name contains ``kmeans``.
"""

import importlib
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import compare, format_table  # noqa: E402


def main(patterns):
    timings = []
    for path in sorted(HERE.glob("bench_*.py")):
        if patterns and not any(p in path.stem for p in patterns):
            continue
        module = importlib.import_module(path.stem)
        for name, ours, sklearn, target in module.cases():
            timing = compare(name, ours, sklearn, target=target)
            print(format_table([timing]).splitlines()[-1], flush=True)
            timings.append(timing)
    print()
    print(format_table(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
