"""diplodash: a terminal dashboard for comparative diplomacy metrics."""

__version__ = "0.1.0"
