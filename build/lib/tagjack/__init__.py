"""tagjack: take a hashtag hijack apart."""

__version__ = "0.1.0"
