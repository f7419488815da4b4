"""Machine Learning from Scratch: one NumPy module per model.

Import the model you need from its module, for example
``from scratch.linear_regression import LinearRegression``.
"""

# The one place the version is written: pyproject.toml reads it from here.
__version__ = "0.1.0"
