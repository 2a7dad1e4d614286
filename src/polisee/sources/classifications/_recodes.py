"""Documented recodes of NUTS 2006 codes that no JRC converter table covers.

The JRC NUTS-converter starts at NUTS 2010, so a NUTS 2006 code that is not also a 2010
code cannot be converted from its tables. Where an official source says which 2010 code
an old code became, the link is listed here and applied as a ``recode``.
"""

from __future__ import annotations

__all__ = ["NUTS_2006_RECODES", "NUTS_2006_RECODE_NOTE"]

NUTS_2006_RECODE_NOTE = (
    "NUTS 2006 -> 2010 recode (Commission Regulation (EU) No 31/2011); approximate: in "
    "2009 seven Alta Valmarecchia municipalities (about 18,000 inhabitants) moved from "
    "Marche (ITE3 -> ITI3) to Emilia-Romagna (ITD5 -> ITH5), so the values are flagged 'e'"
)
"""Why the links of :data:`NUTS_2006_RECODES` are approximate; shown in the conversions."""

NUTS_2006_RECODES: dict[str, str] = {
    # Nord-Est and Centro (IT): renamed ITD -> ITH and ITE -> ITI in NUTS 2010.
    "ITD": "ITH",
    "ITD1": "ITH1",
    "ITD2": "ITH2",
    "ITD3": "ITH3",
    "ITD4": "ITH4",
    "ITD5": "ITH5",
    "ITE": "ITI",
    "ITE1": "ITI1",
    "ITE2": "ITI2",
    "ITE3": "ITI3",
    "ITE4": "ITI4",
}
"""NUTS 2006 code -> the NUTS 2010 code it became (still valid in NUTS 2013-2024).

Source: Commission Regulation (EU) No 31/2011 of 17 January 2011 amending the annexes to
Regulation (EC) No 1059/2003 (NUTS 2010). Eurostat's SBS regional file publishes Italy's
2008-2010 figures under these codes.
"""
