"""Random-forest fit against scikit-learn's with n_jobs=1.

The target for a 100-tree forest is 5x scikit-learn's single-threaded
time: a forest is many small trees, where fixed per-call NumPy overheads
weigh more than in one large tree, hence a looser bound than the tree's.
"""

from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier as SklearnClassifier
from sklearn.ensemble import RandomForestRegressor as SklearnRegressor

from scratch.random_forest import RandomForestClassifier, RandomForestRegressor


def cases():
    X, y = make_classification(
        n_samples=5000, n_features=20, n_informative=10, random_state=0
    )
    X_reg, y_reg = make_regression(
        n_samples=2000, n_features=20, noise=1.0, random_state=0
    )
    yield (
        "random_forest classifier fit (100 trees, n=5000, d=20)",
        lambda: RandomForestClassifier(n_estimators=100, random_state=0).fit(
            X, y
        ),
        lambda: SklearnClassifier(100, random_state=0, n_jobs=1).fit(X, y),
        5.0,
    )
    yield (
        "random_forest regressor fit (100 trees, n=2000, d=20)",
        lambda: RandomForestRegressor(n_estimators=100, random_state=0).fit(
            X_reg, y_reg
        ),
        lambda: SklearnRegressor(100, random_state=0, n_jobs=1).fit(
            X_reg, y_reg
        ),
        5.0,
    )
