"""Suite-wide settings: Hypothesis keeps no example database (nothing is written into the checkout)."""

from hypothesis import settings

settings.register_profile("chiapp", database=None, deadline=None)
settings.load_profile("chiapp")
