"""The table ``make bench`` prints: each case timed by
:func:`scratch.timing.compare`, the function the chapters' "Cost" sections
use, next to the project's speed goal for that case.

A target is the largest ratio (our time over the reference's) the project
accepts for the case; ``None`` means the case is shown for information.
"""

from dataclasses import dataclass

from scratch.timing import Timing, compare


@dataclass
class Result:
    """One benchmark case: its timing and the ratio it should stay under."""

    timing: Timing
    target: float | None = None

    @property
    def verdict(self):
        if self.target is None:
            return ""
        if self.timing.ratio <= self.target:
            return "ok"
        return "SLOWER THAN TARGET"


def run_case(name, ours, reference, target=None, repeats=5):
    """Time ``ours()`` against ``reference()`` with
    :func:`scratch.timing.compare` and attach the target."""
    return Result(compare(name, ours, reference, repeats=repeats), target)


HEADER = (
    f"{'case':<46} {'ours (s)':>10} {'reference (s)':>14} "
    f"{'ratio':>7} {'target':>7}  verdict"
)


def format_row(result):
    """One line of the table."""
    timing = result.timing
    target = "-" if result.target is None else f"{result.target:.1f}x"
    return (
        f"{timing.name:<46} {timing.ours_seconds:>10.4f} "
        f"{timing.reference_seconds:>14.4f} {timing.ratio:>6.2f}x "
        f"{target:>7}  {result.verdict}"
    )


def format_table(results):
    """The results as a plain-text table, one row per case."""
    return "\n".join(
        [HEADER, "-" * len(HEADER)] + [format_row(r) for r in results]
    )
