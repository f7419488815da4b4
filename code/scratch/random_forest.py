"""Random forests: bagged CART trees with feature subsampling.

Chapter: book/supervised/random_forests.md. Each tree is grown on a
bootstrap sample, passed to the tree as sample weights (how many times
each row was drawn), and searches a random subset of the features at every
split. The forest averages the trees' predictions (eq-rf-average).
"""

import numbers

import numpy as np

from .decision_tree import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    fit_tree,
)
from .validation import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    check_bool,
    check_is_fitted,
    check_predict_input,
    check_random_state,
    check_scalar,
    check_X_y,
    encode_labels,
    r2_score,
    record_feature_names,
)


def bootstrap_counts(n_samples, rng):
    """How many times each sample is drawn in a bootstrap sample of size
    ``n_samples`` (eq-rf-bootstrap); zero marks an out-of-bag sample."""
    draws = rng.integers(0, n_samples, n_samples)
    return np.bincount(draws, minlength=n_samples).astype(np.float64)


class _BaseForest(BaseEstimator):
    """Bagging shared by the classifier and the regressor: the
    hyper-parameters (scikit-learn's classifier defaults; the regressor
    changes two), their checks, growing the trees and averaging them."""

    def __init__(
        self,
        *,
        n_estimators=100,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        max_features="sqrt",
        bootstrap=True,
        oob_score=False,
        random_state=None,
    ):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.random_state = random_state

    def _check_params(self):
        """Validate the forest's own settings; each tree checks its own
        when it is grown."""
        check_scalar(
            self.n_estimators, "n_estimators", numbers.Integral, low=1
        )
        check_bool(self.bootstrap, "bootstrap")
        check_bool(self.oob_score, "oob_score")
        if self.oob_score and not self.bootstrap:
            raise ValueError(
                "oob_score=True needs bootstrap=True: "
                "without it no sample is out of bag"
            )

    def _new_tree(self, seed):
        return self._tree_class(
            criterion=self.criterion,
            max_depth=self.max_depth,
            min_samples_split=self.min_samples_split,
            min_samples_leaf=self.min_samples_leaf,
            max_features=self.max_features,
            random_state=seed,
        )

    def _fit_trees(self, X, target, rng, classes=None):
        """Grow ``n_estimators`` trees, each on its own bootstrap sample
        passed as sample weights (eq-rf-bootstrap)."""
        n_samples = X.shape[0]
        order = np.argsort(X.T, axis=1, kind="stable")  # (d, n), once
        seeds = rng.integers(0, 2**32, size=self.n_estimators)
        # (n_estimators, n_samples): how often tree b drew sample i.
        self.bootstrap_counts_ = np.ones(
            (self.n_estimators, n_samples), dtype=np.int32
        )
        self.estimators_ = []
        for b, seed in enumerate(seeds):
            if self.bootstrap:
                self.bootstrap_counts_[b] = bootstrap_counts(n_samples, rng)
            tree = fit_tree(
                self._new_tree(int(seed)),
                X,
                target,
                self.bootstrap_counts_[b].astype(np.float64),
                np.random.default_rng(int(seed)),
                classes,
                order,
            )
            self.estimators_.append(tree)
        self.n_features_in_ = X.shape[1]

    def _oob_average(self, X):
        """Each training sample's prediction averaged over the trees whose
        bootstrap sample missed it (eq-rf-oob); also a mask of the samples
        that at least one tree missed."""
        total, n_trees = None, np.zeros(X.shape[0])
        for tree, count in zip(self.estimators_, self.bootstrap_counts_):
            out = np.flatnonzero(count == 0)
            pred = tree.tree_.predict(X[out])
            if total is None:
                total = np.zeros((X.shape[0],) + pred.shape[1:])
            total[out] += pred
            n_trees[out] += 1
        seen = n_trees > 0
        total[seen] /= n_trees[seen].reshape((-1,) + (1,) * (total.ndim - 1))
        return total, seen

    def _average(self, X):
        """Mean of the trees' outputs (eq-rf-average)."""
        X = check_predict_input(self, X, "estimators_")
        total = self.estimators_[0].tree_.predict(X)
        for tree in self.estimators_[1:]:
            total = total + tree.tree_.predict(X)
        return total / len(self.estimators_)

    @property
    def feature_importances_(self):
        """Mean of the trees' impurity importances (eq-rf-importance),
        over the trees with at least one split, renormalised."""
        check_is_fitted(self, "estimators_")
        per_tree = [
            tree.feature_importances_
            for tree in self.estimators_
            if tree.tree_.node_count > 1
        ]
        if not per_tree:
            return np.zeros(self.n_features_in_)
        mean = np.mean(per_tree, axis=0)
        return mean / mean.sum()


class RandomForestClassifier(ClassifierMixin, _BaseForest):
    """A forest of CART classification trees.

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees B.
    criterion : {'gini', 'entropy'}, default='gini'
    max_depth : int or None, default=None
    min_samples_split : int or float, default=2
    min_samples_leaf : int or float, default=1
        As for ``DecisionTreeClassifier``; applied to every tree.
    max_features : int, float, 'sqrt', 'log2' or None, default='sqrt'
        Features drawn at every split (m in the chapter).
    bootstrap : bool, default=True
        Grow each tree on a bootstrap sample; False uses all samples.
    oob_score : bool, default=False
        Compute ``oob_score_``, the out-of-bag accuracy.
    random_state : None, int or numpy.random.Generator, default=None

    Attributes
    ----------
    estimators_ : list of DecisionTreeClassifier
    bootstrap_counts_ : ndarray (n_estimators, n_samples)
        How many times each tree drew each training sample; 0 means the
        sample is out of bag for that tree.
    classes_ : ndarray
    n_features_in_ : int
    oob_score_ : float, oob_decision_function_ : ndarray
        Only with ``oob_score=True``.
    feature_importances_ : ndarray (n_features,)
    """

    _tree_class = DecisionTreeClassifier

    def fit(self, X, y):
        """Grow the forest on ``X`` (n_samples, n_features) and labels
        ``y``."""
        record_feature_names(self, X)
        X, y = check_X_y(X, y)
        self._check_params()
        self.classes_, y_index = encode_labels(y, min_classes=1)
        rng = check_random_state(self.random_state)
        self._fit_trees(X, y_index, rng, self.classes_)
        if self.oob_score:
            proba, seen = self._oob_average(X)
            self.oob_decision_function_ = proba
            self.oob_score_ = float(
                np.mean(np.argmax(proba[seen], axis=1) == y_index[seen])
            )
        return self

    def predict_proba(self, X):
        """Mean of the trees' class fractions, (n_samples, n_classes)."""
        return self._average(X)

    def predict(self, X):
        """The class with the highest mean probability."""
        proba = self.predict_proba(X)  # (n, n_classes)
        return self.classes_[np.argmax(proba, axis=1)]


class RandomForestRegressor(RegressorMixin, _BaseForest):
    """A forest of CART regression trees; it predicts the mean of the
    trees' predictions.

    Parameters and attributes are those of ``RandomForestClassifier``
    except the defaults ``criterion='squared_error'`` and
    ``max_features=1.0`` (all features, as scikit-learn), and that
    ``oob_score_`` is the out-of-bag R^2, with ``oob_prediction_``.
    """

    _tree_class = DecisionTreeRegressor

    def __init__(
        self,
        *,
        n_estimators=100,
        criterion="squared_error",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        max_features=1.0,
        bootstrap=True,
        oob_score=False,
        random_state=None,
    ):
        super().__init__(
            n_estimators=n_estimators,
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            max_features=max_features,
            bootstrap=bootstrap,
            oob_score=oob_score,
            random_state=random_state,
        )

    def fit(self, X, y):
        """Grow the forest on ``X`` (n_samples, n_features) and real
        targets ``y``."""
        record_feature_names(self, X)
        X, y = check_X_y(X, y, y_numeric=True)
        self._check_params()
        rng = check_random_state(self.random_state)
        self._fit_trees(X, y, rng)
        if self.oob_score:
            prediction, seen = self._oob_average(X)
            self.oob_prediction_ = prediction
            self.oob_score_ = r2_score(y[seen], prediction[seen])
        return self

    def predict(self, X):
        """Mean of the trees' predictions."""
        return self._average(X)
