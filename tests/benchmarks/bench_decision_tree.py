"""Decision-tree fit against scikit-learn's (Cython) tree, 5,000 x 20.

The target for a fully grown tree on 5,000 samples and 20 features is 3x
scikit-learn's time: our tree grows level by level with one vectorised
split search per level, where scikit-learn visits nodes one by one in
compiled code; 3x keeps the forests built from it usable.
"""

from sklearn.datasets import make_classification, make_regression
from sklearn.tree import DecisionTreeClassifier as SklearnClassifier
from sklearn.tree import DecisionTreeRegressor as SklearnRegressor

from scratch.decision_tree import DecisionTreeClassifier, DecisionTreeRegressor


def cases():
    X, y = make_classification(
        n_samples=5000, n_features=20, n_informative=10, random_state=0
    )
    X_reg, y_reg = make_regression(
        n_samples=5000, n_features=20, noise=1.0, random_state=0
    )
    yield (
        "decision_tree classifier fit (n=5000, d=20)",
        lambda: DecisionTreeClassifier().fit(X, y),
        lambda: SklearnClassifier().fit(X, y),
        3.0,
    )
    yield (
        "decision_tree regressor fit (n=5000, d=20)",
        lambda: DecisionTreeRegressor().fit(X_reg, y_reg),
        lambda: SklearnRegressor().fit(X_reg, y_reg),
        3.0,
    )
    ours, reference = (
        DecisionTreeClassifier().fit(X, y),
        SklearnClassifier().fit(X, y),
    )
    yield (
        "decision_tree classifier predict (n=5000, d=20)",
        lambda: ours.predict(X),
        lambda: reference.predict(X),
        None,
    )
