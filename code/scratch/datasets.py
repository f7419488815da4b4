"""The data sets shipped with the book, loaded as NumPy arrays.

The CSV files live in ``scratch/data`` (package data, installed with the
package); ``scratch/data/README.md`` states each one's source and licence.
Only the standard library's csv module and NumPy are used.
"""

import csv
import datetime
import pathlib

import numpy as np

DATA_DIR = pathlib.Path(__file__).resolve().parent / "data"

HOUSING_NUMERIC = [
    "longitude",
    "latitude",
    "housing_median_age",
    "total_rooms",
    "total_bedrooms",
    "population",
    "households",
    "median_income",
]
TESLA_COLUMNS = ["Open", "High", "Low", "Close", "Volume", "Adj Close"]


def _read_rows(name):
    with open(DATA_DIR / name, newline="") as handle:
        return list(csv.DictReader(handle))


def load_housing(drop_missing=True):
    """California housing: ``(X, y, feature_names, ocean_proximity)``.

    ``X`` holds the eight numeric columns, ``y`` the median house value in
    US dollars, ``ocean_proximity`` the categorical column as strings.
    Rows missing ``total_bedrooms`` are dropped unless ``drop_missing`` is
    False, in which case they hold NaN.
    """
    rows = _read_rows("housing.csv")
    X = np.array(
        [
            [
                float(row[name]) if row[name] else np.nan
                for name in HOUSING_NUMERIC
            ]
            for row in rows
        ]
    )
    y = np.array([float(row["median_house_value"]) for row in rows])
    ocean = np.array([row["ocean_proximity"] for row in rows])
    if drop_missing:
        keep = ~np.isnan(X).any(axis=1)
        X, y, ocean = X[keep], y[keep], ocean[keep]
    return X, y, list(HOUSING_NUMERIC), ocean


def load_tesla():
    """Daily Tesla share prices, 29 June 2010 to 17 March 2017:
    ``(dates, prices, column_names)``.

    ``dates`` is an array of ``numpy.datetime64`` days in trading order;
    ``prices`` has one row per day and the columns ``column_names`` (open,
    high, low, close, volume, adjusted close).
    """
    rows = _read_rows("tesla.csv")
    dates = np.array(
        [
            datetime.datetime.strptime(row["Date"], "%m/%d/%Y").date()
            for row in rows
        ],
        dtype="datetime64[D]",
    )
    prices = np.array(
        [[float(row[name]) for name in TESLA_COLUMNS] for row in rows]
    )
    order = np.argsort(dates, kind="stable")
    return dates[order], prices[order], list(TESLA_COLUMNS)
