"""Numbers as people read them: the shared formatting of :mod:`polisee.services.i18n`.

The report renderer in the services layer formats numbers the same way as the charts, so
the function lives there; the charts keep their private short names for it.
"""

from __future__ import annotations

from polisee.services.i18n import as_number as _num
from polisee.services.i18n import format_number
from polisee.services.i18n import significant_decimals as _decimals_for

__all__ = ["_decimals_for", "_num", "format_number"]
