"""Side-by-side timing of one of our models against a reference library.

The two calls alternate in one process, so that whatever else the machine
is doing slows both alike, and the summary is the median of the per-round
ratios. The chapters' "Cost" sections and ``make bench`` use the same
function. Standard library only.
"""

import statistics
import time
from dataclasses import dataclass


@dataclass
class Timing:
    """The result of :func:`compare`; ``ratio`` above 1 means ours is
    slower than the reference."""

    name: str
    ours_seconds: float  # median wall time of our call
    reference_seconds: float  # median wall time of the reference's call
    ratio: float  # median of ours / reference, round by round


def _seconds(call):
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def compare(name, ours, reference, repeats=5):
    """Time ``ours()`` and ``reference()`` alternately, after one warm-up
    call each, and return their medians and the median ratio."""
    ours()
    reference()
    ours_times, reference_times = [], []
    for _ in range(repeats):
        ours_times.append(_seconds(ours))
        reference_times.append(_seconds(reference))
    ratios = [a / b for a, b in zip(ours_times, reference_times)]
    return Timing(
        name,
        statistics.median(ours_times),
        statistics.median(reference_times),
        statistics.median(ratios),
    )
