"""Gaussian naive Bayes fit and predict: ours against scikit-learn, on the
digits the chapter uses and on a generated 50,000-row set."""

from sklearn.datasets import load_digits, make_classification
from sklearn.naive_bayes import GaussianNB

from scratch.naive_bayes import GaussianNaiveBayes


def cases():
    X_digits, y_digits = load_digits(return_X_y=True)
    X_big, y_big = make_classification(
        n_samples=50_000,
        n_features=20,
        n_informative=10,
        n_classes=5,
        random_state=0,
    )
    for name, X, y in [
        ("digits 1,797x64", X_digits, y_digits),
        ("50,000x20, 5 classes", X_big, y_big),
    ]:
        ours = GaussianNaiveBayes().fit(X, y)
        theirs = GaussianNB().fit(X, y)
        yield (
            f"naive Bayes fit {name}",
            lambda X=X, y=y: GaussianNaiveBayes().fit(X, y),
            lambda X=X, y=y: GaussianNB().fit(X, y),
            2.0,
        )
        yield (
            f"naive Bayes predict_proba {name}",
            lambda X=X, m=ours: m.predict_proba(X),
            lambda X=X, m=theirs: m.predict_proba(X),
            2.0,
        )
