"""Use cases shared by the web app and the CLI; the only layer that combines stores."""

__all__: list[str] = []
