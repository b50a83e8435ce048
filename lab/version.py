"""The lab's version (a leaf, so that provenance records can read it without importing the API)."""

__version__ = "0.1.0"
