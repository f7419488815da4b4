"""Fit time of scratch.logistic_regression against scikit-learn's lbfgs.

Unless a case says otherwise, both run with their default tolerances: ours
stops at a gradient of 1e-8, scikit-learn's at 1e-4, so ours does the more
precise job.
"""

from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_wine,
    make_classification,
)
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler

from scratch.logistic_regression import LogisticRegression


def cases():
    scale = StandardScaler().fit_transform
    X_cancer, y_cancer = load_breast_cancer(return_X_y=True)
    X_wine, y_wine = load_wine(return_X_y=True)
    X_table, y_table = make_classification(
        n_samples=5000,
        n_features=5,
        n_informative=4,
        n_redundant=0,
        n_classes=5,
        random_state=0,
    )
    X_digits, y_digits = load_digits(return_X_y=True)
    data = [
        ("breast cancer 569x30 K=2", scale(X_cancer), y_cancer),
        ("wine 178x13 K=3", scale(X_wine), y_wine),
        ("generated 5000x5 K=5", scale(X_table), y_table),
    ]
    for name, X, y in data:
        yield (
            f"logistic fit, {name}",
            lambda X=X, y=y: LogisticRegression(C=1.0).fit(X, y),
            lambda X=X, y=y: SkLogisticRegression(C=1.0).fit(X, y),
            2.0,
        )

    # 650 parameters: the dense Hessian costs too much, so newton-cg.
    # scikit-learn's lbfgs at its default tol=1e-4 does far less work than
    # ours at 1e-8: no target there; at equal tolerance, the 2x target.
    X, y = scale(X_digits), y_digits
    yield (
        "logistic fit, digits 1797x64 K=10, cg",
        lambda: LogisticRegression(solver="newton-cg").fit(X, y),
        lambda: SkLogisticRegression().fit(X, y),
        None,
    )
    yield (
        "logistic fit, digits K=10, cg, both tol=1e-8",
        lambda: LogisticRegression(solver="newton-cg").fit(X, y),
        lambda: SkLogisticRegression(tol=1e-8, max_iter=1000).fit(X, y),
        2.0,
    )
