"""The package version; the model's own version is in its manifest."""

__version__ = "0.2.0"
