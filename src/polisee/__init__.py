"""polisee: evidence-based cluster and smart-specialisation policy."""

__all__ = ["__version__"]

__version__ = "0.1.0"
