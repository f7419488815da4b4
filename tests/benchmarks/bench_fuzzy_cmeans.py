"""Fuzzy c-means fit against scikit-learn's KMeans, 20,000 x 2, k = 5.

scikit-learn has no fuzzy c-means, so this is not like for like: k-means
does a cheaper iteration (hard labels) and stops sooner. The ratio is a
reference point for the reader, with no target.
"""

from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_blobs

from scratch.fuzzy_cmeans import FuzzyCMeans


def cases():
    X, _ = make_blobs(
        n_samples=20_000,
        n_features=2,
        centers=5,
        cluster_std=1.5,
        random_state=0,
    )
    yield (
        "fuzzy c-means m=2 vs k-means (not like for like)",
        lambda: FuzzyCMeans(n_clusters=5, random_state=0).fit(X),
        lambda: SkKMeans(n_clusters=5, n_init=1, random_state=0).fit(X),
        None,
    )
