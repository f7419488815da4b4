"""Record the benchmarks and the growth measurements, with the machine
they ran on: ``make bench-record NOTE="what else the machine was doing"``.

Writes ``results/latest.json`` next to this file (``--out`` for another
path). The performance appendix of the book reads that file and never
runs a benchmark itself. The file holds:

- ``date`` (UTC), ``conditions`` (the free-text note), ``git_commit`` and
  ``code_hash``, a SHA-256 of every file under code/scratch/ with the
  Makefile's recipe (path, a zero byte, the contents, in sorted order),
  so that the appendix can tell whether the models changed since;
- ``machine``: CPU model, number of cores, platform; ``versions`` of
  Python, NumPy, scikit-learn and PyTorch;
- ``benchmarks``: every case of the ``bench_*.py`` files, timed as
  ``make bench`` times them (:func:`harness.run_case`);
- ``growth``: the measurements of ``growth.py``.

``--parts bench`` or ``--parts growth`` records one part only and leaves
the other empty: for trying the script, not for the stored results.
"""

import argparse
import datetime
import importlib
import importlib.metadata
import json
import os
import pathlib
import platform
import subprocess
import sys
import time

import growth
from harness import format_row, run_case
from provenance import code_hash

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DEFAULT_OUT = HERE / "results" / "latest.json"


def cpu_model():
    """The CPU's name from /proc/cpuinfo, or what platform knows."""
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def git_commit():
    """The checked-out commit (read only), or None outside a git tree."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def environment(note):
    """Everything about the run except the timings."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "conditions": note,
        "git_commit": git_commit(),
        "code_hash": code_hash(),
        "machine": {
            "cpu": cpu_model(),
            "cores": os.cpu_count(),
            "platform": platform.platform(),
        },
        "versions": {
            "python": platform.python_version(),
            "numpy": version("numpy"),
            "scikit-learn": version("scikit-learn"),
            "torch": version("torch"),
        },
    }


def reference_library(module):
    """PyTorch for the benchmark files that compare with it, else
    scikit-learn."""
    source = pathlib.Path(module.__file__).read_text()
    return "PyTorch" if "import torch" in source else "scikit-learn"


def record_benchmarks():
    """Every case of every bench_*.py file, as ``make bench`` runs it."""
    cases = []
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        for name, ours, reference, target in module.cases():
            result = run_case(name, ours, reference, target)
            print(format_row(result), flush=True)
            cases.append(
                {
                    "file": path.name,
                    "module": path.stem.removeprefix("bench_"),
                    "case": name,
                    "reference": reference_library(module),
                    "ours_seconds": result.timing.ours_seconds,
                    "reference_seconds": result.timing.reference_seconds,
                    "ratio": result.timing.ratio,
                    "target": result.target,
                    "verdict": result.verdict,
                }
            )
    return cases


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--note", default="", help="machine conditions")
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=["bench", "growth"],
        default=["bench", "growth"],
    )
    args = parser.parse_args(argv)

    record = environment(args.note)
    record["seconds"] = seconds = {}  # filled in below, stored up front
    for part, measure in [
        ("bench", record_benchmarks),
        (
            "growth",
            lambda: growth.run(
                report=lambda r: print(growth.format_result(r), flush=True)
            ),
        ),
    ]:
        key = "benchmarks" if part == "bench" else "growth"
        if part in args.parts:
            start = time.perf_counter()
            record[key] = measure()
            seconds[part] = round(time.perf_counter() - start, 1)
        else:
            record[key] = []
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {args.out} ({seconds})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
