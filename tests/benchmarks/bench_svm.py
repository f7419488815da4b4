"""SVC fit against scikit-learn's SVC (libsvm): RBF kernel, 2,000 samples.

The target for the RBF fit on 2,000 samples is 10x libsvm's time: SMO
takes one small step after another, each a few NumPy calls where libsvm
runs compiled code, so a looser bound than elsewhere is the honest goal.
The linear-kernel case is listed for information: it needs many
more SMO steps, and there the per-step Python overhead shows.
"""

from sklearn.datasets import make_classification
from sklearn.svm import SVC as SklearnSVC

from scratch.svm import SVC


def cases():
    X, y = make_classification(
        n_samples=2000, n_features=20, n_informative=10, random_state=0
    )
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    yield (
        "svm SVC rbf fit (n=2000, d=20)",
        lambda: SVC(kernel="rbf").fit(X, y),
        lambda: SklearnSVC(kernel="rbf").fit(X, y),
        10.0,
    )
    yield (
        "svm SVC linear fit (n=2000, d=20)",
        lambda: SVC(kernel="linear").fit(X, y),
        lambda: SklearnSVC(kernel="linear").fit(X, y),
        None,
    )
