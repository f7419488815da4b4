"""The shipped data sets load with the documented shapes and types.

Every expected fact is read independently from the CSV files with the
standard library's csv module (or from the data README), not from the
loaders under test.
"""

import csv
import datetime
import importlib.resources
import math

import numpy as np
import pytest

from scratch import datasets

DATA = importlib.resources.files("scratch") / "data"


def csv_rows(name):
    with (DATA / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def housing_rows():
    return csv_rows("housing.csv")


@pytest.fixture(scope="module")
def tesla_rows():
    return csv_rows("tesla.csv")


def test_every_shipped_file_is_documented_in_the_data_readme():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    shipped = sorted(p.name for p in DATA.iterdir() if p.name != "README.md")
    assert shipped, "no data files found"
    for name in shipped:
        assert f"`{name}`" in readme, f"{name} is not in data/README.md"


def test_housing_has_the_documented_rows_and_missing_values(housing_rows):
    missing = [row for row in housing_rows if row["total_bedrooms"] == ""]
    assert len(housing_rows) == 20_640
    assert len(missing) == 207


def test_load_housing_drops_exactly_the_rows_missing_bedrooms(housing_rows):
    X, y, names, ocean = datasets.load_housing()
    complete = [row for row in housing_rows if row["total_bedrooms"] != ""]
    assert X.shape == (len(complete), 8) == (20_640 - 207, 8)
    assert y.shape == ocean.shape == (len(complete),)
    assert X.dtype == y.dtype == np.float64
    assert not np.isnan(X).any() and not np.isnan(y).any()
    assert names == [
        "longitude",
        "latitude",
        "housing_median_age",
        "total_rooms",
        "total_bedrooms",
        "population",
        "households",
        "median_income",
    ]
    # the rows kept, in file order
    for i in (0, 1, len(complete) // 2, len(complete) - 1):
        row = complete[i]
        assert X[i].tolist() == [float(row[name]) for name in names]
        assert y[i] == float(row["median_house_value"])
        assert ocean[i] == row["ocean_proximity"]


def test_load_housing_keeps_missing_values_as_nan_on_request(housing_rows):
    X, y, names, ocean = datasets.load_housing(drop_missing=False)
    assert X.shape == (20_640, 8) and y.shape == ocean.shape == (20_640,)
    bedrooms = names.index("total_bedrooms")
    file_missing = [row["total_bedrooms"] == "" for row in housing_rows]
    assert np.isnan(X[:, bedrooms]).tolist() == file_missing
    others = np.delete(X, bedrooms, axis=1)
    assert not np.isnan(others).any()


def test_housing_categories_are_the_file_strings(housing_rows):
    _, _, _, ocean = datasets.load_housing(drop_missing=False)
    assert ocean.dtype.kind == "U"
    assert set(ocean) == {row["ocean_proximity"] for row in housing_rows}
    assert set(ocean) == {
        "<1H OCEAN",
        "INLAND",
        "ISLAND",
        "NEAR BAY",
        "NEAR OCEAN",
    }


def test_tesla_has_the_documented_days(tesla_rows):
    first = datetime.datetime.strptime(tesla_rows[0]["Date"], "%m/%d/%Y")
    last = datetime.datetime.strptime(tesla_rows[-1]["Date"], "%m/%d/%Y")
    assert len(tesla_rows) == 1_692
    assert (first.date(), last.date()) == (
        datetime.date(2010, 6, 29),
        datetime.date(2017, 3, 17),
    )


def test_load_tesla_shapes_dtypes_and_order(tesla_rows):
    dates, prices, names = datasets.load_tesla()
    assert names == ["Open", "High", "Low", "Close", "Volume", "Adj Close"]
    assert dates.shape == (1_692,) and dates.dtype == "datetime64[D]"
    assert prices.shape == (1_692, 6) and prices.dtype == np.float64
    assert np.all(np.diff(dates).astype(int) > 0), "dates not increasing"
    assert str(dates[0]) == "2010-06-29" and str(dates[-1]) == "2017-03-17"
    assert np.isfinite(prices).all()
    by_date = {
        datetime.datetime.strptime(row["Date"], "%m/%d/%Y").date(): row
        for row in tesla_rows
    }
    for i in (0, 500, 1_691):
        row = by_date[dates[i].astype(datetime.date)]
        assert prices[i].tolist() == [float(row[name]) for name in names]


def test_tesla_prices_are_consistent_days():
    _, prices, names = datasets.load_tesla()
    column = {name: prices[:, j] for j, name in enumerate(names)}
    # each day's low and high bound its open and close
    assert np.all(column["Low"] <= np.minimum(column["Open"], column["Close"]))
    assert np.all(
        column["High"] >= np.maximum(column["Open"], column["Close"])
    )
    assert np.all(column["Volume"] > 0)
    assert all(math.isclose(v, round(v)) for v in column["Volume"])
