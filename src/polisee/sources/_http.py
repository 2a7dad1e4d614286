"""The one place that builds HTTP clients: timeouts, redirects and the user agent."""

from __future__ import annotations

import httpx

from polisee import __version__

__all__ = ["USER_AGENT", "build_client"]

USER_AGENT = f"polisee/{__version__}"


def build_client(
    *,
    timeout: float = 60.0,
    connect_timeout: float = 10.0,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """An :class:`httpx.Client` with polisee's user agent and bounded timeouts.

    Parameters
    ----------
    timeout
        Seconds to wait for each read or write; a stalled download fails instead of hanging.
    connect_timeout
        Seconds to wait for the connection.
    transport
        A custom transport (tests use :class:`httpx.MockTransport`); default the network.

    Returns
    -------
    httpx.Client
        Follows redirects (Eurostat answers some requests with a redirect); the caller
        closes it (``with build_client() as client:``).
    """
    return httpx.Client(
        headers={"User-Agent": USER_AGENT},
        timeout=httpx.Timeout(timeout, connect=connect_timeout),
        follow_redirects=True,
        transport=transport,
    )
