"""Machine Learning from Scratch: one NumPy module per model.

Import the model you need from its module, for example
``from scratch.linear_regression import LinearRegression``.
"""

__version__ = "0.1.0"
