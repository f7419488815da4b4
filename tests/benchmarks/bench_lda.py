"""Linear discriminant analysis fit: ours against scikit-learn (SVD
solvers both)."""

import pathlib
import sys

from sklearn.datasets import make_classification
from sklearn.discriminant_analysis import (
    LinearDiscriminantAnalysis as SkLDA)

from scratch.lda import LinearDiscriminantAnalysis

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]
                       / "book" / "data"))
from datasets import load_tabular_classification  # noqa: E402


def cases():
    X_tab, y_tab, _ = load_tabular_classification()
    X_big, y_big = make_classification(
        n_samples=50_000, n_features=20, n_informative=10, n_classes=5,
        random_state=0)
    for name, X, y in [("tabular 5,000x5", X_tab, y_tab),
                       ("50,000x20, 5 classes", X_big, y_big)]:
        yield (f"LDA fit {name}",
               lambda X=X, y=y: LinearDiscriminantAnalysis().fit(X, y),
               lambda X=X, y=y: SkLDA().fit(X, y), 2.0)
        ours = LinearDiscriminantAnalysis().fit(X, y)
        theirs = SkLDA().fit(X, y)
        yield (f"LDA predict_proba {name}",
               lambda X=X, m=ours: m.predict_proba(X),
               lambda X=X, m=theirs: m.predict_proba(X), 2.0)
