"""Numbers as people read them: significant digits, thousands separators, locale."""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["format_number"]


def _num(value: object) -> float | None:
    """``value`` as a float, or None when missing (None, NaN, pandas NA)."""
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) or math.isinf(number) else number


def _decimals_for(value: float, significant: int) -> int:
    if value == 0:
        return 0
    magnitude = math.floor(math.log10(abs(value)))
    return max(0, min(6, significant - 1 - magnitude))


def format_number(
    value: float | None,
    unit: str = "",
    locale: str = "en",
    *,
    decimals: int | None = None,
    significant: int = 3,
    missing: str = "no data",
) -> str:
    """Format a number for people: thousand separators, a sensible number of digits.

    Parameters
    ----------
    value : float or None
        The number; None and NaN give ``missing``.
    unit : str
        Appended after a no-break space (``"%"`` sticks to the number in English).
    locale : str
        A CLDR locale such as ``"en"``, ``"de"``, ``"hu"``; separators follow it when
        babel is installed (it is part of the ``web`` extra), else English separators.
    decimals : int, optional
        Fixed number of decimals; by default enough for ``significant`` digits, and
        none for numbers of 10**(significant-1) and above (counts stay exact).
    significant : int
        Significant digits when ``decimals`` is not given.
    missing : str
        Text for a missing value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_number(1234567.8, "persons")
    '1,234,568\\xa0persons'
    >>> format_number(0.012345)
    '0.0123'
    >>> format_number(12.5, "%")
    '12.5%'
    >>> format_number(float("nan"))
    'no data'
    """
    number = _num(value)
    if number is None:
        return missing
    places = _decimals_for(number, significant) if decimals is None else max(0, decimals)
    text = _format_decimal(round(number, places), places, locale, fixed=decimals is not None)
    if not unit:
        return text
    if unit == "%" and locale.lower().startswith("en"):
        return text + unit
    return f"{text}\u00a0{unit}"


def _format_decimal(number: float, places: int, locale: str, *, fixed: bool) -> str:
    if number == 0:
        number = 0.0  # no "-0"
    try:
        from babel.core import UnknownLocaleError
        from babel.numbers import format_decimal
    except ImportError:  # pragma: no cover - babel ships with the web extra
        text = f"{number:,.{places}f}"
        return text if fixed or "." not in text else text.rstrip("0").rstrip(".")
    pattern = "#,##0" + ("." + ("0" if fixed else "#") * places if places else "")
    try:
        return str(format_decimal(number, format=pattern, locale=locale))
    except (UnknownLocaleError, ValueError):
        return str(format_decimal(number, format=pattern, locale="en"))
