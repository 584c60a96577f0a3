"""framing: reproducible media-framing analysis for Russian-language news."""

__version__ = "0.1.0"
