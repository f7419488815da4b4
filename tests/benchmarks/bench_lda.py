"""Linear discriminant analysis fit: ours against scikit-learn (SVD
solvers both), on the digits the chapter uses and on a generated
50,000-row set."""

from sklearn.datasets import load_digits, make_classification
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis as SkLDA

from scratch.lda import LinearDiscriminantAnalysis


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
        yield (
            f"LDA fit {name}",
            lambda X=X, y=y: LinearDiscriminantAnalysis().fit(X, y),
            lambda X=X, y=y: SkLDA().fit(X, y),
            2.0,
        )
        ours = LinearDiscriminantAnalysis().fit(X, y)
        theirs = SkLDA().fit(X, y)
        yield (
            f"LDA predict_proba {name}",
            lambda X=X, m=ours: m.predict_proba(X),
            lambda X=X, m=theirs: m.predict_proba(X),
            2.0,
        )
