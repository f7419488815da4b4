"""Fixtures shared by several test modules."""

import contextlib
import signal

import pytest
from sklearn.datasets import load_breast_cancer, load_digits, load_wine

# Real classification sets bundled with scikit-learn, so their source and
# licence are scikit-learn's: small and well separated (wine), two classes
# with strongly correlated features (breast cancer), and many classes with
# constant and collinear pixels, whose within-class covariance is singular
# (digits).
CLASSIFICATION_DATA = {
    "wine": lambda: load_wine(return_X_y=True),
    "breast_cancer": lambda: load_breast_cancer(return_X_y=True),
    "digits": lambda: load_digits(return_X_y=True),
}


@pytest.fixture(scope="module", params=sorted(CLASSIFICATION_DATA))
def dataset(request):
    """Each of three real classification sets, (X, y), in turn."""
    return CLASSIFICATION_DATA[request.param]()


@contextlib.contextmanager
def _time_limit(seconds):
    def stop(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def time_limit():
    """``with time_limit(seconds):`` fails, rather than hangs, if its body
    runs longer than ``seconds``: for solvers that could loop forever."""
    return _time_limit
