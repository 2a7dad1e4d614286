"""What the Eurostat measure codes mean: label, unit, whether values add up across regions.

Additivity decides how a region's figure can be converted between NUTS versions
(an employment count can be split by population weights, a percentage cannot)
and whether regional figures may be summed.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MEASURES", "Measure", "describe_measure", "is_additive"]


@dataclass(frozen=True)
class Measure:
    """A measure code with its meaning."""

    code: str
    label: str
    unit: str
    additive: bool
    non_negative: bool = True


MEASURES: dict[str, Measure] = {
    m.code: m
    for m in (
        # sbs_r_nuts06_r2 / sbs_r_3k_my_r2 (indic_sb)
        Measure("V11210", "Local units", "number", additive=True),
        Measure("V16110", "Persons employed", "persons", additive=True),
        Measure("V13320", "Wages and salaries", "million EUR", additive=True),
        Measure("V12110", "Turnover", "million EUR", additive=True),
        Measure("V91290", "Growth rate of employment", "%", additive=False, non_negative=False),
        Measure("V94310", "Share of employment in manufacturing total", "%", additive=False),
        # nama_10r_2gdp / nama_10r_3gdp (unit)
        Measure("MIO_EUR", "GDP at current market prices", "million EUR", additive=True),
        Measure("MIO_PPS", "GDP at current market prices", "million PPS", additive=True),
        Measure("EUR_HAB", "GDP per inhabitant", "EUR per inhabitant", additive=False),
        Measure("PPS_HAB", "GDP per inhabitant", "PPS per inhabitant", additive=False),
        Measure("EUR_HAB_EU", "GDP per inhabitant", "% of EU average", additive=False),
        Measure("PPS_HAB_EU", "GDP per inhabitant", "% of EU average (PPS)", additive=False),
        # rd_p_persreg (unit FTE)
        Measure("FTE", "R&D personnel", "full-time equivalents", additive=True),
        # environmental accounts (national): JRC/WIOD CO2, Eurostat env_ac_ainah_r2, EGSS
        Measure("CO2_KT", "CO2 emissions", "thousand tonnes", additive=True),
        Measure("GHG_T", "Greenhouse gas emissions (CO2 equivalent)", "tonnes", additive=True),
        Measure("EGSS_EMP", "Environmental goods and services employment", "FTE", additive=True),
        Measure(
            "EGSS_EMP_MKT",
            "Environmental goods and services employment, market output",
            "FTE",
            additive=True,
        ),
        # polisee firms aggregate (firm-level records summed per region x industry)
        Measure("FIRM_COUNT", "Firms", "number", additive=True),
        Measure("FIRM_EMPLOYEES", "Employees of the firms", "persons", additive=True),
        Measure("FIRM_TURNOVER", "Turnover of the firms", "currency of the records", additive=True),
        Measure("FIRM_EXPORTS", "Exports of the firms", "currency of the records", additive=True),
        Measure(
            "FIRM_RD", "R&D expenditure of the firms", "currency of the records", additive=True
        ),
    )
}


def describe_measure(code: str) -> Measure:
    """The meaning of ``code``; compound codes (``THS.Y15-64``) are described by their parts.

    Unknown codes are described as non-additive so that nothing is split or summed
    on a guess.

    Examples
    --------
    >>> describe_measure("V16110").label
    'Persons employed'
    >>> describe_measure("THS.Y15-64").unit
    'thousand persons'
    >>> is_additive("V91290")
    False
    """
    if code in MEASURES:
        return MEASURES[code]
    parts = code.split(".")
    if parts[0] == "THS" and len(parts) == 2:
        age = parts[1]
        return Measure(code, f"Employment, age {age} (LFS)", "thousand persons", additive=True)
    if parts[0] in MEASURES:
        base = MEASURES[parts[0]]
        return Measure(code, f"{base.label} ({', '.join(parts[1:])})", base.unit, base.additive)
    return Measure(code, code, "", additive=False, non_negative=False)


def is_additive(code: str) -> bool:
    """Whether figures of ``code`` add up across regions."""
    return describe_measure(code).additive
