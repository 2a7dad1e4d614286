"""Routers, one per area: home, auth, admin and the JSON API."""

__all__: list[str] = []
