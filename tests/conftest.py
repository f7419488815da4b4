"""Fixtures shared by several test modules."""

import importlib.util
import pathlib

import pytest
from sklearn.datasets import load_breast_cancer, load_wine

ROOT = pathlib.Path(__file__).resolve().parents[1]


def load_tabular():
    """The book's tabular classification set (book/data/), loaded from
    its file: book/data is not a package."""
    spec = importlib.util.spec_from_file_location(
        "book_datasets", ROOT / "book" / "data" / "datasets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    X, y, _ = module.load_tabular_classification()
    return X, y


CLASSIFICATION_DATA = {
    "wine": lambda: load_wine(return_X_y=True),
    "breast_cancer": lambda: load_breast_cancer(return_X_y=True),
    "tabular": load_tabular,
}


@pytest.fixture(scope="module", params=sorted(CLASSIFICATION_DATA))
def dataset(request):
    """Each of three real classification sets, (X, y), in turn."""
    return CLASSIFICATION_DATA[request.param]()
