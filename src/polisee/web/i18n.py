"""Translations for the web layer: the shared catalogues of :mod:`polisee.services.i18n`.

The twelve languages' catalogues, compiled in-process with Babel, no build step. The
machinery lives in the services layer because the CLI (reports) needs the same catalogues
and may not import the web layer; this module keeps the web's names for it.
"""

from __future__ import annotations

from polisee.services.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    LOCALES_DIR,
    bcp47,
    negotiate,
    region_name,
    translations,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALES_DIR",
    "bcp47",
    "negotiate",
    "region_name",
    "translations",
]
