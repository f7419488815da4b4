"""Loaders for the data sets shipped in book/data, as NumPy arrays.

The book's chapters import this file (it is not part of ``scratch``, which
does no file I/O). Only the standard library's csv module and NumPy are used.
"""

import csv
import pathlib

import numpy as np

DATA_DIR = pathlib.Path(__file__).resolve().parent

HOUSING_NUMERIC = [
    "longitude", "latitude", "housing_median_age", "total_rooms",
    "total_bedrooms", "population", "households", "median_income",
]


def _read_rows(name):
    with open(DATA_DIR / name, newline="") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def load_housing(drop_missing=True):
    """California housing: ``(X, y, feature_names, ocean_proximity)``.

    ``X`` holds the eight numeric columns, ``y`` the median house value in
    US dollars, ``ocean_proximity`` the categorical column as strings.
    Rows missing ``total_bedrooms`` are dropped unless ``drop_missing`` is
    False, in which case they hold NaN.
    """
    _, rows = _read_rows("housing.csv")
    X = np.array([[float(row[name]) if row[name] else np.nan
                   for name in HOUSING_NUMERIC] for row in rows])
    y = np.array([float(row["median_house_value"]) for row in rows])
    ocean = np.array([row["ocean_proximity"] for row in rows])
    if drop_missing:
        keep = ~np.isnan(X).any(axis=1)
        X, y, ocean = X[keep], y[keep], ocean[keep]
    return X, y, list(HOUSING_NUMERIC), ocean


def load_tabular_classification():
    """The seed's 5,000-row classification set: ``(X, y, feature_names)``.

    ``X`` has the two categorical columns (small integer codes) followed by
    the three numeric ones; ``y`` is the integer class label 0-4.
    """
    fieldnames, rows = _read_rows("tabular_classification.csv")
    features = [name for name in fieldnames if name != "Label"]
    X = np.array([[float(row[name]) for name in features] for row in rows])
    y = np.array([int(row["Label"]) for row in rows])
    return X, y, features
