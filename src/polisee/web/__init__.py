"""The web platform."""

__all__: list[str] = []
