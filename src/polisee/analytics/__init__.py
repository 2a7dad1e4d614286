"""Regional analytics: pure numpy/scipy/pandas, usable alone from a notebook.

>>> from polisee.analytics import Panel
"""

from polisee.analytics.panel import Panel

__all__ = ["Panel"]
