"""Side-by-side timing of one of our models against scikit-learn.

The two calls alternate in one process, so that whatever else the machine
is doing slows both alike, and the summary is the median of the per-round
ratios. The chapters' "Cost" sections use the same function.
"""

import statistics
import time
from dataclasses import dataclass


@dataclass
class Timing:
    name: str
    ours_seconds: float      # median wall time of our call
    sklearn_seconds: float   # median wall time of scikit-learn's call
    ratio: float             # median of ours / scikit-learn, round by round
    target: float | None = None  # the ratio the issue asks us to stay under

    @property
    def verdict(self):
        if self.target is None:
            return ""
        return "ok" if self.ratio <= self.target else "SLOWER THAN TARGET"


def _seconds(call):
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def compare(name, ours, sklearn, repeats=5, target=None):
    """Time ``ours()`` and ``sklearn()`` alternately, after one warm-up
    call each, and return their medians and the median ratio."""
    ours()
    sklearn()
    ours_times, sklearn_times = [], []
    for _ in range(repeats):
        ours_times.append(_seconds(ours))
        sklearn_times.append(_seconds(sklearn))
    ratios = [a / b for a, b in zip(ours_times, sklearn_times)]
    return Timing(name, statistics.median(ours_times),
                  statistics.median(sklearn_times),
                  statistics.median(ratios), target)


def format_table(timings):
    """The timings as a plain-text table, one row per case."""
    header = (f"{'case':<46} {'ours (s)':>10} {'sklearn (s)':>12} "
              f"{'ratio':>7} {'target':>7}  verdict")
    rows = [header, "-" * len(header)]
    for t in timings:
        target = f"{t.target:.1f}x" if t.target is not None else "-"
        rows.append(f"{t.name:<46} {t.ours_seconds:>10.4f} "
                    f"{t.sklearn_seconds:>12.4f} {t.ratio:>6.2f}x "
                    f"{target:>7}  {t.verdict}")
    return "\n".join(rows)
