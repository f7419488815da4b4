"""scratch.timing.compare, checked with a fake clock.

Real timings are noise, so the callables here advance a fake
``perf_counter`` by chosen durations; compare must then report exactly the
medians and the median per-round ratio of those durations.
"""

import statistics

import pytest

from scratch import timing


class FakeClock:
    """A perf_counter that moves only when a fake callable runs."""

    def __init__(self):
        self.now = 0.0
        self.calls = []

    def __call__(self):
        return self.now

    def callable(self, name, durations):
        """A zero-argument function that takes ``durations`` in turn."""
        durations = iter(durations)

        def call():
            self.calls.append(name)
            self.now += next(durations)

        return call


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(timing.time, "perf_counter", fake)
    return fake


# The first duration of each is the warm-up call, which is not timed.
OURS = [50.0, 1.0, 2.0, 3.0, 4.0, 100.0]
REFERENCE = [70.0, 1.0, 1.0, 1.0, 4.0, 1.0]


def test_medians_and_ratio_of_the_timed_rounds(clock):
    result = timing.compare(
        "case",
        clock.callable("ours", OURS),
        clock.callable("reference", REFERENCE),
        repeats=5,
    )
    ours, reference = OURS[1:], REFERENCE[1:]
    assert result.name == "case"
    assert result.ours_seconds == statistics.median(ours) == 3.0
    assert result.reference_seconds == statistics.median(reference) == 1.0
    # the median of the per-round ratios (1, 2, 3, 1, 100), which is not
    # the ratio of the medians (3)
    ratios = [a / b for a, b in zip(ours, reference)]
    assert result.ratio == statistics.median(ratios) == 2.0


def test_one_warm_up_each_then_alternating_rounds(clock):
    timing.compare(
        "case",
        clock.callable("ours", OURS),
        clock.callable("reference", REFERENCE),
        repeats=5,
    )
    assert clock.calls == ["ours", "reference"] * 6


@pytest.mark.parametrize("repeats", [1, 2, 3])
def test_repeats_sets_the_number_of_timed_rounds(clock, repeats):
    ours = [9.0] + [float(k + 1) for k in range(repeats)]
    reference = [9.0] + [2.0] * repeats
    result = timing.compare(
        "case",
        clock.callable("ours", ours),
        clock.callable("reference", reference),
        repeats=repeats,
    )
    assert len(clock.calls) == 2 * (repeats + 1)
    assert result.ours_seconds == statistics.median(ours[1:])
    assert result.ratio == statistics.median([a / 2.0 for a in ours[1:]])


def test_a_slower_ours_gives_a_ratio_above_one(clock):
    result = timing.compare(
        "case",
        clock.callable("ours", [1.0] * 4),
        clock.callable("reference", [0.25] * 4),
        repeats=3,
    )
    assert result.ratio == pytest.approx(4.0)
    assert result.ours_seconds == pytest.approx(1.0)
    assert result.reference_seconds == pytest.approx(0.25)
