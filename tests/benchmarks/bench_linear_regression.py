"""Linear regression fit: ours against scikit-learn on the same data."""

import numpy as np
from sklearn.linear_model import LinearRegression as SkLinearRegression
from sklearn.linear_model import Ridge

from scratch.linear_regression import LinearRegression


def cases():
    rng = np.random.default_rng(0)
    for n_samples, n_features in [(20_000, 8), (100_000, 50)]:
        X = rng.normal(size=(n_samples, n_features))
        y = X @ rng.normal(size=n_features) + rng.normal(size=n_samples)
        shape = f"{n_samples:,}x{n_features}"
        yield (
            f"linear regression OLS fit {shape}",
            lambda X=X, y=y: LinearRegression().fit(X, y),
            lambda X=X, y=y: SkLinearRegression().fit(X, y),
            1.5,
        )
        yield (
            f"linear regression ridge fit {shape}",
            lambda X=X, y=y: LinearRegression(alpha=1.0).fit(X, y),
            lambda X=X, y=y: Ridge(alpha=1.0).fit(X, y),
            1.5,
        )
