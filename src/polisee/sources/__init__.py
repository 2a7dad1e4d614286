"""Outside formats turned into canonical frames: Eurostat files and API, GISCO, classifications."""

__all__: list[str] = []
