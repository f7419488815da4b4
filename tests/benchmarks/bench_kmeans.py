"""k-means fit: ours against scikit-learn, 50,000 x 10, k = 8."""

from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_blobs

from scratch.kmeans import KMeans


def cases():
    X, _ = make_blobs(
        n_samples=50_000,
        n_features=10,
        centers=8,
        cluster_std=4.0,
        random_state=0,
    )
    start = X[:8].copy()
    yield (
        "k-means Lloyd from the same centres 50,000x10 k=8",
        lambda: KMeans(n_clusters=8, init=start).fit(X),
        lambda: SkKMeans(
            n_clusters=8, init=start, n_init=1, algorithm="lloyd"
        ).fit(X),
        3.0,
    )
    # The same seed gives the two libraries different starts, and so
    # different numbers of Lloyd iterations; five seeds average that out.
    seeds = range(5)
    yield (
        "k-means k-means++ and Lloyd 50,000x10 k=8, 5 seeds",
        lambda: [
            KMeans(n_clusters=8, random_state=seed).fit(X) for seed in seeds
        ],
        lambda: [
            SkKMeans(
                n_clusters=8, n_init=1, random_state=seed, algorithm="lloyd"
            ).fit(X)
            for seed in seeds
        ],
        3.0,
    )
